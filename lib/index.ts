// The public API of the construct library. Everything else under lib/ is internal.
export { SecureNginxApp } from './secure-nginx-app';
export type { SecureNginxAppProps } from './secure-nginx-app';
export {
  DEFAULT_NGINX_IMAGE, NGINX_UNPRIVILEGED_UID, NginxImageFamily, parseImageReference, formatImageReference, knownImageFamily,
} from './nginx-image';
export type { ImageReference } from './nginx-image';
export { DEFAULT_HEALTH_CHECK_PATH } from './nginx-probes';
export type { NginxPodOptions } from './nginx-deployment';
export type { NginxSiteOptions } from './nginx-site-config';
export type { NginxProbe } from './nginx-probes';
export { ReplicaScaling, DEFAULT_REPLICAS, SpreadWhenUnsatisfiable } from './replica-scaling';
export type {
  ReplicaScalingProps, ReplicaScalingOptions, AutoscalingOptions, DisruptionBudgetOptions, TopologySpreadOptions,
} from './replica-scaling';
export { NginxMetrics, DEFAULT_NGINX_EXPORTER_IMAGE, DEFAULT_METRICS_PORT, DEFAULT_STUB_STATUS_PATH } from './nginx-metrics';
export type { NginxMetricsProps, NginxMetricsOptions, ServiceMonitorOptions } from './nginx-metrics';
export { EgressPolicy, DEFAULT_DNS_PEER, dnsOnlyEgressPolicySpec } from './egress-policy';
export { ExposedEndpoint, dnsNameMatches, DEFAULT_INGRESS_CONTROLLER, ANY_ADDRESS } from './exposed-endpoint';
export type {
  ExposedEndpointProps, EndpointBackend, BackendContainerPort, EndpointTls, EndpointPort, EndpointIngressOptions, NetworkPeer,
} from './exposed-endpoint';
export { CurlProbe, CurlProbeMode, curlCheckCommand, targetUrl, DEFAULT_CURL_IMAGE, DEFAULT_CA_MOUNT_PATH, CURL_IMAGE_UID } from './curl-probe';
export type { CurlProbeProps, HttpsTarget, CurlCheckCommandOptions } from './curl-probe';
export {
  serviceDnsNames, serviceEnvVarPrefix, serviceEnvVars, apiServerProxyPath, kubectlProxyUrl, DEFAULT_CLUSTER_DOMAIN, DEFAULT_KUBECTL_PROXY_PORT,
} from './service-access';
export type { AccessPort, ServiceEnvVar, ApiServerProxyTarget } from './service-access';
export { describeEndpointAccess, renderAccessMarkdown } from './endpoint-access';
export type {
  EndpointDescription, EndpointPortDescription, PortAccess, EndpointAccess, IngressDescription, NetworkPeerDescription,
  NetworkPolicyRuleDescription, NetworkPolicyDescription, RouteAdmission, PortAdmission,
} from './endpoint-access';
export { renderNginxServerConfig, nginxServerConfigProblems, NginxLocationMatch } from './nginx-config';
export type { NginxServerConfigOptions, NginxLocation, NginxConfigProblem } from './nginx-config';
export { restrictedContainerSecurityContext } from './security';
export { DEFAULT_CERTIFICATE_STORE_DIR, ROTATE_CERTIFICATES_ENV, CERTIFICATE_STORE_DIR_ENV } from './certificate-store';
