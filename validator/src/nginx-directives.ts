/** One nginx directive, e.g. `listen 8443 ssl;` -> { name: 'listen', args: ['8443', 'ssl'] }. */
export interface NginxDirective {
  name: string;
  args: string[];
}

/** Directives whose first argument is a file nginx must be able to read at start-up. */
export const NGINX_FILE_DIRECTIVES = [
  'ssl_certificate', 'ssl_certificate_key', 'ssl_trusted_certificate', 'ssl_client_certificate', 'ssl_dhparam',
];

/** Comments, quoted strings, block/statement punctuation, and bare words (`#` only starts a comment at a token start). */
const TOKEN = /#[^\n]*|"((?:\\.|[^"\\])*)"|'((?:\\.|[^'\\])*)'|([{};])|([^\s{};"']+)/g;

export function looksLikeNginxConfig(text: string): boolean {
  return /server\s*\{/.test(text) || text.includes('ssl_certificate');
}

/** All directives of a config, flattened: block structure does not matter for the checks made here. */
export function parseNginxDirectives(text: string): NginxDirective[] {
  const directives: NginxDirective[] = [];
  let words: string[] = [];
  for (const token of tokenize(text)) {
    if (token === ';' || token === '{' || token === '}') {
      if (token !== '}' && words.length) directives.push({ name: words[0], args: words.slice(1) });
      words = [];
    } else {
      words.push(token);
    }
  }
  return directives;
}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const [whole, doubleQuoted, singleQuoted, punctuation, word] = match;
    if (whole.startsWith('#')) continue;
    tokens.push(doubleQuoted ?? singleQuoted ?? punctuation ?? word);
  }
  return tokens;
}

/** The TCP port of a `listen` address: `8443`, `[::]:8443`, `127.0.0.1:8080`; a bare host means 80. */
export function listenPort(address: string): number | undefined {
  if (address.startsWith('unix:')) return undefined;
  if (/^\d+$/.test(address)) return Number(address);
  const port = /:(\d+)$/.exec(address);
  return port ? Number(port[1]) : 80;
}
