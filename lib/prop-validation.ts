import { Construct } from 'constructs';
import {
  cidr, dns1035Label, dns1123Label, dns1123Subdomain, FormatCheck, ianaServiceName, inPortRange, labelKey, labelValue, NODE_PORT_RANGE, PORT_RANGE,
} from './api-rules';

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

  /** Names of namespaces and most objects. */
  dnsLabel(field: string, value: string | undefined): void {
    this.format(field, value, dns1123Label);
  }

  /** Service names: DNS-1035, so they also start with a letter. */
  serviceName(field: string, value: string | undefined): void {
    this.format(field, value, dns1035Label);
  }

  /** Names of Secrets, ConfigMaps, Deployments, and DNS names. */
  dnsSubdomain(field: string, value: string | undefined): void {
    this.format(field, value, dns1123Subdomain);
  }

  /** Port names (IANA_SVC_NAME). */
  portName(field: string, value: string | undefined): void {
    this.format(field, value, ianaServiceName);
  }

  labelKey(field: string, value: string | undefined): void {
    this.format(field, value, labelKey);
  }

  labelValue(field: string, value: string | undefined): void {
    this.format(field, value, labelValue);
  }

  /** Every key and value of a label map. */
  labels(field: string, labels: Record<string, string> | undefined): void {
    Object.entries(labels ?? {}).forEach(([key, value]) => {
      this.format(`${field}["${key}"]`, key, labelKey);
      this.format(`${field}["${key}"]`, value, labelValue);
    });
  }

  /** Annotation keys have the label key syntax; their values are free. */
  annotations(field: string, annotations: Record<string, string> | undefined): void {
    Object.keys(annotations ?? {}).forEach((key) => this.format(`${field}["${key}"]`, key, labelKey));
  }

  cidr(field: string, value: string | undefined): void {
    this.format(field, value, cidr);
  }

  port(field: string, value: number | undefined): void {
    if (value === undefined) return;
    this.check(inPortRange(value, PORT_RANGE), field,
      `${value} is not a valid port: use an integer from ${PORT_RANGE.min} to ${PORT_RANGE.max}`);
  }

  nodePort(field: string, value: number | undefined): void {
    if (value === undefined) return;
    this.check(inPortRange(value, NODE_PORT_RANGE), field,
      `${value} is outside the default NodePort range: use an integer from ${NODE_PORT_RANGE.min} to ${NODE_PORT_RANGE.max}, or leave it unset to let the cluster pick one`);
  }

  integerInRange(field: string, value: number | undefined, minimum: number, maximum: number): void {
    if (value === undefined) return;
    this.check(Number.isInteger(value) && value >= minimum && value <= maximum, field,
      `${value} is not allowed: use an integer from ${minimum} to ${maximum}`);
  }

  /** `value` must be one of `allowed`. */
  oneOf<T>(field: string, value: T | undefined, allowed: readonly T[]): void {
    if (value === undefined) return;
    this.check(allowed.includes(value), field, `${value} is not allowed: use one of ${allowed.join(', ')}`);
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

  private format(field: string, value: string | undefined, check: FormatCheck): void {
    const problem = value === undefined ? undefined : check(value);
    if (problem) this.problems.push(`${field}: ${problem}`);
  }
}
