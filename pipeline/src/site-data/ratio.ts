/** a / b as a decimal string with 6 places, rounded half to even; null when b is 0. Exact (bigint). */
export function ratio(a: bigint, b: bigint): string | null {
  if (b === 0n) return null;
  const negative = a < 0n !== b < 0n && a !== 0n;
  const x = a < 0n ? -a : a;
  const y = b < 0n ? -b : b;
  const exact = x * 1_000_000n;
  const floor = exact / y;
  const rem = exact % y;
  const rounded = rem * 2n > y || (rem * 2n === y && floor % 2n === 1n) ? floor + 1n : floor;
  const text = rounded.toString().padStart(7, "0");
  return `${negative ? "-" : ""}${text.slice(0, -6)}.${text.slice(-6)}`;
}
