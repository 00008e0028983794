import type { TraceSource } from "./load-trace-source.ts";
import type { Rng } from "./prng.ts";
import type { Stream } from "./workloads.ts";

export interface Arrival {
  /** Epoch milliseconds, UTC. */
  at: number;
  stream: Stream;
}

/** Share of the calls of each stream. */
export const STREAM_SHARES: Readonly<Record<Stream, number>> = { users: 0.45, services: 0.45, batch: 0.1 };

/**
 * Relative traffic by UTC hour. People work European and US-East hours; services follow
 * their customers around the clock with a daytime peak; the nightly batch runs 01–05 UTC.
 */
const HOURLY: Readonly<Record<Stream, readonly number[]>> = {
  users: [1, 0.5, 0.3, 0.3, 0.3, 0.5, 1.5, 4, 7, 9, 10, 9, 7, 9, 11, 12, 12, 11, 9, 6, 4, 3, 2, 1.5],
  services: [3, 2.5, 2, 1.8, 1.8, 2, 3, 4.5, 6, 7, 7.5, 7.5, 7.5, 8, 8.5, 9, 9, 8.5, 8, 7, 6, 5, 4.5, 3.5],
  batch: [1, 8, 10, 9, 6, 2, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.2, 0.3],
};

/** Relative traffic by UTC weekday, Sunday first. */
const WEEKDAY: Readonly<Record<Stream, readonly number[]>> = {
  users: [0.1, 1, 1, 1, 1, 0.9, 0.12],
  services: [0.65, 1, 1, 1, 1, 1, 0.7],
  batch: [1, 1, 1, 1, 1, 1, 1],
};

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * `rows` call start times over `days` days from `startMs` (UTC midnight), in order. Each
 * call's hour is drawn from its stream's weekday × hour-of-day weights (with a gentle
 * upward trend over the window, as adoption grows); within an hour, calls are placed by a
 * run of real inter-arrival gaps scaled to the hour, so bursts and lulls look real.
 */
export function drawArrivals(rng: Rng, traces: TraceSource, opts: { rows: number; startMs: number; days: number }): Arrival[] {
  const { rows, startMs, days } = opts;
  const buckets = days * 24;
  const streams = Object.keys(STREAM_SHARES) as Stream[];
  const counts = largestRemainder(
    rows,
    streams.map((s) => STREAM_SHARES[s]),
  );

  // Which streams call in each hour bucket.
  const perBucket: Stream[][] = Array.from({ length: buckets }, () => []);
  streams.forEach((stream, s) => {
    const cumulative: number[] = [];
    let total = 0;
    for (let b = 0; b < buckets; b++) {
      const day = Math.floor(b / 24);
      const weekday = new Date(startMs + day * DAY_MS).getUTCDay();
      const trend = stream === "batch" ? 1 : 1 + (0.2 * day) / days;
      total += WEEKDAY[stream][weekday]! * HOURLY[stream][b % 24]! * trend;
      cumulative.push(total);
    }
    for (let n = 0; n < counts[s]!; n++) perBucket[lowerBound(cumulative, rng.next() * total)]!.push(stream);
  });

  const arrivals: Arrival[] = [];
  for (let b = 0; b < buckets; b++) {
    const calls = perBucket[b]!;
    if (calls.length === 0) continue;
    shuffle(rng, calls);
    const gaps = traces.gaps(rng, calls.length + 1);
    let span = 0;
    for (const gap of gaps) span += gap;
    let elapsed = 0;
    for (let k = 0; k < calls.length; k++) {
      elapsed += gaps[k]!;
      const offset = span > 0 ? Math.floor((elapsed / span) * HOUR_MS) : Math.floor((k * HOUR_MS) / calls.length);
      arrivals.push({ at: startMs + b * HOUR_MS + Math.min(offset, HOUR_MS - 1), stream: calls[k]! });
    }
  }
  return arrivals;
}

/** Splits `n` into integers proportional to `weights` (largest remainder, ties to the first). */
function largestRemainder(n: number, weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (n * w) / total);
  const counts = exact.map(Math.floor);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let left = n - counts.reduce((a, b) => a + b, 0), k = 0; left > 0; left--, k++) counts[order[k]![1]]!++;
  return counts;
}

/** First index whose cumulative weight exceeds `u`. */
function lowerBound(cumulative: readonly number[], u: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function shuffle<T>(rng: Rng, items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
