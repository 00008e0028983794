import { describe, expect, it } from "vitest";
import { PRICE_FIELDS } from "../schemas/price-fields.ts";
import { createProcessor, logRow } from "./__fixtures__/processor.ts";
import { PriceDependenceTally, SAMPLE_IDS } from "./tally-price-dependence.ts";

const CACHE_READ = PRICE_FIELDS.findIndex((f) => f.field === "cache_read_tokens");

describe("PriceDependenceTally", () => {
  it("counts the kept rows per file and, per field, the rows whose price depends on it with their cost and lowest lines", async () => {
    const { processor } = await createProcessor();
    // acme-main/small has a cache-read rate: 1000 input tokens cost 0.001 USD; `other/x` is unpriced.
    const lines = [9, 3, 7, 1, 5, 11, 2];
    for (const line of lines) processor.addItemRow(logRow({ request_id: `s${line}`, input_tokens: 1000 }), "a.csv", line);
    processor.addItemRow(logRow({ request_id: "u1", model: "other/x" }), "a.csv", 4);
    processor.addItemRow(logRow({ request_id: "hit", input_tokens: 1000, gateway_cache_hit: true }), "a.csv", 6);
    // Another day, another segment: the lowest lines are kept across segments.
    processor.addItemRow(logRow({ request_id: "d2", input_tokens: 1000, timestamp: Date.UTC(2026, 2, 2) }), "a.csv", 0);
    const { segments } = processor.take();
    expect(segments).toHaveLength(2);

    const tally = new PriceDependenceTally();
    for (const segment of segments) {
      // Dedupe dropped the row of line 1 (a duplicate found by the main thread).
      const drop = new Uint8Array(segment.rows);
      if (segment.day === "2026-03-01") drop[lines.indexOf(1)] = 1;
      tally.add(segment.columns, segment.rows, segment.depends, drop);
    }
    const file = tally.get("a.csv")!;
    expect(file.rows).toBe(lines.length - 1 + 3);
    const cacheRead = file.fields[CACHE_READ]!;
    expect(cacheRead.rows).toBe(lines.length - 1 + 1); // neither the unpriced row nor the cache hit
    expect(cacheRead.cost).toBe(7n * 1_000_000n); // (6 kept of day 1 + d2) × 0.001 USD
    expect(cacheRead.samples.map((s) => s.request_id)).toEqual(["d2", "s2", "s3", "s5", "s7"]);
    expect(cacheRead.samples).toHaveLength(SAMPLE_IDS);
    // The fixture's model has no region, batch, priority or cache-write price: nothing depends on them.
    expect(file.fields.filter((f, i) => i !== CACHE_READ && f.rows > 0)).toEqual([]);
    expect(tally.get("b.csv")).toBeUndefined();
  });
});
