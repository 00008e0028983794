import { beforeAll, describe, expect, it } from "vitest";
import type { PricedColumnName } from "../dataset/priced-columns.ts";
import { MAX_ROW_COST_NANO } from "../lib/limits.ts";
import type { ColumnData } from "../parquet/file-writer.ts";
import type { PriceColumns } from "../stages/price/index.ts";
import { createProcessor, logRow } from "./__fixtures__/processor.ts";
import {
  costOverLimit,
  mergeOverrides,
  OUT_OF_WINDOW,
  PRICE_REJECT,
  sortedJson,
  VIRTUAL_PARENT,
  type ChunkProcessor,
  type ChunkResult,
  type Segment,
} from "./chunk-processor.ts";
import { hashRequestId } from "./dedupe-set.ts";
import { COLUMN } from "./segment-builder.ts";

/** A segment's column as the day file gets it: dictionary text, decoded text, numbers, nano-USD (null where null). */
function column(segment: Segment, name: PricedColumnName): unknown[] {
  const c: ColumnData = segment.columns[COLUMN[name]]!;
  return Array.from({ length: segment.rows }, (_, r) => {
    switch (c.type) {
      case "dict":
        return c.codes[r]! < 0 ? null : c.dictionary[c.codes[r]!];
      case "bytes":
        return c.nulls?.[r] ? null : Buffer.from(c.data.subarray(c.offsets[r]! + 4, c.offsets[r + 1]!)).toString("utf8");
      case "text":
        return c.values[r] ?? null;
      default:
        return c.nulls?.[r] ? null : c.values[r];
    }
  });
}

const FILE = "logs/a.jsonl";
const POLICIES = {
  "extracts.yaml":
    "extracts:\n  - {name: by-env, group_by: [month, metadata.env]}\n  - {name: by-app, group_by: [metadata.app, user, metadata.env]}\n",
  "teams.yaml": "teams:\n  - {name: search}\n",
  "virtual-accounts.yaml": "virtual_accounts:\n  - {name: bot, team: search, tags: {env: prod}}\n",
  "metadata-validation.yaml":
    "guardrails:\n  - name: need-env\n    enforcing_strategy: audit\n    when: {models: [acme-main/small]}\n    config: {keys: {env: {required: true}}}\n",
};

let processor: ChunkProcessor;
let result: ChunkResult;
const rows = [
  logRow({
    request_id: "r1",
    timestamp: Date.UTC(2026, 2, 1, 10),
    teams: ["search"],
    input_tokens: 1000,
    cache_read_tokens: 200,
    output_tokens: 100,
    metadata: { z: "1", env: "prod", a: "2" },
  }),
  logRow({
    request_id: "r2",
    timestamp: Date.UTC(2026, 2, 1, 23, 59, 59, 999),
    subject_type: "virtualaccount",
    subject: "bot",
    model: "nobody/model",
    calls: 0, // an aggregate of an unknown number of calls: 1 request
    input_tokens: 5,
    output_tokens: 1,
    metadata: { env: "dev" },
  }),
  logRow({ request_id: "r3", timestamp: Date.UTC(2026, 2, 2), subject: "bob", input_tokens: 10 }),
  logRow({ request_id: "r4", timestamp: Date.UTC(2026, 1, 28, 23, 59, 59, 999) }),
  logRow({ request_id: "r5", timestamp: Date.UTC(2026, 3, 1) }),
  logRow({ request_id: "r6", virtual_model: "router/smart", model: "router/smart" }),
  logRow({ request_id: "r7", input_tokens: 100, cache_read_tokens: 80, cache_write_tokens: 30 }),
  logRow({ request_id: "r8", model: "acme-main/huge", input_tokens: 100_000_000_000 }),
  logRow({ request_id: "r9", teams: ["search"], input_tokens: 2, metadata: { env: "prod" }, calls: 3 }), // an aggregate of 3 calls
];

beforeAll(async () => {
  ({ processor } = await createProcessor({ policies: POLICIES, since: "2026-03-01", until: "2026-03-31" }));
  processor.add({ kind: "reject", file: "ignored.jsonl", line: 1, reason: "invalid JSON: Unexpected end of JSON input", raw: "{" }, FILE);
  rows.forEach((row, i) => processor.add({ kind: "row", row, file: "ignored.jsonl", line: i + 2 }, FILE));
  expect(processor.pending).toBe(10);
  result = processor.take();
});

describe("ChunkProcessor", () => {
  it("counts every item and gives each valid row its outcome: a day segment, out of window, virtual parent or price reject", () => {
    expect(result.items).toBe(10);
    expect(result.rejects).toEqual([{ file: FILE, line: 1, reason: "invalid JSON: Unexpected end of JSON input", raw: "{" }]);
    expect(result.valid).toBe(9);
    expect(Array.from(result.outcome)).toEqual([0, 0, 1, OUT_OF_WINDOW, OUT_OF_WINDOW, VIRTUAL_PARENT, PRICE_REJECT, PRICE_REJECT, 0]);
    // Segment rows and price rejects by position (r1, r2, r9 in the day of 2026-03-01; r3 alone in the next).
    const at = (v: number) => result.position[v];
    expect([at(0), at(1), at(8), at(2), at(6), at(7)]).toEqual([0, 1, 2, 0, 0, 1]);
    expect(result.segments.map((s) => [s.day, s.rows])).toEqual([
      ["2026-03-01", 3],
      ["2026-03-02", 1],
    ]);
  });

  it("hashes every valid row's request_id (out of window and rejects included, for dedupe)", () => {
    const expected = new Uint32Array(27);
    rows.forEach((row, v) => hashRequestId(row.request_id, expected, v * 3));
    expect(Array.from(result.hashes)).toEqual(Array.from(expected));
  });

  it("turns counts that contradict each other, and a cost over the money columns' limit, into rejects with the row as JSON", () => {
    expect(result.priceRejects.map((r) => [r.file, r.line, r.reason])).toEqual([
      [FILE, 8, "cache_read_tokens + cache_write_tokens (110) exceed input_tokens (100); input_tokens must include cached tokens"],
      [FILE, 9, "cost_usd 1000000000.000000000 is too large: a row's cost must be below 1,000,000,000 USD (DECIMAL(18,9) money columns)"],
    ]);
    expect(JSON.parse(result.priceRejects[1]!.raw)).toEqual(rows[7]);
  });

  it("writes each priced row's columns: attribution, metadata after injection, prices in nano-USD, policy, origin", () => {
    const [day] = result.segments;
    const get = (name: PricedColumnName) => column(day!, name);
    expect(get("request_id")).toEqual(["r1", "r2", "r9"]);
    expect(get("timestamp")).toEqual([Date.UTC(2026, 2, 1, 10), Date.UTC(2026, 2, 1, 23, 59, 59, 999), Date.UTC(2026, 2, 1, 12)]);
    expect(get("date")).toEqual(["2026-03-01", "2026-03-01", "2026-03-01"]);
    expect(get("user")).toEqual(["ann", null, "ann"]);
    expect(get("virtual_account")).toEqual([null, "bot", null]);
    expect(get("team")).toEqual(["search", "search", "search"]);
    expect(get("teams")).toEqual(['["search"]', "[]", '["search"]']);
    expect(get("metadata")).toEqual(['{"a":"2","env":"prod","z":"1"}', '{"env":"prod"}', '{"env":"prod"}']);
    expect(get("metadata_overrides")).toEqual(["[]", '["env"]', "[]"]);
    expect(get("price_source")).toEqual(["public", "unpriced", "public"]);
    expect(get("unpriced_reason")).toEqual([null, "unknown provider account `nobody` (not declared in pricing/accounts/)", null]);
    // r1: 800 uncached input tokens × 1,000 nano + 200 cache reads × 100 + 100 output × 2,000.
    expect(get("input_cost_usd")).toEqual([800_000n, null, 2_000n]);
    expect(get("cache_read_cost_usd")).toEqual([20_000n, null, 0n]);
    expect(get("output_cost_usd")).toEqual([200_000n, null, 0n]);
    expect(get("cost_usd")).toEqual([1_020_000n, null, 2_000n]);
    expect(get("list_cost_usd")).toEqual([1_020_000n, null, 2_000n]);
    expect(get("input_tokens")).toEqual([1000, 5, 2]);
    expect(get("policy_status")).toEqual(["ok", "ok", "ok"]);
    expect(get("pricing_version")).toEqual(["v-test", "v-test", "v-test"]);
    expect(get("source_file")).toEqual([FILE, FILE, FILE]);
    expect(get("source_line")).toEqual([2, 3, 10]);

    const next = result.segments[1]!;
    expect(column(next, "request_id")).toEqual(["r3"]);
    expect(column(next, "policy_status")).toEqual(["warning"]);
    expect(column(next, "policy_violations")).toEqual(['["need-env:env:missing"]']);
    expect(column(next, "cost_usd")).toEqual([10_000n]);
  });

  it("sums each segment into a partial rollup grouped by the rollup columns and the extracts' metadata keys", () => {
    expect(processor.rollupMetadataKeys).toEqual(["app", "env"]);
    const { rollup } = result.segments[0]!;
    expect(rollup.groups).toBe(2);
    expect(Array.from(rollup.groupOf)).toEqual([0, 1, 0]); // r1 and r9 share every dimension
    expect(rollup.metaValues).toEqual([[], ["prod"]]); // no row has `app`; bot's `env` was injected
    // requests (r1 one call, r9 an aggregate of 3), input, cache read, cache write, output, reasoning, unpriced requests, rows
    expect(Array.from(rollup.counts)).toEqual([4, 1002, 200, 0, 100, 0, 0, 2, 1, 5, 0, 0, 1, 0, 1, 1]);
    expect(rollup.money).toEqual([1_022_000n, 1_022_000n, 1_022_000n, 0n, 0n, 0n]);
  });

  it("starts the next chunk empty after take()", () => {
    expect(processor.pending).toBe(0);
    const next = processor.take();
    expect([next.items, next.valid, next.rejects.length, next.priceRejects.length, next.segments.length]).toEqual([0, 0, 0, 0, 0]);
  });
});

describe("ChunkProcessor.addRestatedRow (costs restate)", () => {
  it("keeps the row's lineage and the overrides of its first pricing, adding keys the current tags replace now", async () => {
    const { processor: p } = await createProcessor({
      policies: { "virtual-accounts.yaml": "virtual_accounts:\n  - {name: bot, team: search, tags: {env: prod, app: web}}\n" },
    });
    // As first priced: env injected over the client's value (recorded), app injected anew.
    const asPriced = { env: "prod", app: "web", z: "1" };
    p.addRestatedRow(logRow({ request_id: "a", subject_type: "virtualaccount", subject: "bot", metadata: asPriced }), "logs/x.csv", 41, [
      "env",
    ]);
    // Tags changed since: `app` now replaces the value the row holds.
    p.addRestatedRow(
      logRow({ request_id: "b", subject_type: "virtualaccount", subject: "bot", metadata: { env: "prod", app: "old" } }),
      "logs/x.csv",
      42,
      ["env"],
    );
    p.addRestatedRow(logRow({ request_id: "c", metadata: { k: "v" } }), "logs/y.jsonl", 7, []);
    expect(p.pending).toBe(3);
    const [day] = p.take().segments;
    expect(column(day!, "metadata")).toEqual(['{"app":"web","env":"prod","z":"1"}', '{"app":"web","env":"prod"}', '{"k":"v"}']);
    expect(column(day!, "metadata_overrides")).toEqual(['["env"]', '["env","app"]', "[]"]);
    expect(column(day!, "source_file")).toEqual(["logs/x.csv", "logs/x.csv", "logs/y.jsonl"]);
    expect(column(day!, "source_line")).toEqual([41, 42, 7]);
  });

  it("mergeOverrides keeps the earlier keys in order, then the new ones", () => {
    expect(mergeOverrides(["b", "a"], [])).toEqual(["b", "a"]);
    expect(mergeOverrides(["b", "a"], ["a", "c"])).toEqual(["b", "a", "c"]);
    expect(mergeOverrides([], ["c"])).toEqual(["c"]);
  });
});

describe("costOverLimit", () => {
  const price = (cost: bigint | null, list: bigint | null) => ({ cost_nano: cost, list_cost_nano: list }) as PriceColumns;

  it("accepts costs up to 10^9 USD less a nano-USD, either sign, and unpriced rows", () => {
    expect(costOverLimit(price(MAX_ROW_COST_NANO, MAX_ROW_COST_NANO))).toBeUndefined();
    expect(costOverLimit(price(-MAX_ROW_COST_NANO, null))).toBeUndefined();
    expect(costOverLimit(price(null, null))).toBeUndefined();
  });

  it("names the column over the limit and its amount", () => {
    expect(costOverLimit(price(1n, MAX_ROW_COST_NANO + 1n))).toBe(
      "list_cost_usd 1000000000.000000000 is too large: a row's cost must be below 1,000,000,000 USD (DECIMAL(18,9) money columns)",
    );
    expect(costOverLimit(price(-MAX_ROW_COST_NANO - 1n, null))).toMatch(/^cost_usd -1000000000\.000000000 is too large/);
  });
});

describe("sortedJson", () => {
  it("writes a string map with its keys sorted, whatever the order they were added in", () => {
    expect(sortedJson({ z: "1", env: "prod", a: "2" })).toBe('{"a":"2","env":"prod","z":"1"}');
    expect(sortedJson({})).toBe("{}");
    expect(sortedJson({ "4294967295": "x", a: "y", "01": "z" })).toBe('{"01":"z","4294967295":"x","a":"y"}');
  });

  it("escapes what JSON must escape, lone surrogates included", () => {
    const text = sortedJson({ t: "line\nnext", 'q"': "a\\b", u: "\ud800" });
    expect(text).toBe('{"q\\"":"a\\\\b","t":"line\\nnext","u":"\\ud800"}');
    expect(JSON.parse(text)).toEqual({ 'q"': "a\\b", t: "line\nnext", u: "\ud800" });
  });

  it("gives one text for integer-like keys in any order (JSON puts array indices first)", () => {
    expect(sortedJson({ b: "1", "10": "x", "2": "y", a: "z" })).toBe('{"2":"y","10":"x","a":"z","b":"1"}');
    expect(sortedJson({ a: "z", "2": "y", b: "1", "10": "x" })).toBe('{"2":"y","10":"x","a":"z","b":"1"}');
  });
});
