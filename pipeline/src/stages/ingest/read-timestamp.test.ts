import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseTimestamp } from "../../lib/parse-timestamp.ts";
import { fastTimestamp, readTimestamp } from "./read-timestamp.ts";

describe("readTimestamp", () => {
  it.each([
    ["2026-03-01T12:00:00Z", Date.UTC(2026, 2, 1, 12)],
    ["2026-03-01 12:00:00.250000", Date.UTC(2026, 2, 1, 12, 0, 0, 250)],
    ["2026-03-01T12:00:00.1z", Date.UTC(2026, 2, 1, 12, 0, 0, 100)],
    ["2026-03-01T14:30:00+02:30", Date.UTC(2026, 2, 1, 12)],
    ["2026-03-01 12:00:00.5+00", Date.UTC(2026, 2, 1, 12, 0, 0, 500)],
    ["2026-03-01 12:00:00 UTC", Date.UTC(2026, 2, 1, 12)],
    ["2026-03-01", Date.UTC(2026, 2, 1)],
    ["2026-02-29T00:00:00Z", undefined],
    ["2026-03-01T24:00:00Z", undefined],
    ["2026-03-01T12:00:00.Z", undefined],
    ["2026-03-01T1a:00:00Z", undefined],
    ["March 1st", undefined],
  ])("%s → %s", (text, expected) => {
    expect(readTimestamp(text)).toBe(expected);
  });

  it("takes the fast path only where it agrees with parseTimestamp", () => {
    const two = (max: number) =>
      fc.oneof(
        { arbitrary: fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, "0")), weight: 19 },
        { arbitrary: fc.constantFrom("1", "1a", "123"), weight: 1 },
      );
    const near = fc
      .tuple(
        fc.constantFrom("2024", "2026", "2026", "1999", "20x6"),
        fc.constantFrom("-", "-", "-", "/"),
        two(13),
        two(32),
        fc.constantFrom("T", " ", "T", " ", "t"),
        two(25),
        two(61),
        two(61),
        fc.constantFrom("", "", ".5", ".123", ".123456789", ".", ".12a"),
        fc.constantFrom("", "Z", "Z", "z", "+00:00", "-05", " "),
      )
      .map(([y, sep, mo, d, t, h, mi, s, frac, zone]) => `${y}${sep}${mo}${sep}${d}${t}${h}:${mi}:${s}${frac}${zone}`);
    let fastCount = 0;
    fc.assert(
      fc.property(near, (text) => {
        const fast = fastTimestamp(text);
        if (fast !== undefined) fastCount++;
        if (fast !== undefined) expect(fast).toBe(parseTimestamp(text));
      }),
      { numRuns: 5000 },
    );
    expect(fastCount).toBeGreaterThan(200); // about 450 of 5000: the fast path is really exercised
    expect(fastTimestamp("2026-03-01T12:00:00.123456Z")).toBe(Date.UTC(2026, 2, 1, 12, 0, 0, 123));
  });
});
