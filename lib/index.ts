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
  serviceDnsNames, serviceEnvVarPrefix, serviceEnvVars, apiServerProxyPath, kubectlProxyUrl, UrlScheme, DEFAULT_CLUSTER_DOMAIN, DEFAULT_KUBECTL_PROXY_PORT,
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
export { ProbeRoute } from './curl-probe';
export { ApiServerProxyAccess, apiServerProxyCurlCommand, MIN_PROJECTED_TOKEN_SECONDS } from './api-server-probe';
export type { ApiServerProxyAccessProps, ApiServerProxyCurlOptions, ApiServerProxyProbeTarget } from './api-server-probe';
export { GatewayRoute, GATEWAY_API_VERSION, httpRouteSpec, gatewaySpec, backendTlsPolicySpec } from './gateway-route';
export type { GatewayRouteOptions, GatewayRouteProps, GatewayReference, GatewayListenerOptions, HttpRouteSpecOptions, BackendTlsPolicySpecOptions } from './gateway-route';
export { IstioTrafficSplit, ISTIO_NETWORKING_VERSION, virtualServiceSpec, destinationRuleSpec } from './istio-routes';
export type { IstioTrafficSplitOptions, IstioTrafficSplitProps, IstioSubset } from './istio-routes';
export { KongRoute, KongLoadBalancing, KONG_CONFIGURATION_GROUP, kongPlugin, legacyKongIngress, kongRouteAnnotations, kongServiceAnnotations } from './kong-route';
export type {
  KongRouteOptions, KongRouteProps, KongPluginOptions, KongRouteAnnotationOptions, KongServiceAnnotationOptions, KongResource, KongResourceMetadata,
} from './kong-route';
export {
  SERVICE_ACCOUNT_MOUNT_PATH, IN_CLUSTER_API_SERVER, API_SERVER_ADDRESS_COMMAND, DNS_CHECK_IMAGE, podDnsName, headlessPodDnsName, podDnsNamesCommand,
  clusterInfoLine, inClusterProxyUrl, kubectlGetRawCommand, dnsCheckCommands,
} from './discovery-access';
export type { DiscoveryAccess, HeadlessServiceAccess, GatewayRouteAccess, MeshSplitAccess, MeshSubsetShare } from './endpoint-access';
export { apiServerProxySegment } from './service-access';
export { ServingCertificate } from './serving-certificate';
export type { ServingCertificateProps } from './serving-certificate';
export { CertificateSource } from './certificate-source';
export type {
  ICertificateSource, ServingCertificateRequest, BoundCertificate, GeneratedCertificateOptions, PemCertificateOptions,
  PemFileCertificateOptions, ExistingSecretOptions, CertManagerCertificateOptions,
} from './certificate-source';
export { CertificateAuthority } from './certificate-authority';
export type { GeneratedCertificateAuthorityProps, PemCertificateAuthorityProps, PemFileCertificateAuthorityProps } from './certificate-authority';
export { CertManagerAuthority } from './cert-manager-authority';
export type { CertManagerAuthorityProps } from './cert-manager-authority';
export { CaSourceKind, CA_CERTIFICATE_KEY } from './certificate-trust';
export type { ICertificateTrust, CaSource } from './certificate-trust';
export { KeyAlgorithm } from './key-algorithm';
export { readCertificateFacts } from './certificate';
export type { CertificateFacts } from './certificate';
