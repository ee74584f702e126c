// Exact decimal arithmetic (BigInt units and a power-of-ten scale) for the billing breakdown, so the
// formula the page shows adds up to the digit, as the gateway's own decimal calculation does.
export class Dec {
  constructor(units, scale) {
    this.units = units;
    this.scale = scale;
  }

  /** From a JSON number or numeric text, read through its shortest decimal spelling. */
  static of(value) {
    const text = String(value ?? 0).trim().toLowerCase();
    const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/.exec(text);
    if (!match) return new Dec(0n, 0);
    const [, sign, whole, fraction = '', exponent = '0'] = match;
    let units = BigInt(`${whole}${fraction}` || '0');
    let scale = fraction.length - Number(exponent);
    if (scale < 0) { units *= 10n ** BigInt(-scale); scale = 0; }
    return new Dec(sign === '-' ? -units : units, scale);
  }

  add(other) {
    const scale = Math.max(this.scale, other.scale);
    return new Dec(this.#at(scale) + other.#at(scale), scale);
  }

  sub(other) { return this.add(new Dec(-other.units, other.scale)); }

  mul(other) { return new Dec(this.units * other.units, this.scale + other.scale); }

  /** Divides by 10^power exactly. */
  shift(power) { return new Dec(this.units, this.scale + power); }

  /** Rounds half away from zero to the given number of decimals. */
  round(decimals) {
    if (this.scale <= decimals) return this;
    const divisor = 10n ** BigInt(this.scale - decimals);
    const negative = this.units < 0n;
    const magnitude = negative ? -this.units : this.units;
    let quotient = magnitude / divisor;
    if ((magnitude % divisor) * 2n >= divisor) quotient += 1n;
    return new Dec(negative ? -quotient : quotient, decimals);
  }

  equals(other) {
    const scale = Math.max(this.scale, other.scale);
    return this.#at(scale) === other.#at(scale);
  }

  toString() {
    const negative = this.units < 0n;
    let digits = (negative ? -this.units : this.units).toString();
    if (this.scale > 0) {
      digits = digits.padStart(this.scale + 1, '0');
      const whole = digits.slice(0, -this.scale);
      const fraction = digits.slice(-this.scale).replace(/0+$/, '');
      digits = fraction ? `${whole}.${fraction}` : whole;
    }
    return (negative && digits !== '0' ? '-' : '') + digits;
  }

  #at(scale) { return this.units * 10n ** BigInt(scale - this.scale); }
}
