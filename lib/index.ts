// The public API of the construct library. Everything else under lib/ is internal.
export { SecureNginxApp, DEFAULT_NGINX_IMAGE, NGINX_UNPRIVILEGED_UID } from './secure-nginx-app';
export type { SecureNginxAppProps } from './secure-nginx-app';
export { ExposedEndpoint, dnsNameMatches } from './exposed-endpoint';
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
export type { EndpointDescription, EndpointPortDescription, IngressDescription, PortAccess, EndpointAccess } from './endpoint-access';
export { renderNginxServerConfig } from './nginx-config';
export type { NginxServerConfigOptions } from './nginx-config';
export { restrictedContainerSecurityContext } from './security';
export { DEFAULT_CERTIFICATE_STORE_DIR, ROTATE_CERTIFICATES_ENV, CERTIFICATE_STORE_DIR_ENV } from './certificate-store';
