import * as k8s from '../imports/k8s';
import { NetworkPeer, networkPolicyPeer } from './exposed-endpoint';

/** Where the server pods may connect to. */
export enum EgressPolicy {
  /** No egress policy: the pods may connect anywhere. */
  UNRESTRICTED = 'unrestricted',
  /**
   * A NetworkPolicy lets the pods reach only the cluster DNS (UDP and TCP 53): a static site needs
   * nothing else. A `proxy_pass` location to another service would be refused.
   */
  DNS_ONLY = 'dns-only',
}

/** CoreDNS (and kube-dns) pods as kubeadm, kind, and most managed clusters label them. */
export const DEFAULT_DNS_PEER: NetworkPeer = {
  namespaceLabels: { 'kubernetes.io/metadata.name': 'kube-system' },
  podLabels: { 'k8s-app': 'kube-dns' },
};

/** An egress-only NetworkPolicy spec: the pods labelled `podLabels` may reach `dns` on port 53 and nothing else. */
export function dnsOnlyEgressPolicySpec(podLabels: Record<string, string>, dns: NetworkPeer): k8s.NetworkPolicySpec {
  return {
    podSelector: { matchLabels: podLabels },
    policyTypes: ['Egress'],
    egress: [{
      to: [networkPolicyPeer(dns)],
      ports: [{ port: k8s.IntOrString.fromNumber(53), protocol: 'UDP' }, { port: k8s.IntOrString.fromNumber(53), protocol: 'TCP' }],
    }],
  };
}
