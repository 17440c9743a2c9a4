import { formatImageReference, isPinned, knownImageFamily, NginxImageFamily, parseImageReference } from '../lib/nginx-image';

describe('parseImageReference', () => {
  const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;
  test.each([
    ['nginx', { repository: 'nginx', tag: undefined, digest: undefined }],
    ['nginxinc/nginx-unprivileged:1.28-alpine', { repository: 'nginxinc/nginx-unprivileged', tag: '1.28-alpine', digest: undefined }],
    ['registry.example.com:5000/web/nginx:1.2', { repository: 'registry.example.com:5000/web/nginx', tag: '1.2', digest: undefined }],
    [`nginx:1.27@${digest}`, { repository: 'nginx', tag: '1.27', digest }],
    [`localhost/nginx@${digest}`, { repository: 'localhost/nginx', tag: undefined, digest }],
  ])('%s', (reference, parts) => {
    expect(parseImageReference(reference)).toEqual(parts);
    expect(formatImageReference(parseImageReference(reference))).toBe(reference);
  });

  test.each([
    ['Nginx', /repository "Nginx" is invalid/],
    ['nginx:-bad', /tag "-bad" is invalid/],
    ['nginx@sha256:xyz', /digest "sha256:xyz" is not sha256/],
    ['nginx@a@b', /more than one '@'/],
    ['', /repository "" is invalid/],
  ])('refuses %j', (reference, message) => expect(() => parseImageReference(reference)).toThrow(message));
});

describe('knownImageFamily', () => {
  test.each([
    ['nginx', NginxImageFamily.OFFICIAL],
    ['docker.io/library/nginx', NginxImageFamily.OFFICIAL],
    ['docker.io/nginx', NginxImageFamily.OFFICIAL],
    ['public.ecr.aws/nginx/nginx', NginxImageFamily.OFFICIAL],
    ['nginxinc/nginx-unprivileged', NginxImageFamily.UNPRIVILEGED],
    ['docker.io/nginxinc/nginx-unprivileged', NginxImageFamily.UNPRIVILEGED],
    ['nginx/nginx-unprivileged', NginxImageFamily.UNPRIVILEGED],
    ['registry.example.com/nginx', undefined],
    ['bitnami/nginx', undefined],
  ])('%s', (repository, family) => expect(knownImageFamily(repository)).toBe(family));
});

test('a tag other than latest, or a digest, pins the image', () => {
  expect(isPinned(parseImageReference('nginx:1.27'))).toBe(true);
  expect(isPinned(parseImageReference(`nginx@sha256:${'a'.repeat(64)}`))).toBe(true);
  expect(isPinned(parseImageReference('nginx:latest'))).toBe(false);
  expect(isPinned(parseImageReference('nginx'))).toBe(false);
});
