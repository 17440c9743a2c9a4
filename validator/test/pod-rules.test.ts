import { validateManifests } from '../src';
import { expectViolation, objectOf, rulesOf, tutorialDocs } from './fixtures';

const DEPLOYMENT = 'Deployment/default/my-nginx';
const POD_SPEC = 'spec.template.spec';

/** The tutorial set and its Deployment's pod spec, for a test to change. */
function tutorialWithPodSpec() {
  const docs = tutorialDocs();
  return { docs, podSpec: objectOf(docs, 'Deployment', 'my-nginx').spec.template.spec };
}

describe('volume sources', () => {
  test('a secret volume must name a Secret in the set', () => {
    const { docs, podSpec } = tutorialWithPodSpec();
    podSpec.volumes[0].secret.secretName = 'nginx-secret';

    const violation = expectViolation(validateManifests(docs), 'volume-source-exists', `${POD_SPEC}.volumes[0].secret.secretName`, DEPLOYMENT);
    expect(violation.problem).toContain('"nginx-secret"');
  });

  test('a Secret declared to exist in the cluster may be missing from the set; the fix says how to declare it', () => {
    const { docs, podSpec } = tutorialWithPodSpec();
    podSpec.volumes[0].secret.secretName = 'made-by-hand-tls';

    const violation = expectViolation(validateManifests(docs), 'volume-source-exists', `${POD_SPEC}.volumes[0].secret.secretName`, DEPLOYMENT);
    expect(violation.fix).toContain('inClusterObjects: [Secret/default/made-by-hand-tls] (CLI: --in-cluster Secret/default/made-by-hand-tls)');
    expect(validateManifests(docs, { inClusterObjects: ['Secret/default/made-by-hand-tls'] })).toEqual([]);
    // Only the object named: another namespace or name is still missing.
    expect(rulesOf(validateManifests(docs, { inClusterObjects: ['Secret/other/made-by-hand-tls'] }))).toEqual(['volume-source-exists']);
  });

  test('an optional source may be missing', () => {
    const { docs, podSpec } = tutorialWithPodSpec();
    podSpec.volumes.push({ name: 'extra', configMap: { name: 'not-there', optional: true } });

    expect(validateManifests(docs)).toEqual([]);
  });

  test('every items[].key must exist in the ConfigMap', () => {
    const { docs, podSpec } = tutorialWithPodSpec();
    podSpec.volumes[1].configMap.items = [{ key: 'nginx.conf', path: 'default.conf' }];

    const violation = expectViolation(validateManifests(docs), 'volume-source-exists', `${POD_SPEC}.volumes[1].configMap.items[0].key`, DEPLOYMENT);
    expect(violation.problem).toContain('default.conf');
  });

  test('projected sources are checked as well', () => {
    const { docs, podSpec } = tutorialWithPodSpec();
    podSpec.volumes[0] = { name: 'secret-volume', projected: { sources: [{ secret: { name: 'nginxsecret' } }, { configMap: { name: 'gone' } }] } };

    expectViolation(validateManifests(docs), 'volume-source-exists', `${POD_SPEC}.volumes[0].projected.sources[1].configMap.name`, DEPLOYMENT);
  });
});

describe('volume mounts', () => {
  test('a mount must name a declared volume', () => {
    const { docs, podSpec } = tutorialWithPodSpec();
    podSpec.containers[0].volumeMounts[0].name = 'secret-vol';

    expectViolation(validateManifests(docs), 'volume-mount-declared', `${POD_SPEC}.containers[0].volumeMounts[0].name`, DEPLOYMENT);
  });

  test('two mounts on one path in one container are rejected', () => {
    const { docs, podSpec } = tutorialWithPodSpec();
    podSpec.containers[0].volumeMounts[1].mountPath = '/etc/nginx/ssl';

    expectViolation(validateManifests(docs), 'volume-mount-path-unique', `${POD_SPEC}.containers[0].volumeMounts[1].mountPath`, DEPLOYMENT);
  });
});

describe('TLS secrets', () => {
  test('a kubernetes.io/tls Secret needs tls.key', () => {
    const docs = tutorialDocs();
    delete objectOf(docs, 'Secret', 'nginxsecret').data['tls.key'];

    const violations = validateManifests(docs);

    expectViolation(violations, 'tls-secret-keys', 'data["tls.key"]', 'Secret/default/nginxsecret');
    // nginx then misses its key file too.
    expect(rulesOf(violations)).toEqual(['nginx-file-mounted', 'tls-secret-keys']);
  });
});

describe('nginx config', () => {
  test('an ssl_certificate path no mounted volume provides is rejected', () => {
    const docs = tutorialDocs();
    const config = objectOf(docs, 'ConfigMap', 'nginxconfigmap');
    config.data['default.conf'] = config.data['default.conf'].replace('/etc/nginx/ssl/tls.crt', '/etc/nginx/certs/tls.crt');

    const violations = validateManifests(docs);

    expect(rulesOf(violations)).toEqual(['nginx-file-mounted']);
    const violation = expectViolation(violations, 'nginx-file-mounted', `${POD_SPEC}.containers[0].volumeMounts`, DEPLOYMENT);
    expect(violation.problem).toContain('ssl_certificate /etc/nginx/certs/tls.crt');
    expect(violation.problem).toContain('nginxconfigmap');
  });

  test('items paths and subPath mounts are honoured', () => {
    const { docs, podSpec } = tutorialWithPodSpec();
    const config = objectOf(docs, 'ConfigMap', 'nginxconfigmap');
    config.data['default.conf'] = config.data['default.conf']
      .replace('/etc/nginx/ssl/tls.crt', '/etc/nginx/ssl/server.crt')
      .replace('/etc/nginx/ssl/tls.key', '/etc/nginx/private/server.key');
    podSpec.volumes[0].secret.items = [{ key: 'tls.crt', path: 'server.crt' }, { key: 'tls.key', path: 'keys/server.key' }];
    podSpec.containers[0].volumeMounts.push({ name: 'secret-volume', mountPath: '/etc/nginx/private/server.key', subPath: 'keys/server.key' });
    expect(validateManifests(docs)).toEqual([]);

    podSpec.containers[0].volumeMounts[2].subPath = 'server.key';
    expect(rulesOf(validateManifests(docs))).toEqual(['nginx-file-mounted']);
  });

  test('the certificate must be mounted in the container that reads the config', () => {
    const { docs, podSpec } = tutorialWithPodSpec();
    const [nginx] = podSpec.containers;
    podSpec.containers.push({ name: 'sidecar', image: 'busybox:1.36', volumeMounts: [nginx.volumeMounts.shift()] });

    const violations = validateManifests(docs);

    expectViolation(violations, 'nginx-file-mounted', `${POD_SPEC}.containers[0].volumeMounts`, DEPLOYMENT);
    expect(violations.map(violation => violation.problem)).toEqual([
      expect.stringContaining('ssl_certificate /etc/nginx/ssl/tls.crt'),
      expect.stringContaining('ssl_certificate_key /etc/nginx/ssl/tls.key'),
    ]);
  });

  test('a listen port the container does not declare is rejected', () => {
    const docs = tutorialDocs();
    const config = objectOf(docs, 'ConfigMap', 'nginxconfigmap');
    config.data['default.conf'] = config.data['default.conf'].replace('listen 8443 ssl', 'listen [::]:9443 ssl');

    const violation = expectViolation(validateManifests(docs), 'nginx-listen-port-declared', `${POD_SPEC}.containers[0].ports`, DEPLOYMENT);
    expect(violation.problem).toContain('port 9443');
  });
});
