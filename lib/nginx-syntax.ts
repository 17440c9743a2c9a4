/**
 * nginx configuration syntax: tokens, statements and blocks. The one parser that the constructs
 * (to check config they are given) and the manifest validator (to check config it finds) share.
 * Pure functions.
 */

/** One nginx directive, e.g. `listen 8443 ssl;` -> { name: 'listen', args: ['8443', 'ssl'] }. */
export interface NginxDirective {
  readonly name: string;
  readonly args: string[];
}

/** A directive with its block when it has one, e.g. `location / { ... }`. */
export interface NginxStatement extends NginxDirective {
  /** The statements inside `{ ... }`; undefined for a simple `name args;` directive. */
  readonly block?: NginxStatement[];
}

/** Comments, quoted strings, block/statement punctuation, and bare words (`#` only starts a comment at a token start). */
const TOKEN = /#[^\n]*|"((?:\\.|[^"\\])*)"|'((?:\\.|[^'\\])*)'|([{};])|([^\s{};"']+)/g;

/**
 * Parses config text into statements. Throws an Error saying what is wrong (an unclosed block, a
 * stray `}`, a directive without its `;`) as `nginx -t` would refuse the file.
 */
export function parseNginxConfig(text: string): NginxStatement[] {
  const stack: { statements: NginxStatement[]; opener?: string }[] = [{ statements: [] }];
  let words: string[] = [];
  for (const token of tokenize(text)) {
    const current = stack[stack.length - 1];
    if (token === ';') {
      if (words.length === 0) throw new Error('unexpected ";" with no directive before it');
      current.statements.push({ name: words[0], args: words.slice(1) });
      words = [];
    } else if (token === '{') {
      if (words.length === 0) throw new Error('unexpected "{" with no directive before it');
      const block: NginxStatement[] = [];
      current.statements.push({ name: words[0], args: words.slice(1), block });
      stack.push({ statements: block, opener: words.join(' ') });
      words = [];
    } else if (token === '}') {
      if (words.length > 0) throw new Error(`directive "${words.join(' ')}" is not terminated by ";"`);
      if (stack.length === 1) throw new Error('unexpected "}" with no block open');
      stack.pop();
    } else {
      words.push(token);
    }
  }
  if (words.length > 0) throw new Error(`directive "${words.join(' ')}" is not terminated by ";"`);
  if (stack.length > 1) throw new Error(`block "${stack[stack.length - 1].opener} {" is not closed by "}"`);
  return stack[0].statements;
}

/**
 * All directives of a config, flattened: block structure does not matter for checks of file paths
 * and ports. Lenient: unbalanced text still yields the directives it has.
 */
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

/** The TCP port of a `listen` address: `8443`, `[::]:8443`, `127.0.0.1:8080`; a bare host means 80. */
export function listenPort(address: string): number | undefined {
  if (address.startsWith('unix:')) return undefined;
  if (/^\d+$/.test(address)) return Number(address);
  const port = /:(\d+)$/.exec(address);
  return port ? Number(port[1]) : 80;
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
