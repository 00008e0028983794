import fc from "fast-check";
import type { LogRow } from "../src/schemas/log-row.ts";

/**
 * Random log rows over some models: token counts around the fixture's tier boundaries,
 * cache reads past the input now and then (a reject), 1-hour cache writes (past the
 * cache writes now and then: a reject), audio, non-token units, batch and
 * priority calls, gateway cache hits with and without a reported cost.
 */
export function rowArb(models: string[]): fc.Arbitrary<LogRow> {
  return fc
    .record({
      model: fc.constantFrom(...models),
      timestamp: fc.integer({ min: Date.UTC(2025, 11, 1), max: Date.UTC(2026, 11, 31) }),
      region: fc.constantFrom(null, "us-east-1", "eu-west-1", "ap-south-1", "us-west-2"),
      input: fc.oneof(fc.integer({ min: 0, max: 300_000 }), fc.constantFrom(0, 1, 1000, 1001, 128_000, 128_001, 200_000, 200_001)),
      readShare: fc.double({ min: 0, max: 1.2, noNaN: true }),
      writeShare: fc.double({ min: 0, max: 1, noNaN: true }),
      // The 1-hour part of the cache writes: none mostly, else some, all, or more than all (a reject).
      oneHourShare: fc.constantFrom(0, 0, 0, 0.5, 1, 1.5),
      audio: fc.constantFrom(0, 0, 0, 5),
      output: fc.integer({ min: 0, max: 200_000 }),
      batch: fc.boolean(),
      tier: fc.constantFrom(null, "priority", "default"),
      seconds: fc.constantFrom(null, null, "12.25"),
      // Non-token units: absent mostly, else a quantity (zero and fractions included) on one or several of them.
      units: fc.array(fc.constantFrom(null, null, null, "0", "1", "3", "0.5", "1250", "7.125"), { minLength: 7, maxLength: 7 }),
      // A gateway cache hit now and then, with or without the gateway's cost.
      cacheHit: fc.constantFrom(false, false, false, true),
      reported: fc.constantFrom(null, "0", "0.00012", "-0.000000001"),
    })
    .map((r) => {
      const read = Math.floor(r.input * r.readShare); // above 1: cache exceeds input, a reject
      const write = Math.floor(Math.max(0, r.input - read) * r.writeShare);
      return {
        request_id: "r",
        timestamp: r.timestamp,
        model: r.model,
        region: r.region,
        subject_type: null,
        subject: null,
        pat_name: null,
        teams: [],
        input_tokens: r.input,
        cache_read_tokens: read,
        cache_write_tokens: write,
        cache_write_1h_tokens: Math.floor(write * r.oneHourShare),
        output_tokens: r.output,
        reasoning_tokens: 0,
        input_audio_tokens: Math.min(r.audio, Math.max(0, r.input - read - write)),
        output_audio_tokens: 0,
        input_images: r.units[0]!,
        output_images: r.units[1]!,
        input_characters: r.units[2]!,
        input_seconds: r.seconds ?? r.units[3]!,
        output_seconds: r.units[4]!,
        queries: r.units[5]!,
        pages: r.units[6]!,
        batch: r.batch,
        service_tier: r.tier,
        status_code: 200,
        virtual_model: null,
        metadata: {},
        reported_cost_usd: r.reported,
        gateway_cache_hit: r.cacheHit,
      } satisfies LogRow;
    });
}
