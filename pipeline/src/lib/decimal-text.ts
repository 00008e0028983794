/**
 * Decimal numbers as text (`6e-8`, `6.e-8`, `0.0000025`, `12`, `.5`), read without building
 * their value: how big a number is can be checked before any bigint is made. Shared by the
 * money arithmetic (pricing/money.ts) and the schemas that check rates.
 */
const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Decimal text whose value would need more digits than this is refused before any bigint is
 * built (`1e100000000` would otherwise take minutes and gigabytes to parse).
 */
export const MAX_DECIMAL_DIGITS = 1000;

/**
 * True when `text` spells a decimal number (`6e-8`, `6.e-8`, `0.0000025`, `12`, `.5`) whose
 * exact value has at most MAX_DECIMAL_DIGITS digits before and after the point.
 */
export function isDecimalText(text: string): boolean {
  const shape = decimalShape(text);
  return shape !== undefined && shape.integerDigits <= MAX_DECIMAL_DIGITS && shape.scale <= MAX_DECIMAL_DIGITS;
}

/** The size of a decimal number, read from its text without building its value. */
export interface DecimalShape {
  negative: boolean;
  /** Digits before the decimal point, leading zeros dropped: the value is below 10^integerDigits (0 for a value below 1). */
  integerDigits: number;
  /** Decimal places, trailing zeros dropped (0 for a whole number). */
  scale: number;
}

/**
 * How big `text` is as a decimal number (undefined when it is not decimal text): cheap for
 * any text, so limits can be checked before `parseDecimal` builds the value.
 * `1e400` → 401 integer digits; `0.000150` → scale 5; `-0.0` → zero (0, 0).
 */
export function decimalShape(text: string): DecimalShape | undefined {
  return significantOf(DECIMAL_TEXT.exec(text.trim()))?.shape;
}

/** The significant digits of a DECIMAL_TEXT match and the power of ten they are scaled by. */
function significantOf(m: RegExpExecArray | null): { shape: DecimalShape; digits: string; shift: number } | undefined {
  if (m === null) return undefined;
  const whole = m[2] ?? "";
  const frac = m[3] ?? "";
  if (whole === "" && frac === "") return undefined;
  const all = whole + frac;
  let first = 0;
  while (first < all.length && all.charCodeAt(first) === 48) first++;
  if (first === all.length) return { shape: { negative: false, integerDigits: 0, scale: 0 }, digits: "0", shift: 0 };
  let last = all.length;
  while (all.charCodeAt(last - 1) === 48) last--;
  // value = digits × 10^shift
  const shift = Number(m[4] ?? 0) - frac.length + (all.length - last);
  const integerDigits = Math.max(0, last - first + shift);
  return { shape: { negative: m[1] === "-", integerDigits, scale: Math.max(0, -shift) }, digits: all.slice(first, last), shift };
}

/** The significant digits of decimal text and the power of ten they are scaled by (undefined: not decimal text). */
export function significantDigits(text: string): { shape: DecimalShape; digits: string; shift: number } | undefined {
  return significantOf(DECIMAL_TEXT.exec(text.trim()));
}
