import { describe, expect, it } from "vitest";
import { DedupeSet, hashRequestId } from "./dedupe-set.ts";

describe("DedupeSet", () => {
  const add = (set: DedupeSet, id: string) => {
    const h = new Uint32Array(3);
    hashRequestId(id, h, 0);
    return set.add(h[0]!, h[1]!, h[2]!);
  };

  it("keeps the first of each id and finds every later one, across growth", () => {
    const set = new DedupeSet(16);
    const ids = Array.from({ length: 300_000 }, (_, i) => `trace-${(i * 7919) % 100_003}:span`);
    const expected = new Set<string>();
    let wrong = 0;
    for (const id of ids) {
      const isNew = !expected.has(id);
      expected.add(id);
      if (add(set, id) !== isNew) wrong++;
    }
    expect(wrong).toBe(0);
    expect(expected.size).toBeLessThan(ids.length);
    expect(set.size).toBe(expected.size);
    for (const id of ids.slice(0, 1000)) expect(add(set, id)).toBe(false);
  });

  it("tells apart ids that differ in one character, in length, or only by position", () => {
    const set = new DedupeSet();
    for (const id of ["a", "b", "ab", "ba", "a ", "", "trace:span", "trace:spam", "trace:span "]) expect(add(set, id)).toBe(true);
    expect(add(set, "trace:span")).toBe(false);
  });

  it("never gives a zero first word (zero marks an empty slot)", () => {
    const h = new Uint32Array(3);
    let zeros = 0;
    for (let i = 0; i < 100_000; i++) {
      hashRequestId(`id-${i}`, h, 0);
      if (h[0] === 0) zeros++;
    }
    expect(zeros).toBe(0);
  });
});
