/**
 * Discovery beyond the Service's own names (pages 000, 002, 004): pod DNS records, a headless
 * Service's per-pod records, `kubectl cluster-info` style proxy URLs, the API server proxy from
 * inside a pod, and the commands that check DNS from a pod. Pure functions.
 */
import { DEFAULT_CLUSTER_DOMAIN } from './service-access';

/** Where a pod finds its ServiceAccount credentials: `token`, `ca.crt` and `namespace` (pages 001 and 004). */
export const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
/** The API server as pods reach it: the `kubernetes` Service in `default`, through cluster DNS. */
export const IN_CLUSTER_API_SERVER = 'https://kubernetes.default.svc';
/** Where `kubectl cluster-info` reads the API server address from: the current kubeconfig context. */
export const API_SERVER_ADDRESS_COMMAND = "kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}'";
/** A small image with `nslookup` (busybox), for one-off DNS checks. */
export const DNS_CHECK_IMAGE = 'busybox:1.36';

/** `10.244.3.4` -> `10-244-3-4.default.pod.cluster.local`: the A record cluster DNS serves for a pod IP. */
export function podDnsName(podIp: string, namespace: string, clusterDomain: string = DEFAULT_CLUSTER_DOMAIN): string {
  return `${podIp.replace(/[.:]/g, '-')}.${namespace}.pod.${clusterDomain}`;
}

/** `10.244.3.4` behind headless Service `web` -> `10-244-3-4.web.default.svc.cluster.local` (CoreDNS). */
export function headlessPodDnsName(podIp: string, serviceName: string, namespace: string, clusterDomain: string = DEFAULT_CLUSTER_DOMAIN): string {
  return `${podIp.replace(/[.:]/g, '-')}.${serviceName}.${namespace}.svc.${clusterDomain}`;
}

/** Lists the pod DNS names of the pods with `labels`, from their IPs (page 004's `jsonpath='{.status.podIP}'`). */
export function podDnsNamesCommand(labels: Record<string, string>, namespace: string, clusterDomain: string = DEFAULT_CLUSTER_DOMAIN): string {
  const selector = Object.entries(labels).map(([key, value]) => `${key}=${value}`).join(',');
  return `kubectl get pods -n ${namespace} -l ${selector} -o jsonpath='{range .items[*]}{.status.podIP}{"\\n"}{end}'`
    + ` | sed 's/[.:]/-/g; s/$/.${namespace}.pod.${clusterDomain}/'`;
}

/** A line as `kubectl cluster-info` prints it for a Service reached through the API server proxy. */
export function clusterInfoLine(serviceName: string, proxyPath: string, apiServer = '<api-server>'): string {
  return `${serviceName} is running at ${apiServer}${proxyPath.replace(/\/$/, '')}`;
}

/** The proxy URL as a pod reaches it, with its ServiceAccount token. */
export function inClusterProxyUrl(proxyPath: string): string {
  return `${IN_CLUSTER_API_SERVER}${proxyPath}`;
}

/** `kubectl get --raw PATH`: the same request with the caller's own credentials, no proxy process. */
export function kubectlGetRawCommand(proxyPath: string): string {
  return `kubectl get --raw '${proxyPath}'`;
}

/** Commands that check from a pod that cluster DNS answers `name`. */
export function dnsCheckCommands(name: string, namespace: string): string[] {
  return [
    // The pod's resolver, as the docs' `nslookup my-nginx`.
    `kubectl run dns-check -n ${namespace} --rm -i --restart=Never --image=${DNS_CHECK_IMAGE} -- nslookup ${name}`,
    // libc's resolver with the pod's search path, which is what applications use; needs an image with getent (glibc, or Alpine's musl-utils).
    `kubectl exec -n ${namespace} <pod> -- getent hosts ${name}`,
  ];
}
