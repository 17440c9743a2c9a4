/**
 * The nginx side of the app: the `server { ... }` configs its ConfigMap mounts, what they listen
 * on, and the main nginx.conf the sandbox uses in place of the image's. Pure functions.
 */
import type { ContainerView, ServiceRoute } from './manifests';

/** A `*.conf` file from a ConfigMap volume: nginx includes it from its mount directory. */
export interface SiteConfig {
  directory: string;
  fileName: string;
  text: string;
}

export interface ListenPort {
  port: number;
  ssl: boolean;
}

export function siteConfigs(server: ContainerView): SiteConfig[] {
  return server.mounts
    .filter((mount) => mount.source.startsWith('ConfigMap/'))
    .flatMap((mount) =>
      mount.files
        .filter((file) => file.path.endsWith('.conf') && !file.path.includes('/'))
        .map((file) => ({ directory: mount.mountPath, fileName: file.path, text: file.content.toString('utf8') })),
    );
}

/** The ports of all `listen` directives; a port is ssl if any of its directives says so. */
export function listenPorts(config: string): ListenPort[] {
  const byPort = new Map<number, boolean>();
  for (const [address, ...parameters] of directiveArguments(config, 'listen')) {
    if (address.startsWith('unix:')) continue;
    // `8443`, `[::]:8443`, `127.0.0.1:8443`; an address without a port means port 80.
    const port = Number(/^\d+$/.test(address) ? address : (/:(\d+)$/.exec(address)?.[1] ?? 80));
    byPort.set(port, (byPort.get(port) ?? false) || parameters.includes('ssl'));
  }
  return [...byPort].map(([port, ssl]) => ({ port, ssl }));
}

export function documentRoots(config: string): string[] {
  return directiveArguments(config, 'root').map(([root]) => root.replace(/^["']|["']$/g, ''));
}

/** The Service routes that reach a TLS port and a plain-HTTP port of nginx. */
export function routesByScheme(routes: ServiceRoute[], ports: ListenPort[]): { https?: ServiceRoute; http?: ServiceRoute } {
  const isSsl = (route: ServiceRoute) => ports.find((p) => p.port === route.targetPort)?.ssl;
  return { https: routes.find((r) => isSsl(r) === true), http: routes.find((r) => isSsl(r) === false) };
}

/**
 * Stands in for the image's /etc/nginx/nginx.conf: includes the site configs from where the pod
 * mounts them, and keeps pid, logs and temp files in `runDir`, the only place nginx writes to.
 */
export function mainNginxConfig(runDir: string, includeGlobs: string[]): string {
  // No `user` directive, as in the unprivileged image's nginx.conf: a non-root master cannot switch.
  return `daemon off;
worker_processes 1;
pid ${runDir}/nginx.pid;
error_log stderr notice;
events { worker_connections 64; }
http {
  types { text/html html; }
  default_type application/octet-stream;
  access_log ${runDir}/access.log;
  client_body_temp_path ${runDir}/client_body;
  proxy_temp_path ${runDir}/proxy;
  fastcgi_temp_path ${runDir}/fastcgi;
  uwsgi_temp_path ${runDir}/uwsgi;
  scgi_temp_path ${runDir}/scgi;
${includeGlobs.map((glob) => `  include ${glob};`).join('\n')}
}
`;
}

/** Whitespace-separated arguments of each `name ...;` directive, comments removed. */
function directiveArguments(config: string, name: string): string[][] {
  const uncommented = config.replace(/#[^\n]*/g, '');
  const directive = new RegExp(`(?:^|[\\s;{}])${name}\\s+([^;{}]+);`, 'g');
  return [...uncommented.matchAll(directive)].map((match) => match[1].trim().split(/\s+/));
}
