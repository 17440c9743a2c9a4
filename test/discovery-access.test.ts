import * as kplus from 'cdk8s-plus-28';
import {
  apiServerProxyPath, clusterInfoLine, describeEndpointAccess, dnsCheckCommands, kubectlGetRawCommand, kubectlProxyUrl, podDnsName, renderAccessMarkdown,
} from '../lib';

describe('discovery', () => {
  test('pod DNS records from a pod IP of page 002 (10.244.3.4), in the form of page 004', () => {
    expect(podDnsName('10.244.3.4', 'default')).toBe('10-244-3-4.default.pod.cluster.local');
  });

  test('kubectl cluster-info lines, as page 000 prints them', () => {
    const path = apiServerProxyPath({ namespace: 'kube-system', serviceName: 'kube-dns' });
    expect(clusterInfoLine('kube-dns', path, 'https://192.0.2.1')).toBe('kube-dns is running at https://192.0.2.1/api/v1/namespaces/kube-system/services/kube-dns/proxy');
    // Page 000 reaches the same path through `kubectl proxy --port=8080`.
    expect(kubectlProxyUrl(apiServerProxyPath({ namespace: 'kube-system', serviceName: 'elasticsearch-logging' }), 8080))
      .toBe('http://localhost:8080/api/v1/namespaces/kube-system/services/elasticsearch-logging/proxy/');
    expect(kubectlGetRawCommand(path)).toBe("kubectl get --raw '/api/v1/namespaces/kube-system/services/kube-dns/proxy/'");
  });

  test('DNS checks from a pod: nslookup as on page 002, and getent hosts', () => {
    const [nslookup, getent] = dnsCheckCommands('my-nginx', 'default');
    expect(nslookup).toMatch(/^kubectl run dns-check -n default --rm -i --restart=Never --image=busybox:1\.36 -- nslookup my-nginx$/);
    expect(getent).toBe('kubectl exec -n default <pod> -- getent hosts my-nginx');
  });

  test('the access map: in-cluster API server form, get --raw, pod and headless records, env vars only in the namespace', () => {
    const access = describeEndpointAccess({
      serviceName: 'my-nginx', namespace: 'default', type: kplus.ServiceType.CLUSTER_IP, podLabels: { run: 'my-nginx' }, headlessServiceName: 'my-nginx-headless',
      ports: [{ name: 'https', port: 443, tls: true }],
    });
    expect(access.ports[0].inClusterApiServerUrl).toBe('https://kubernetes.default.svc/api/v1/namespaces/default/services/https:my-nginx:https/proxy/');
    expect(access.ports[0].kubectlGetRawCommand).toBe("kubectl get --raw '/api/v1/namespaces/default/services/https:my-nginx:https/proxy/'");
    expect(access.discovery.podDnsForm).toBe('<pod-ip-with-dashes>.default.pod.cluster.local');
    expect(access.discovery.headless).toEqual({
      dnsName: 'my-nginx-headless.default.svc.cluster.local', podDnsForm: '<pod-ip-with-dashes>.my-nginx-headless.default.svc.cluster.local',
    });
    expect(access.discovery.podDnsNamesCommand).toBe(
      `kubectl get pods -n default -l run=my-nginx -o jsonpath='{range .items[*]}{.status.podIP}{"\\n"}{end}' | sed 's/[.:]/-/g; s/$/.default.pod.cluster.local/'`);
    const md = renderAccessMarkdown('Access', [access]);
    expect(md).toContain('created **after** this Service exists, and only\ninto pods in namespace `default`');
    expect(md).toContain('my-nginx is running at <api-server>/api/v1/namespaces/default/services/https:my-nginx:https/proxy');
    expect(md).toContain('curl --cacert /var/run/secrets/kubernetes.io/serviceaccount/ca.crt -H "Authorization: Bearer $(cat /var/run/secrets/kubernetes.io/serviceaccount/token)" https://kubernetes.default.svc/');
    expect(md).toContain('not in the certificate, so HTTPS to it fails hostname verification');
  });
});
