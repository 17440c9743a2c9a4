/**
 * The API server's syntax rules for names, label keys/values and port names
 * (k8s.io/apimachinery/pkg/util/validation) and its port ranges: the one copy that the constructs
 * and the manifest validator both check against.
 */
import { isIPv4, isIPv6 } from 'net';

/** An inclusive integer range. */
export interface PortRange {
  readonly min: number;
  readonly max: number;
}

/** TCP/UDP port numbers. */
export const PORT_RANGE: PortRange = { min: 1, max: 65535 };
/** The API server's default `--service-node-port-range`. */
export const NODE_PORT_RANGE: PortRange = { min: 30000, max: 32767 };

/** True when `value` is an integer inside `range`. */
export function inPortRange(value: number, range: PortRange): boolean {
  return Number.isInteger(value) && value >= range.min && value <= range.max;
}

/** Returns what is wrong with a value, or undefined when valid. */
export type FormatCheck = (value: string) => string | undefined;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const KEY_TO_FILE = /^[-._a-zA-Z0-9]+$/;

function patternCheck(pattern: RegExp, maxLength: number, description: string): FormatCheck {
  return value => {
    if (value.length > maxLength) return `"${value}" is longer than ${maxLength} characters`;
    if (!pattern.test(value)) return `"${value}" is invalid: ${description}`;
    return undefined;
  };
}

export const dns1123Label = patternCheck(DNS1123_LABEL, 63,
  'a DNS-1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character');

export const dns1123Subdomain = patternCheck(DNS1123_SUBDOMAIN, 253,
  'a DNS-1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character');

export const dns1035Label = patternCheck(DNS1035_LABEL, 63,
  'a DNS-1035 label must consist of lower case alphanumeric characters or \'-\', start with an alphabetic character, and end with an alphanumeric character');

const qualifiedNamePart = patternCheck(QUALIFIED_NAME_PART, 63,
  'must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character');

/** A label (or annotation) key: an optional DNS-1123 subdomain prefix, a slash, and a name. */
export const labelKey: FormatCheck = key => {
  const slash = key.indexOf('/');
  if (slash === -1) return qualifiedNamePart(key);
  const prefixProblem = dns1123Subdomain(key.slice(0, slash));
  return prefixProblem ? `prefix of "${key}": ${prefixProblem}` : qualifiedNamePart(key.slice(slash + 1));
};

export const labelValue: FormatCheck = value => (value === '' ? undefined : qualifiedNamePart(value));

/** A named port (IANA_SVC_NAME): at most 15 lower case alphanumerics or '-', with at least one letter. */
export const ianaServiceName: FormatCheck = value => {
  const problems = [
    value.length > 15 && 'must be no more than 15 characters',
    !/^[-a-z0-9]+$/.test(value) && 'must contain only lower case alphanumeric characters or \'-\'',
    !/[a-z]/.test(value) && 'must contain at least one letter',
    value.includes('--') && 'must not contain consecutive hyphens',
    (value.startsWith('-') || value.endsWith('-')) && 'must not begin or end with a hyphen',
  ].filter(Boolean);
  return problems.length ? `"${value}" is not a valid port name: ${problems.join(', ')}` : undefined;
};

/** RBAC object names only have to be usable as one URL path segment. */
export const pathSegmentName: FormatCheck = value => {
  if (value === '.' || value === '..') return `"${value}" may not be '.' or '..'`;
  if (/[/%]/.test(value)) return `"${value}" may not contain '/' or '%'`;
  return undefined;
};

/** A key of a Secret or ConfigMap (it becomes a file name when mounted). */
export const dataKey = patternCheck(KEY_TO_FILE, 253,
  'a valid data key must consist of alphanumeric characters, \'-\', \'_\' or \'.\'');

/** A NetworkPolicy ipBlock CIDR: an IPv4 or IPv6 address and a prefix length. */
export const cidr: FormatCheck = value => {
  const [address, prefix, ...rest] = value.split('/');
  const maxPrefix = isIPv4(address) ? 32 : isIPv6(address) ? 128 : undefined;
  const prefixOk = prefix !== undefined && /^\d{1,3}$/.test(prefix) && maxPrefix !== undefined && Number(prefix) <= maxPrefix;
  return rest.length === 0 && prefixOk ? undefined : `"${value}" is not a CIDR: use an address and a prefix length, e.g. 10.0.0.0/8 or ::/0`;
};
/** Built-in kinds that live outside namespaces; every other kind is namespaced. */
const CLUSTER_SCOPED_KINDS = new Set([
  'APIService', 'CertificateSigningRequest', 'ClusterRole', 'ClusterRoleBinding', 'ClusterTrustBundle',
  'ComponentStatus', 'CSIDriver', 'CSINode', 'CustomResourceDefinition', 'DeviceClass', 'FlowSchema',
  'IngressClass', 'IPAddress', 'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding',
  'MutatingWebhookConfiguration', 'Namespace', 'Node', 'PersistentVolume', 'PriorityClass',
  'PriorityLevelConfiguration', 'RuntimeClass', 'ServiceCIDR', 'StorageClass', 'StorageVersionMigration',
  'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'ValidatingWebhookConfiguration',
  'VolumeAttachment', 'VolumeAttributesClass',
]);

/** The API group of an apiVersion: `apps/v1` -> `apps`, `v1` -> `` (the core group). */
function apiGroupOf(apiVersion: unknown): string {
  const text = String(apiVersion ?? '');
  return text.includes('/') ? text.slice(0, text.lastIndexOf('/')) : '';
}

/** The namespace an object of `kind` ends up in: undefined for cluster-scoped kinds, else its own or `default`. */
export function effectiveNamespace(kind: unknown, namespace: unknown): string | undefined {
  if (CLUSTER_SCOPED_KINDS.has(String(kind))) return undefined;
  return typeof namespace === 'string' && namespace !== '' ? namespace : 'default';
}

/**
 * What the API server identifies an object by: group, kind, namespace, name. Two objects with the
 * same identity in one `kubectl apply` are one object: the later silently replaces the earlier.
 */
export function objectIdentity(apiVersion: unknown, kind: unknown, namespace: unknown, name: unknown): string {
  return JSON.stringify([apiGroupOf(apiVersion), kind, effectiveNamespace(kind, namespace) ?? '', name]);
}

/** A node port fixed by one Service port. */
export interface NodePortClaim {
  /** The Service (any value identifying it). */
  readonly service: unknown;
  readonly nodePort: number;
  readonly protocol: string;
}

/** The earlier claim `claim` clashes with: node ports are cluster-wide, and only one Service may share a number across protocols. */
export function nodePortClash<T extends NodePortClaim>(claim: T, earlier: readonly T[]): T | undefined {
  return earlier.find(other => other.nodePort === claim.nodePort && (other.service !== claim.service || other.protocol === claim.protocol));
}
