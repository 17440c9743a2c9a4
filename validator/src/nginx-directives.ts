// The parser is shared with the constructs, which check the nginx config they are given.
export { listenPort, parseNginxDirectives } from '../../lib/nginx-syntax';
export type { NginxDirective } from '../../lib/nginx-syntax';

/** Directives whose first argument is a file nginx must be able to read at start-up. */
export const NGINX_FILE_DIRECTIVES = [
  'ssl_certificate', 'ssl_certificate_key', 'ssl_trusted_certificate', 'ssl_client_certificate', 'ssl_dhparam',
];

export function looksLikeNginxConfig(text: string): boolean {
  return /server\s*\{/.test(text) || text.includes('ssl_certificate');
}
