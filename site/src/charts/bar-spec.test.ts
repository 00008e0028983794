import { describe, expect, it } from "vitest";
import { countBars, signedBars, toBars } from "./bar-spec.ts";
import { colourOf, keyLabel, NONE_COLOUR, OTHER_COLOUR, PALETTE, rankColours } from "./colours.ts";

const row = (key: string | null, cost_usd: string) => ({ key, cost_usd });

describe("toBars", () => {
  it("keeps the 10 costliest values and adds one (other) bar with the exact sum of the rest", () => {
    const rows = Array.from({ length: 13 }, (_, i) => row(`u${i}`, `${20 - i}.000000001`));
    const bars = toBars(rows);
    expect(bars.map((b) => b.key)).toEqual([...rows.slice(0, 10).map((r) => r.key), "(other)"]);
    // 10.000000001 + 9.000000001 + 8.000000001, summed exactly then rounded as tables show it.
    expect(bars.at(-1)!.text).toBe("$27.00");
    expect(bars[0]!.text).toBe("$20.00");
  });

  it("has no (other) bar when every value fits, and shows a null key as (none)", () => {
    const bars = toBars([row("a", "2.5"), row(null, "1.004999999")]);
    expect(bars.map((b) => [b.key, b.text])).toEqual([
      ["a", "$2.50"],
      ["(none)", "$1.00"],
    ]);
  });

  it("quotes a log value that is literally (other) or (none)", () => {
    expect(toBars([row("(other)", "1"), row("(none)", "1")]).map((b) => b.key)).toEqual(["“(other)”", "“(none)”"]);
    expect(keyLabel("(none)")).not.toBe(keyLabel(null));
  });
});

describe("countBars and signedBars", () => {
  it("counts: top N and the rest as (other), text as tables show counts", () => {
    const bars = countBars(
      Array.from({ length: 4 }, (_, i) => ({ key: `r${i}`, count: 1000 + i })),
      2,
    );
    expect(bars.map((b) => [b.key, b.text])).toEqual([
      ["r0", "1,000"],
      ["r1", "1,001"],
      ["(other)", "2,005"],
    ]);
  });

  it("keeps a variance's sign, rounded as tables show it", () => {
    const bars = signedBars([
      { key: "m1", nano: 1_500_000_000n },
      { key: "m2", nano: -250_000_000n },
      { key: "m3", nano: 0n },
    ]);
    expect(bars.map((b) => [b.cost, b.text])).toEqual([
      [1.5, "$1.50"],
      [-0.25, "−$0.25"],
      [0, "$0.00"],
    ]);
  });
});

describe("colourOf", () => {
  it("gives a key the same palette colour whatever else is charted, and greys only to the buckets", () => {
    const keys = ["gpt-4o", "claude-sonnet-4", "payments", "user-1f2e3d4c5b6a", "<img src=x onerror=alert(1)>"];
    const before = keys.map((k) => colourOf(k));
    for (const k of keys) expect(PALETTE).toContain(colourOf(k));
    // The colour depends on the key only: charting other keys first changes nothing.
    for (let i = 0; i < 100; i++) colourOf(`other-${i}`);
    expect(
      [...keys]
        .reverse()
        .map((k) => colourOf(k))
        .reverse(),
    ).toEqual(before);
    // FNV-1a of "a" is 0xe40c292c: pinned, so Node and the browser agree.
    expect(colourOf("a")).toBe(PALETTE[0xe40c292c % PALETTE.length]);
    // Not one colour for all: 50 keys spread over most of the palette.
    const used = new Set(Array.from({ length: 50 }, (_, i) => colourOf(`customer-${i}`)));
    expect(used.size).toBeGreaterThan(10);
    expect(colourOf("(other)")).toBe(OTHER_COLOUR);
    expect(colourOf("(none)")).toBe(NONE_COLOUR);
  });
});

describe("rankColours", () => {
  it("gives the whole period's costliest keys distinct palette colours in rank order; others fall back to the hash", () => {
    const keys = [null, ...Array.from({ length: 25 }, (_, i) => `k${i}`), "__proto__"];
    const colours = rankColours(keys);
    const ranked = keys.slice(1, 1 + PALETTE.length) as string[];
    expect(ranked.map((k) => colourOf(k, colours))).toEqual([...PALETTE]);
    expect(new Set(ranked.map((k) => colourOf(k, colours))).size).toBe(PALETTE.length);
    expect(colourOf("k24", colours)).toBe(colourOf("k24"));
    expect(colourOf("(none)", colours)).toBe(NONE_COLOUR);
    expect(colourOf("(other)", colours)).toBe(OTHER_COLOUR);
    // A hostile key is an own property like any other, never the prototype.
    expect(Object.getPrototypeOf(rankColours(["__proto__"]))).toBe(Object.prototype);
    expect(colourOf("__proto__", rankColours(["__proto__"]))).toBe(PALETTE[0]);
  });
});
