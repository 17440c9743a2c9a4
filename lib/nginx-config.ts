/** What the tutorial's `default.conf` needs to know. */
export interface NginxServerConfigOptions {
  /** Port nginx serves plain HTTP on inside the container. */
  readonly httpPort: number;
  /** Port nginx serves HTTPS on inside the container. */
  readonly httpsPort: number;
  /** Absolute path of the certificate file (where the TLS Secret is mounted). */
  readonly certificatePath: string;
  /** Absolute path of the private key file (where the TLS Secret is mounted). */
  readonly privateKeyPath: string;
  /** `server_name`; the tutorial uses `localhost` and relies on `default_server`. */
  readonly serverName?: string;
  /** Document root; the nginx images ship their welcome page here. */
  readonly root?: string;
  /** Extra directives placed inside the `server` block, verbatim. */
  readonly extraDirectives?: string;
}

/**
 * Renders the tutorial's nginx `default.conf`: one server answering HTTP and HTTPS with the
 * mounted certificate. Only TLS 1.2 and 1.3 are offered, as modern clients expect.
 */
export function renderNginxServerConfig(options: NginxServerConfigOptions): string {
  const extra = options.extraDirectives?.trim();
  const lines = [
    'server {',
    `    listen ${options.httpPort} default_server;`,
    `    listen ${options.httpsPort} ssl default_server;`,
    '',
    `    root ${options.root ?? '/usr/share/nginx/html'};`,
    '    index index.html;',
    '',
    `    server_name ${options.serverName ?? 'localhost'};`,
    `    ssl_certificate ${options.certificatePath};`,
    `    ssl_certificate_key ${options.privateKeyPath};`,
    '    ssl_protocols TLSv1.2 TLSv1.3;',
    '',
    '    location / {',
    '        try_files $uri $uri/ =404;',
    '    }',
    ...(extra ? ['', ...extra.split('\n').map((line) => (line.trim() ? `    ${line}` : ''))] : []),
    '}',
  ];
  return lines.join('\n') + '\n';
}
