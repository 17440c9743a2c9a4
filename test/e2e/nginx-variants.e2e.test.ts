/**
 * The real `nginx -t` on the config of every SecureNginxApp variant, in a pod that sees what the
 * manifests give it (the ConfigMap and Secret volumes at their mountPaths, the security context):
 * what nginx would say when the container starts.
 */
import { parseManifests } from '../../validator/src';
import { NGINX_VARIANTS, synthesizeVariant } from '../nginx-variants';
import { tempDir } from '../support';
import { EmulatedCluster } from './emulated-cluster';
import { Manifest, readTlsServer } from './manifests';
import { describeWhereSandboxRuns } from './prerequisites';

const describeIfRunnable = describeWhereSandboxRuns('the nginx -t test of the SecureNginxApp variants');

describeIfRunnable('nginx -t on the config of each SecureNginxApp variant', () => {
  const store = tempDir('nginx-t-store');
  const manifestsOf = (yaml: string) => parseManifests(yaml, 'variant.k8s.yaml').map((doc) => doc.object as Manifest);

  test.each(NGINX_VARIANTS.map((variant, index) => [variant.name, variant, index] as const))('%s: the syntax is ok and the test is successful', async (_name, variant, index) => {
    const { server } = readTlsServer(manifestsOf(synthesizeVariant(variant, store)));
    const result = await EmulatedCluster.testNginxConfig(server, `nginx-t-${index}`);
    expect({ exitCode: result.exitCode, stderr: result.stderr }).toEqual({
      exitCode: 0,
      stderr: expect.stringMatching(/syntax is ok[\s\S]*test is successful/),
    });
  });

  test('the check can fail: a second `location /` added to the ConfigMap is refused, as the constructs refuse it', async () => {
    const manifests = manifestsOf(synthesizeVariant(NGINX_VARIANTS[0], store)).map((m) => (m.kind !== 'ConfigMap' ? m : {
      ...m, data: { 'default.conf': m.data!['default.conf'].replace(/\}\n$/, '    location / { return 200; }\n}\n') },
    }));
    const result = await EmulatedCluster.testNginxConfig(readTlsServer(manifests).server, 'nginx-t-duplicate');
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/duplicate location "\/"/);
  });
});
