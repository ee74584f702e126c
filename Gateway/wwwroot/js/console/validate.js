// Reads a console form's fields with the bounds the gateway enforces (SPEC §9, §13), so a typo is named
// beside its field before anything is sent. The gateway checks again; its answer is shown the same way.
import { fromLocalInput } from '../filters.js';

/** A field that failed its check: the input to mark and the sentence to show. */
export class FieldError extends Error {
  constructor(input, message) {
    super(message);
    this.input = input;
  }
}

export const MAX_USD = 1_000_000_000;
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;
const WHOLE = /^\d+$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

const label = (input) => input.labels?.[0]?.firstChild?.textContent.trim() ?? input.name;

/** Trimmed text; '' when empty, which a required field refuses. */
export function text(input, { required = false } = {}) {
  const value = input.value.trim();
  if (required && !value) throw new FieldError(input, `${label(input)} is required.`);
  return value;
}

/**
 * A decimal as its text, or null when empty: sent as a JSON number written from that text (api.js
 * jsonNumber), so 123456789.123456789 reaches the gateway digit for digit rather than through a double.
 */
export function decimal(input, { required = false, negative = false, nonZero = false, max = MAX_USD, unit = '' } = {}) {
  const value = text(input, { required });
  if (!value) return null;
  const parts = DECIMAL.exec(value);
  if (!parts || !(parts[2] || parts[3])) throw new FieldError(input, `${label(input)} must be a number, like 12.50.`);
  const number = Number(value);
  if (Math.abs(number) > max) throw new FieldError(input, `${label(input)} must be at most ${max.toLocaleString('en-US')}${unit} in magnitude.`);
  if (!negative && number < 0) throw new FieldError(input, `${label(input)} must not be negative.`);
  if (nonZero && number === 0) throw new FieldError(input, `${label(input)} must not be zero.`);
  // JSON's own spelling: no plus sign, no leading zeros, a digit on each side of the point.
  const [, sign, whole, fraction] = parts;
  return `${sign === '-' ? '-' : ''}${whole.replace(/^0+(?=\d)/, '') || '0'}${fraction ? `.${fraction}` : ''}`;
}

/** An amount of USD within the gateway's bounds (SPEC §9), as decimal text, or null when empty. */
export const usd = (input, options = {}) => decimal(input, { ...options, max: MAX_USD, unit: ' USD' });

/** A whole number from min to max, or null when empty. */
export function whole(input, { required = false, min = 0, max = Number.MAX_SAFE_INTEGER } = {}) {
  const value = text(input, { required });
  if (!value) return null;
  const number = Number(value);
  if (!WHOLE.test(value) || number < min || number > max)
    throw new FieldError(input, `${label(input)} must be a whole number from ${min} to ${max.toLocaleString('en-US')}.`);
  return number;
}

/** Comma- or space-separated entries, without blanks or repeats. */
export function list(input) {
  return [...new Set(input.value.split(/[\s,]+/).filter(Boolean))];
}

/** CIDRs (IPv4 or IPv6) or single addresses; the gateway normalises them and refuses host bits past the prefix. */
export function cidrs(input) {
  const entries = list(input);
  for (const entry of entries)
    if (!isCidr(entry))
      throw new FieldError(input, `'${entry}' is not a CIDR: an IPv4 or IPv6 address, optionally a slash and a prefix length (10.0.0.0/8, 2001:db8::/32).`);
  return entries;
}

function isCidr(entry) {
  const [address, prefix, ...rest] = entry.split('/');
  if (rest.length || (prefix !== undefined && !WHOLE.test(prefix))) return false;
  const v4 = IPV4.exec(address);
  if (v4) return v4.slice(1).every((octet) => Number(octet) <= 255) && (prefix === undefined || Number(prefix) <= 32);
  if (!address.includes(':') || !/^[0-9a-fA-F:.]+$/.test(address)) return false;
  // The URL parser knows every IPv6 spelling (::, embedded IPv4) and refuses the rest.
  try { new URL(`http://[${address}]/`); } catch { return false; }
  return prefix === undefined || Number(prefix) <= 128;
}

/** A datetime-local value (the viewer's zone) as an RFC 3339 instant in the future, or null when empty. */
export function futureTime(input) {
  if (!input.value) {
    if (input.validity?.badInput) throw new FieldError(input, `${label(input)} is not a complete date and time.`);
    return null;
  }
  const iso = fromLocalInput(input.value);
  if (!iso) throw new FieldError(input, `${label(input)} is not a valid date and time.`);
  if (Date.parse(iso) <= Date.now()) throw new FieldError(input, `${label(input)} must be in the future (to stop a key now, revoke it).`);
  return iso;
}
