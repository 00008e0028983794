/**
 * Exact decimal money. A rate or quantity is a `Decimal`: an integer coefficient and a
 * decimal scale (value = coef / 10^scale). It is built from the text written in a file
 * or a flag, never from a binary float, so `6.e-8` is exactly six hundred-millionths.
 * Costs are rounded once per component, half to even, to whole nano-USD (bigint).
 */
import { decimalShape, isDecimalText, MAX_DECIMAL_DIGITS, significantDigits, type DecimalShape } from "../lib/decimal-text.ts";

export interface Decimal {
  readonly coef: bigint;
  readonly scale: number;
}

export { decimalShape, isDecimalText, MAX_DECIMAL_DIGITS, type DecimalShape };

/** Digits of a nano-USD amount: 1 USD = 10^9 nano-USD. */
export const NANO_SCALE = 9;

const POW10: bigint[] = [];
for (let i = 0, p = 1n; i <= 64; i++, p *= 10n) POW10.push(p);

export function pow10(n: number): bigint {
  return POW10[n] ?? 10n ** BigInt(n);
}

/** Parses decimal text exactly; throws on anything else (and on a value isDecimalText refuses as too large). */
export function parseDecimal(text: string): Decimal {
  const found = significantDigits(text);
  if (found === undefined) throw new Error(`not a decimal number: ${JSON.stringify(text.slice(0, 80))}`);
  const { shape, digits, shift } = found;
  if (shape.integerDigits > MAX_DECIMAL_DIGITS || shape.scale > MAX_DECIMAL_DIGITS) {
    throw new Error(`decimal number has more than ${MAX_DECIMAL_DIGITS} digits before or after the point: ${JSON.stringify(text.slice(0, 80))}`);
  }
  let coef = BigInt(digits);
  if (shape.negative) coef = -coef;
  return shift >= 0 ? { coef: coef * pow10(shift), scale: 0 } : { coef, scale: -shift };
}

/** Removes trailing zeros of the coefficient (keeps values canonical for display and equality). */
export function normalize(d: Decimal): Decimal {
  let { coef, scale } = d;
  if (coef === 0n) return { coef: 0n, scale: 0 };
  while (scale > 0 && coef % 10n === 0n) {
    coef /= 10n;
    scale--;
  }
  return { coef, scale };
}

export function fromInteger(n: number | bigint): Decimal {
  return { coef: BigInt(n), scale: 0 };
}

export function isZero(d: Decimal): boolean {
  return d.coef === 0n;
}

export function isNegative(d: Decimal): boolean {
  return d.coef < 0n;
}

export function multiply(a: Decimal, b: Decimal): Decimal {
  return { coef: a.coef * b.coef, scale: a.scale + b.scale };
}

export function add(a: Decimal, b: Decimal): Decimal {
  if (a.scale === b.scale) return { coef: a.coef + b.coef, scale: a.scale };
  if (a.scale > b.scale) return { coef: a.coef + b.coef * pow10(a.scale - b.scale), scale: a.scale };
  return { coef: a.coef * pow10(b.scale - a.scale) + b.coef, scale: b.scale };
}

export function subtract(a: Decimal, b: Decimal): Decimal {
  return add(a, { coef: -b.coef, scale: b.scale });
}

export function compare(a: Decimal, b: Decimal): number {
  const diff = subtract(a, b).coef;
  return diff === 0n ? 0 : diff < 0n ? -1 : 1;
}

/** Rounds to whole nano-USD, half to even. */
export function toNano(d: Decimal): bigint {
  return toScaled(d, NANO_SCALE);
}

/** The value × 10^scale, rounded half to even to a whole number (a DECIMAL(p, scale)'s unscaled integer). */
export function toScaled(d: Decimal, scale: number): bigint {
  if (d.scale <= scale) return d.coef * pow10(scale - d.scale);
  const divisor = pow10(d.scale - scale);
  const negative = d.coef < 0n;
  const magnitude = negative ? -d.coef : d.coef;
  let quotient = magnitude / divisor;
  const twice = (magnitude % divisor) * 2n;
  if (twice > divisor || (twice === divisor && quotient % 2n === 1n)) quotient += 1n;
  return negative ? -quotient : quotient;
}

/** Nano-USD as a fixed 9-decimal string: 1234n → "0.000001234". */
export function formatNano(nano: bigint): string {
  const negative = nano < 0n;
  const digits = (negative ? -nano : nano).toString().padStart(NANO_SCALE + 1, "0");
  const whole = digits.slice(0, -NANO_SCALE);
  return `${negative ? "-" : ""}${whole}.${digits.slice(-NANO_SCALE)}`;
}

/** Parses a fixed or shorter decimal USD string into nano-USD; throws when it has sub-nano digits. */
export function parseNano(text: string): bigint {
  const d = parseDecimal(text);
  if (d.scale > NANO_SCALE) throw new Error(`${text} has more than ${NANO_SCALE} decimal places`);
  return toNano(d);
}

/** Plain decimal text without exponent: {coef: 6n, scale: 8} → "0.00000006". */
export function formatDecimal(d: Decimal): string {
  const negative = d.coef < 0n;
  const digits = (negative ? -d.coef : d.coef).toString();
  if (d.scale === 0) return `${negative ? "-" : ""}${digits}`;
  const padded = digits.padStart(d.scale + 1, "0");
  return `${negative ? "-" : ""}${padded.slice(0, -d.scale)}.${padded.slice(-d.scale)}`;
}

/** a / b rounded half to even to a whole number (b > 0): e.g. an average cost in nano-USD. */
export function divideHalfEven(a: bigint, b: bigint): bigint {
  const negative = a < 0n;
  const x = negative ? -a : a;
  const q = x / b;
  const twice = (x % b) * 2n;
  const rounded = twice > b || (twice === b && q % 2n === 1n) ? q + 1n : q;
  return negative ? -rounded : rounded;
}

/**
 * a / b as a decimal string with 6 places, rounded half to even, signed ("0.918118",
 * "-0.250000"); null when b is 0. Shares, coverage and changes use it: exact, no floats.
 */
export function ratio(a: bigint, b: bigint): string | null {
  if (b === 0n) return null;
  const negative = a !== 0n && a < 0n !== b < 0n;
  const micro = divideHalfEven((a < 0n ? -a : a) * 1_000_000n, b < 0n ? -b : b);
  const text = micro.toString().padStart(7, "0");
  return `${negative && micro !== 0n ? "-" : ""}${text.slice(0, -6)}.${text.slice(-6)}`;
}
