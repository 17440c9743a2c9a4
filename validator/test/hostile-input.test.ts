import { generateKeyPairSync } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatViolations, loadManifests, parseManifests, validateManifests } from '../src';

const PRIVATE_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
/** What must never appear in a message: any line of the key's body, raw or base64. */
const KEY_LINES = PRIVATE_KEY.split('\n').filter(line => line && !line.startsWith('-----'));
const KEY_BASE64 = Buffer.from(PRIVATE_KEY).toString('base64');

function messagesFor(object: unknown): string {
  return formatViolations(validateManifests([{ file: 'secret.yaml', index: 0, object }], { versions: ['v1.28.0'] }));
}

function expectNoKeyMaterial(text: string): void {
  for (const line of KEY_LINES) expect(text).not.toContain(line);
  expect(text).not.toContain(KEY_BASE64.slice(0, 40));
  expect(text).not.toContain(KEY_BASE64.slice(100, 140));
}

describe('messages never quote key material', () => {
  const secret = (fields: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'kubernetes.io/tls', ...fields });

  test('a PEM pasted into a Secret\'s data (not base64) is reported without its value', () => {
    const text = messagesFor(secret({ data: { 'tls.crt': 'Y2VydA==', 'tls.key': PRIVATE_KEY } }));
    expect(text).toContain('data["tls.key"]');
    expect(text).toContain('must be base64-encoded data but is <redacted: a string of');
    expectNoKeyMaterial(text);
  });

  test('a Secret value of the wrong type, and a whole data map of the wrong shape', () => {
    expectNoKeyMaterial(messagesFor(secret({ stringData: { 'tls.key': [PRIVATE_KEY] } })));
    expectNoKeyMaterial(messagesFor(secret({ data: [KEY_BASE64] })));
    expect(messagesFor(secret({ data: [KEY_BASE64] }))).toContain('<redacted: an array in a Secret>');
  });

  test('key material anywhere else (a ConfigMap, an annotation, a name) is cut out too', () => {
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: { note: 7, key: PRIVATE_KEY } }, data: { key: 42 } };
    expectNoKeyMaterial(messagesFor({ ...configMap, data: { 'tls.key': { pem: PRIVATE_KEY } } }));
    expectNoKeyMaterial(messagesFor({ ...configMap, metadata: { name: KEY_BASE64 } }));
    expectNoKeyMaterial(messagesFor({ ...configMap, metadata: { name: 'c', labels: { [KEY_BASE64.slice(0, 300)]: 'x' } } }));
  });
});

describe('hostile YAML is refused with the file named', () => {
  const file = 'hostile.yaml';

  test('an alias bomb (billion laughs)', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefg'.split('').map((name, i) =>
      `${name}: &${name} [${Array(10).fill(`*${'abcdefg'[i]}`).join(', ')}]`)];
    expect(() => parseManifests(levels.join('\n'), file)).toThrow(/^hostile\.yaml: cannot be read as YAML: .*alias/);
  });

  test.each([
    ['flow lists nested 900 deep', '['.repeat(900) + ']'.repeat(900)],
    ['flow lists nested 20000 deep', '['.repeat(20000) + ']'.repeat(20000)],
    ['block maps nested 3000 deep', Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1\n'],
    ['maps nested 300 deep (parseable, but deeper than any object)', 'a: '.concat('{a: '.repeat(300), '1', '}'.repeat(300))],
  ])('%s', (_label, text) => {
    expect(() => parseManifests(text, file)).toThrow(/^hostile\.yaml: (invalid YAML at line \d+|nests deeper than 200 levels)/);
  });

  test('a syntax error names the line and never quotes the text', () => {
    const text = `apiVersion: v1\nkind: Secret\nstringData:\n  tls.key: "${PRIVATE_KEY}\n  - [`;
    let message = '';
    try {
      parseManifests(text, file);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^hostile\.yaml: invalid YAML at line \d+: /);
    expectNoKeyMaterial(message);
  });

  test('through loadManifests, as the CLI and plugin read files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-'));
    try {
      fs.writeFileSync(path.join(dir, 'deep.yaml'), '['.repeat(900) + ']'.repeat(900));
      expect(() => loadManifests([dir])).toThrow(`${path.join(dir, 'deep.yaml')}: invalid YAML`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
