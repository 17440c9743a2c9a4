import { formatViolations, parseManifests, validateManifests } from '../validator/src';
import { NGINX_VARIANTS, synthesizeVariant } from './nginx-variants';
import { tempDir } from './support';

const store = tempDir('variants-store');

/** Key material differs per machine; the snapshot pins everything else. */
function redacted(objects: any[]): any[] {
  return JSON.parse(JSON.stringify(objects.map((o) => (o.kind === 'Secret' ? { ...o, data: '<redacted>' } : o)))
    .replace(/"checksum\/tls-and-config":"[0-9a-f]{64}"/g, '"checksum/tls-and-config":"<sha256>"'));
}

describe.each(NGINX_VARIANTS.map((variant) => [variant.name, variant] as const))('SecureNginxApp variant %s', (_name, variant) => {
  const yaml = synthesizeVariant(variant, store);
  const docs = parseManifests(yaml, `${variant.name}.k8s.yaml`);

  test('every object is valid for Kubernetes v1.28, v1.30 and v1.36, and would run', () => {
    expect(formatViolations(validateManifests(docs, { versions: ['v1.28.0', 'v1.30.0', 'v1.36.0'] }))).toBe('no violations');
  });

  test('matches the snapshot (key material redacted)', () => {
    expect(redacted(docs.map((doc) => doc.object))).toMatchSnapshot();
  });
});
