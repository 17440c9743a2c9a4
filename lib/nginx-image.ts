/**
 * nginx container images: references (repository, tag, digest), the image families we know, and
 * what each needs to run under the locked-down security context. Pure functions.
 */

/**
 * nginx built to run as an unprivileged user (uid 101) on a read-only root filesystem, writing only
 * to /tmp. The stock `nginx` image needs root and a writable /var/cache/nginx and /var/run.
 */
export const DEFAULT_NGINX_IMAGE = 'nginxinc/nginx-unprivileged:1.28-alpine';
/** The uid and gid the unprivileged nginx image runs as; the official image's `nginx` user has them too. */
export const NGINX_UNPRIVILEGED_UID = 101;

/** How an nginx image is built, which decides where it writes and what it must be given. */
export enum NginxImageFamily {
  /**
   * Built to run unprivileged (`nginxinc/nginx-unprivileged`, `nginx/nginx-unprivileged`): uid 101,
   * pid and temp files in /tmp. Also assumed for images we do not recognise.
   */
  UNPRIVILEGED = 'unprivileged',
  /**
   * The official `nginx` image, made to start as root. Run as uid 101 it works when /var/cache/nginx
   * and /var/run are writable (its documented read-only mode): they are given as emptyDirs.
   */
  OFFICIAL = 'official',
}

/** An image reference split into its parts. */
export interface ImageReference {
  /** Registry and path, e.g. `nginxinc/nginx-unprivileged` or `registry.example.com:5000/web/nginx`. */
  readonly repository: string;
  /** @default none (the registry's `latest`) */
  readonly tag?: string;
  /** `sha256:<64 hex digits>`. @default none */
  readonly digest?: string;
}

/** Where an image family writes at run time; each path gets an emptyDir under a read-only root. */
export interface NginxImageLayout {
  readonly writableDirectories: readonly string[];
}

const LAYOUTS: Record<NginxImageFamily, NginxImageLayout> = {
  [NginxImageFamily.UNPRIVILEGED]: { writableDirectories: ['/tmp'] },
  // docker-library nginx: proxy/client temp dirs in /var/cache/nginx, pid file in /var/run.
  [NginxImageFamily.OFFICIAL]: { writableDirectories: ['/var/cache/nginx', '/var/run'] },
};

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const REGISTRY = /^(?:localhost|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+|[A-Za-z0-9-]+(?::\d+))(?::\d+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Splits `repo[:tag][@digest]`; throws an Error naming what is malformed. */
export function parseImageReference(reference: string): ImageReference {
  const [nameAndTag, digest, ...rest] = reference.split('@');
  if (rest.length > 0) throw new Error(`"${reference}" has more than one '@'`);
  if (digest !== undefined && !DIGEST.test(digest)) throw new Error(`digest "${digest}" is not sha256:<64 lower-case hex digits>`);
  const lastSlash = nameAndTag.lastIndexOf('/');
  const colon = nameAndTag.indexOf(':', lastSlash + 1);
  const repository = colon === -1 ? nameAndTag : nameAndTag.slice(0, colon);
  const tag = colon === -1 ? undefined : nameAndTag.slice(colon + 1);
  if (tag !== undefined && !TAG.test(tag)) throw new Error(`tag "${tag}" is invalid: up to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'`);
  const components = repository.split('/');
  const path = components.length > 1 && REGISTRY.test(components[0]) ? components.slice(1) : components;
  if (repository === '' || !path.every((component) => PATH_COMPONENT.test(component))) {
    throw new Error(`repository "${repository}" is invalid: lower-case letters and digits, separated by '.', '_', '__', '-' or '/'`);
  }
  return { repository, tag, digest };
}

/** `repo[:tag][@digest]`: the reference the container runs. */
export function formatImageReference(image: ImageReference): string {
  return `${image.repository}${image.tag ? `:${image.tag}` : ''}${image.digest ? `@${image.digest}` : ''}`;
}

/** `nginx`, `docker.io/nginx` and `docker.io/library/nginx` are one repository. */
function dockerHubName(repository: string): string {
  const withoutRegistry = repository.replace(/^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '');
  return withoutRegistry.includes('/') ? withoutRegistry : `library/${withoutRegistry}`;
}

const OFFICIAL_REPOSITORIES = ['library/nginx', 'public.ecr.aws/nginx/nginx', 'mirror.gcr.io/library/nginx'];
const UNPRIVILEGED_REPOSITORIES = ['nginxinc/nginx-unprivileged', 'nginx/nginx-unprivileged', 'ghcr.io/nginxinc/nginx-unprivileged', 'public.ecr.aws/nginx/nginx-unprivileged'];

/** The family of a repository we recognise; undefined for any other image. */
export function knownImageFamily(repository: string): NginxImageFamily | undefined {
  const name = dockerHubName(repository);
  if (OFFICIAL_REPOSITORIES.includes(name)) return NginxImageFamily.OFFICIAL;
  if (UNPRIVILEGED_REPOSITORIES.includes(name)) return NginxImageFamily.UNPRIVILEGED;
  return undefined;
}

export function imageLayout(family: NginxImageFamily): NginxImageLayout {
  return LAYOUTS[family];
}

/** A pinned tag or a digest never changes under a node; `latest` or no tag may. */
export function isPinned(image: ImageReference): boolean {
  return image.digest !== undefined || (image.tag !== undefined && image.tag !== 'latest');
}
