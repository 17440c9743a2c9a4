import { duplicateObjects } from './duplicates';
import { ingressBackends, ingressTlsSecrets } from './ingress';
import { dataKeySyntax, labelSyntax, objectNames } from './names';
import { networkPolicySelectsWorkload } from './network-policies';
import { nginxFilesMounted, nginxListenPortsDeclared } from './nginx';
import { nodePorts, portNames, portRanges } from './ports';
import { externalNameWithoutSelector, serviceSelectsWorkload, serviceTargetPorts } from './services';
import { projectedTokenExpiration, rbacNoWildcards, roleBindingReferences } from './service-accounts';
import { tlsSecretKeys } from './tls-secrets';
import { mountPathsUnique, volumeMountsDeclared, volumeSourcesExist } from './volumes';
import { workloadSelectorMatchesTemplate } from './workload-selectors';
import { Rule } from '../types';

/** The rules a schema cannot express: syntax the API server checks in code, and relations between objects. */
export const CROSS_OBJECT_RULES: Rule[] = [
  objectNames,
  labelSyntax,
  dataKeySyntax,
  duplicateObjects,
  workloadSelectorMatchesTemplate,
  serviceSelectsWorkload,
  serviceTargetPorts,
  externalNameWithoutSelector,
  portRanges,
  portNames,
  nodePorts,
  volumeSourcesExist,
  volumeMountsDeclared,
  mountPathsUnique,
  tlsSecretKeys,
  nginxFilesMounted,
  nginxListenPortsDeclared,
  ingressBackends,
  ingressTlsSecrets,
  networkPolicySelectsWorkload,
  rbacNoWildcards,
  roleBindingReferences,
  projectedTokenExpiration,
];
