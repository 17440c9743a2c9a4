import { asArray, findObject, violationAt } from '../k8s-objects';
import { MountedFile, mountedFiles, unknownMountPaths } from '../mounted-files';
import { listenPort, looksLikeNginxConfig, NGINX_FILE_DIRECTIVES, NginxDirective, parseNginxDirectives } from '../nginx-directives';
import { ContainerAt, containersOf, formatContainerPorts, PodTemplate, podTemplatesOf } from '../pod-templates';
import { ManifestDocument, Rule } from '../types';

/** An nginx config from a ConfigMap as one container sees it, with everything else mounted there. */
interface MountedNginxConfig {
  template: PodTemplate;
  container: ContainerAt;
  configFile: MountedFile;
  directives: NginxDirective[];
  files: MountedFile[];
  /** Mount paths of sources outside the set: what lies under them is unknown. */
  unknownPaths: string[];
}

function mountedNginxConfigs(docs: ManifestDocument[]): MountedNginxConfig[] {
  return podTemplatesOf(docs).flatMap(template => containersOf(template).flatMap(container => {
    const files = mountedFiles(template, container.container, docs);
    return files.filter(file => file.kind === 'ConfigMap').flatMap(configFile => {
      const text = findObject(docs, 'ConfigMap', template.namespace, configFile.name)?.object.data?.[configFile.key];
      if (typeof text !== 'string' || !looksLikeNginxConfig(text)) return [];
      const unknownPaths = unknownMountPaths(template, container.container, docs);
      return [{ template, container, configFile, directives: parseNginxDirectives(text), files, unknownPaths }];
    });
  }));
}

function describeConfig(config: MountedNginxConfig): string {
  const { configFile, template, container } = config;
  return `the nginx config in ConfigMap ${template.namespace}/${configFile.name} key "${configFile.key}" `
    + `(mounted at ${configFile.path} in container "${container.container?.name}")`;
}

/** Absolute paths only: relative ones depend on nginx's prefix, and `$variables` are resolved per request. */
function isCheckableFilePath(file: string | undefined): file is string {
  return typeof file === 'string' && file.startsWith('/') && !file.includes('$');
}

/** nginx refuses to start when a certificate or key file it references is missing. */
export const nginxFilesMounted: Rule = docs => mountedNginxConfigs(docs).flatMap(config => config.directives
  .filter(directive => NGINX_FILE_DIRECTIVES.includes(directive.name) && isCheckableFilePath(directive.args[0]))
  .filter(directive => !config.files.some(file => file.path === directive.args[0]))
  .filter(directive => !config.unknownPaths.some(mountPath => directive.args[0].startsWith(`${mountPath}/`)))
  .map(directive => violationAt(config.template.doc, 'nginx-file-mounted', `${config.container.path}.volumeMounts`,
    `${describeConfig(config)} sets ${directive.name} ${directive.args[0]}, but no Secret/ConfigMap volume mounted in that container `
    + `provides that file (it gets ${config.files.map(file => file.path).join(', ')})`,
    `mount the Secret holding it so that mountPath + key (or items[].path / subPath) is ${directive.args[0]}, or change the ${directive.name} path`)));

/** A port nginx listens on but the container does not declare cannot be targeted by name and is easily missed by Services. */
export const nginxListenPortsDeclared: Rule = docs => mountedNginxConfigs(docs).flatMap(config => {
  const declared = asArray(config.container.container?.ports);
  return config.directives
    .filter(directive => directive.name === 'listen')
    .map(directive => listenPort(directive.args[0] ?? ''))
    .filter((port): port is number => port !== undefined && !declared.some(containerPort => containerPort?.containerPort === port))
    .map(port => violationAt(config.template.doc, 'nginx-listen-port-declared', `${config.container.path}.ports`,
      `${describeConfig(config)} listens on port ${port}, which the container does not declare (it declares ${formatContainerPorts(declared)})`,
      `add containerPort ${port} (with a name) to the container, or change the listen directive`));
});
