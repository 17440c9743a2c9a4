/**
 * Messages never quote key material: a Secret's values, PEM blocks, or their base64. A private key
 * pasted into the wrong field must not end up in a CI log.
 */

/** `-----BEGIN` in base64, at each of the three byte alignments a PEM can start at inside a value. */
const BASE64_PEM_STARTS = ['LS0tLS1CRUdJT', 'LS0tQkVHSU4', 'LS0tLUJFR0lO'];
/** Long runs of the base64 alphabet: no readable message needs one (a sha256 in hex has 64 characters). */
const LONG_BASE64 = /[A-Za-z0-9+/]{100,}={0,2}/g;
const PEM_BLOCK = /-----BEGIN[^-]*-----(?:[^-]|-(?!----END))*(?:-----END[^-]*-----)?/g;

/** True for a value that is, holds or encodes key material. */
function looksLikeKeyMaterial(value: unknown): boolean {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? '';
  return text.includes('-----BEGIN') || text.includes('PRIVATE KEY') || BASE64_PEM_STARTS.some(start => text.includes(start))
    || new RegExp(LONG_BASE64.source).test(text);
}

/** `value` as a message may quote it: JSON, or a placeholder saying only what kind of value it is. */
export function quotableValue(value: unknown, isSecretValue: boolean): string {
  if (isSecretValue || looksLikeKeyMaterial(value)) {
    const size = typeof value === 'string' ? `a string of ${value.length} characters` : `a${Array.isArray(value) ? 'n array' : ` ${typeof value}`}`;
    return `<redacted: ${size}${isSecretValue ? ' in a Secret' : ' that looks like key material'}>`;
  }
  return JSON.stringify(value);
}

/** The text with anything that looks like key material cut out (the safety net for every message). */
export function redactKeyMaterial(text: string): string {
  let redacted = text.replace(PEM_BLOCK, '<redacted PEM>').replace(LONG_BASE64, '<redacted>');
  for (const start of BASE64_PEM_STARTS) redacted = redacted.replace(new RegExp(`${start}[A-Za-z0-9+/=]*`, 'g'), '<redacted>');
  return redacted;
}
