/**
 * A small seeded random source for the sample generator. mulberry32 uses only 32-bit
 * integer arithmetic, and every helper below sticks to +, −, ×, ÷ and floor (no Math.log,
 * Math.exp or Math.random), so the same seed gives the same numbers on every machine and
 * Node version.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** true with probability `p`. */
  chance(p: number): boolean;
  /** One item of a non-empty list, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** One item by weight: `[[item, weight], ...]` with weights ≥ 0, at least one > 0. */
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T;
  /** `n` lowercase hex digits. */
  hex(n: number): string;
}

/** A generator for `seed` and a named stream, so each concern draws from its own sequence. */
export function createRng(seed: number, stream: string): Rng {
  let state = (hashString(stream) ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0;
  const next = () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng: Rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)]!,
    weighted: (items) => {
      let total = 0;
      for (const [, weight] of items) total += weight;
      let u = next() * total;
      for (const [item, weight] of items) {
        if (u < weight) return item;
        u -= weight;
      }
      // Only reached through rounding at the very top of the range.
      for (let i = items.length - 1; i >= 0; i--) if (items[i]![1] > 0) return items[i]![0];
      throw new Error("weighted() needs a weight above 0");
    },
    hex: (n) => {
      let out = "";
      while (out.length < n)
        out += Math.floor(next() * 4294967296)
          .toString(16)
          .padStart(8, "0");
      return out.slice(0, n);
    },
  };
  return rng;
}

/** FNV-1a, 32 bits. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A value from a distribution given by its quantiles: `points[i]` is the quantile at
 * `probabilities[i]` (ascending, from 0 to 1); values in between are interpolated
 * linearly. This is how the built-in token and gap distributions are sampled.
 */
export function sampleQuantiles(rng: Rng, probabilities: readonly number[], points: readonly number[]): number {
  const u = rng.next();
  let i = 1;
  while (i < probabilities.length - 1 && probabilities[i]! <= u) i++;
  const p0 = probabilities[i - 1]!;
  const p1 = probabilities[i]!;
  const v0 = points[i - 1]!;
  const v1 = points[i]!;
  return v0 + ((v1 - v0) * (u - p0)) / (p1 - p0);
}
