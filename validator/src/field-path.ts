const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Appends one step to a field path: `[3]` for list items, `.name` for plain keys and
 * `["tls.crt"]` for keys that would be ambiguous after a dot.
 */
export function childPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (!PLAIN_KEY.test(key)) return `${base}[${JSON.stringify(key)}]`;
  return base ? `${base}.${key}` : key;
}

/**
 * Turns a JSON pointer (as ajv reports it, e.g. `/spec/ports/0/name`) into a field path
 * (`spec.ports[0].name`). The document is walked alongside, so a map key that happens to be
 * numeric is not mistaken for a list index.
 */
export function pointerToFieldPath(pointer: string, root: unknown): string {
  const keys = pointer.split('/').slice(1).map(unescapePointerToken);
  let path = '';
  let value: any = root;
  for (const key of keys) {
    const isIndex = Array.isArray(value);
    path = childPath(path, isIndex ? Number(key) : key);
    value = value?.[key];
  }
  return path;
}

function unescapePointerToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}
