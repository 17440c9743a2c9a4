import { Construct } from 'constructs';

/**
 * Collects every problem with a construct's props, then fails once with all of them, each naming
 * the construct path and the field, so one synth shows everything to fix.
 */
export class PropsValidator {
  private readonly problems: string[] = [];

  constructor(private readonly construct: Construct, private readonly constructType: string) {}

  /** Records a problem with `field` unless `ok`. */
  check(ok: boolean, field: string, problem: string): void {
    if (!ok) this.problems.push(`${field}: ${problem}`);
  }

  /** RFC 1123 label: what Kubernetes requires of most names (Service names, namespaces, ...). */
  dnsLabel(field: string, value: string | undefined): void {
    if (value === undefined) return;
    this.check(isDnsLabel(value), field,
      `"${value}" is not a valid DNS-1123 label: use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit`);
  }

  /** RFC 1035 label: Service names must also start with a letter. */
  serviceName(field: string, value: string | undefined): void {
    if (value === undefined) return;
    this.check(isDnsLabel(value) && /^[a-z]/.test(value), field,
      `"${value}" is not a valid Service name (DNS-1035 label): use at most 63 lower-case letters, digits and '-', starting with a letter and ending with a letter or digit`);
  }

  /** RFC 1123 subdomain: names of Secrets, ConfigMaps, Deployments, and DNS names in certificates. */
  dnsSubdomain(field: string, value: string | undefined): void {
    if (value === undefined) return;
    this.check(isDnsSubdomain(value), field,
      `"${value}" is not a valid DNS-1123 subdomain: use at most 253 characters of lower-case letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit`);
  }

  port(field: string, value: number | undefined): void {
    if (value === undefined) return;
    this.check(Number.isInteger(value) && value >= 1 && value <= 65535, field,
      `${value} is not a valid port: use an integer from 1 to 65535`);
  }

  nodePort(field: string, value: number | undefined): void {
    if (value === undefined) return;
    this.check(Number.isInteger(value) && value >= 30000 && value <= 32767, field,
      `${value} is outside the default NodePort range: use an integer from 30000 to 32767, or leave it unset to let the cluster pick one`);
  }

  /** IANA_SVC_NAME: what Kubernetes requires of port names. */
  portName(field: string, value: string | undefined): void {
    if (value === undefined) return;
    this.check(isIanaServiceName(value), field,
      `"${value}" is not a valid port name (IANA_SVC_NAME): use at most 15 lower-case letters, digits and '-', with at least one letter, no leading, trailing or double '-'`);
  }

  integerAtLeast(field: string, value: number | undefined, minimum: number): void {
    if (value === undefined) return;
    this.check(Number.isInteger(value) && value >= minimum, field, `${value} is not allowed: use an integer >= ${minimum}`);
  }

  /** Throws one error listing every recorded problem. */
  throwIfInvalid(): void {
    if (this.problems.length === 0) return;
    const list = this.problems.map((p) => `  - ${p}`).join('\n');
    throw new Error(`${this.constructType} at '${this.construct.node.path}' has invalid props:\n${list}`);
  }
}

export function isDnsLabel(value: string): boolean {
  return value.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value);
}

export function isDnsSubdomain(value: string): boolean {
  return value.length <= 253 && value.split('.').every((part) => part.length > 0 && isDnsLabel(part));
}

export function isIanaServiceName(value: string): boolean {
  return value.length <= 15 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value) && /[a-z]/.test(value) && !value.includes('--');
}
