import fc from "fast-check";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_MODELS, PRICING_FIXTURE } from "../../test/pricing-fixture.ts";
import { rowArb } from "../../test/log-row-arbitrary.ts";
import { writeTempTree } from "../../test/temp-dir.ts";
import { UNIT_RATES } from "../pricing/call.ts";
import { loadPricingOrThrow, type PricingBook } from "../pricing/load-pricing.ts";
import { multiply, parseDecimal, toNano } from "../pricing/money.ts";
import { COMPONENTS } from "../pricing/price-call.ts";
import type { LogRow } from "../schemas/log-row.ts";
import { createRowPricer, type PriceColumns } from "../stages/price/index.ts";
import { loadPoliciesOrThrow } from "../policies/load-policies.ts";
import { ChunkProcessor } from "./chunk-processor.ts";
import {
  FocusPieceCollector,
  PIECE_COLUMNS,
  pieceReaderOfColumns,
  pieceReaderOfRows,
  type FocusPiecesJson,
} from "./collect-focus-pieces.ts";

const MODELS = [...FIXTURE_MODELS, "acme-main/not-declared"];
const VERSION = "v1";

/** Priced rows as the columns a partition reads back as. */
function columnsOf(rows: Array<{ row: LogRow; price: PriceColumns }>, version = VERSION): Record<string, unknown[]> {
  const columns: Record<string, unknown[]> = Object.fromEntries(PIECE_COLUMNS.map((c) => [c, []]));
  for (const { row, price } of rows) {
    const put = (name: string, value: unknown) => columns[name]!.push(value);
    put("price_source", price.price_source);
    put("price_ref", price.price_ref);
    put("pricing_version", version);
    put("model", row.model);
    put("region", price.region);
    put("batch", row.batch);
    put("service_tier", row.service_tier);
    put("timestamp", row.timestamp);
    put("calls", row.calls ?? null);
    for (const field of [
      "input_tokens",
      "output_tokens",
      "cache_read_tokens",
      "cache_write_tokens",
      "cache_write_1h_tokens",
      "input_audio_tokens",
      "output_audio_tokens",
    ] as const)
      put(field, row[field]);
    for (const { field } of UNIT_RATES) put(field, row[field]);
    for (const c of COMPONENTS) put(`${c}_cost_usd`, price.components[c]);
    put("cost_usd", price.cost_nano);
    put("list_cost_usd", price.list_cost_nano);
  }
  return columns;
}

function piecesOf(book: PricingBook, columns: Record<string, unknown[]>, fastPath: boolean, version = VERSION): FocusPiecesJson {
  const collector = new FocusPieceCollector(book, version, [], fastPath);
  collector.add(
    "2026-01-01",
    pieceReaderOfRows(columns),
    columns.model!.length,
    () => 0,
    () => [],
  );
  return collector.finish("2026-01-01");
}

describe("FOCUS pieces on random priced rows (the hand-made fixture: tiers, private prices, audio, units, cache hits)", () => {
  let book: PricingBook;
  let dir: string;
  beforeAll(async () => {
    dir = await writeTempTree(PRICING_FIXTURE);
    book = await loadPricingOrThrow(dir);
  });

  const priced = (rows: LogRow[]) => {
    const price = createRowPricer(book, path.dirname(dir));
    return rows.flatMap((row) => {
      const p = price(row);
      return "reject" in p ? [] : [{ row, price: p }];
    });
  };

  it("gives the same pieces on the fast path as through piecesOfCall, adding up to the rows' cost", () => {
    fc.assert(
      fc.property(fc.array(rowArb(MODELS), { minLength: 1, maxLength: 30 }), (rows) => {
        const kept = priced(rows);
        const columns = columnsOf(kept);
        const fast = piecesOf(book, columns, true);
        expect(fast).toEqual(piecesOf(book, columns, false));
        const billed = fast.rows.reduce((sum, piece) => sum + BigInt(piece[6] as string), 0n);
        const cost = kept.reduce((sum, { price }) => sum + (price.price_source === "unpriced" ? 0n : price.cost_nano!), 0n);
        expect(billed).toBe(cost);
        for (const [component, rate, listRate, priceId, calls, quantity] of fast.rows) {
          expect(calls as number).toBeGreaterThan(0);
          expect(parseDecimal(quantity as string).coef > 0n).toBe(true);
          if (component === "gateway_cache") expect([rate, listRate, priceId]).toEqual([null, null, null]);
          else expect([typeof rate, typeof listRate, typeof priceId]).toEqual(["string", "string", "string"]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("reads a run's segment columns (addSegment's fast loop) to the same pieces as row by row", async () => {
    const policies = await loadPoliciesOrThrow(path.join(dir, "no-policies"));
    const processor = new ChunkProcessor({ book, policies, refBase: path.dirname(dir), pricingVersion: VERSION });
    fc.assert(
      fc.property(fc.array(rowArb(MODELS), { minLength: 1, maxLength: 40 }), (rows) => {
        // Most calls have no non-token units: those are the ones the fast loop reads.
        const noUnits = Object.fromEntries(UNIT_RATES.map((u) => [u.field, null]));
        rows.forEach((row, i) =>
          processor.addItemRow({ ...row, ...(i % 4 === 0 ? {} : noUnits), request_id: `r${i}` }, "logs.jsonl", i + 1),
        );
        const { segments } = processor.take();
        const fast = new FocusPieceCollector(book, VERSION, []);
        const slow = new FocusPieceCollector(book, VERSION, [], false);
        for (const segment of segments) {
          // A duplicate row skipped now and then, as the main thread skips them.
          const skip = Uint8Array.from({ length: segment.rows }, (_, r) => (r % 7 === 3 ? 1 : 0));
          fast.addSegment(segment.day, segment.columns, segment.rows, new Int32Array(segment.rows), () => [], skip);
          slow.add(
            segment.day,
            pieceReaderOfColumns(segment.columns),
            segment.rows,
            () => 0,
            () => [],
            skip,
          );
          expect(fast.finish(segment.day)).toEqual(slow.finish(segment.day));
        }
      }),
      { numRuns: 150 },
    );
  });

  it("splits a marginal tier at its brackets: each piece at one rate, the rounding left on the last", () => {
    // acme-main/marg: input 0.000001 up to 1,000 tokens, 0.000002 from 1,000, 0.000003 from 5,000 (pricing-fixture.ts).
    const row = { ...fc.sample(rowArb(["acme-main/marg"]), { numRuns: 1, seed: 1 })[0]! };
    Object.assign(row, {
      input_tokens: 5_333,
      cache_read_tokens: 0,
      cache_write_tokens: 0,
      input_audio_tokens: 0,
      output_tokens: 0,
      gateway_cache_hit: false,
      batch: false,
      service_tier: null,
      region: null,
      ...Object.fromEntries(UNIT_RATES.map((u) => [u.field, null])),
    });
    const kept = priced([row]);
    expect(kept[0]!.price.price_source).toBe("public");
    const pieces = piecesOf(book, columnsOf(kept), true).rows.map(([component, rate, listRate, , calls, quantity, billed]) => ({
      component,
      rate,
      listRate,
      calls,
      quantity,
      billed,
    }));
    expect(pieces).toEqual([
      { component: "input", rate: "0.000001", listRate: "0.000001", calls: 1, quantity: "1000", billed: "1000000" },
      { component: "input", rate: "0.000002", listRate: "0.000002", calls: 1, quantity: "4000", billed: "8000000" },
      { component: "input", rate: "0.000003", listRate: "0.000003", calls: 1, quantity: "333", billed: "999000" },
    ]);
    // Each piece's exact cost is its quantity × rate; together the call's cost.
    const exact = pieces.map((p) => toNano(multiply(parseDecimal(String(p.quantity)), parseDecimal(String(p.rate)))));
    expect(exact.reduce((a, b) => a + b, 0n)).toBe(kept[0]!.price.cost_nano);
  });

  it("gives a day priced with other prices pieces without rates, at the rows' own costs", () => {
    fc.assert(
      fc.property(fc.array(rowArb(MODELS), { minLength: 1, maxLength: 20 }), (rows) => {
        const kept = priced(rows);
        const pieces = piecesOf(book, columnsOf(kept, "old"), true, "new");
        for (const [component, rate, listRate] of pieces.rows) {
          if (component !== "gateway_cache") expect([rate, listRate]).toEqual([null, null]);
        }
        const billed = pieces.rows.reduce((sum, piece) => sum + BigInt(piece[6] as string), 0n);
        const cost = kept.reduce((sum, { price }) => sum + (price.price_source === "unpriced" ? 0n : price.cost_nano!), 0n);
        expect(billed).toBe(cost);
      }),
      { numRuns: 100 },
    );
  });
});
