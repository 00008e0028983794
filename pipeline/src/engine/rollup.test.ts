import { describe, expect, it } from "vitest";
import type { ColumnData } from "../parquet/file-writer.ts";
import { requestsOf, ROLLUP_DIMENSIONS, type RollupDimension } from "../schemas/fields.ts";
import { fineDimensions, PartialRollupBuilder, Rollup, Rollups, subtractRow, type PartialRollup } from "./rollup.ts";
import { COLUMN, SegmentBuilder } from "./segment-builder.ts";

/** Dictionary codes of ROLLUP_DIMENSIONS for one row: the given ones, -1 (null) elsewhere. */
function codes(set: Partial<Record<RollupDimension, number>>): Int32Array {
  return Int32Array.from(ROLLUP_DIMENSIONS, (c) => set[c] ?? -1);
}

/** Count measures of one group: requests, input, cache read, cache write, output, reasoning, unpriced requests, rows. */
const counts = (...values: number[]) => values;
const NO_TOKENS = [0, 0, 0, 0, 0];
// A sum past 2^53 that a double would round: 9,007,199,254,740,993 nano-USD (about 9 million USD).
const BIG = 9_007_199_254_740_993n;

describe("PartialRollupBuilder", () => {
  it("groups rows by their codes and the values of the metadata keys, summing requests (an aggregate row's calls), rows, tokens and money", () => {
    const builder = new PartialRollupBuilder(["env", "app"]);
    const ann = codes({ user: 0, model: 0, price_source: 0 });
    builder.add(0, ann, { env: "prod", app: "web", other: "x" }, 1, [1000, 200, 0, 50, 10], 2_500_000n, 3_000_000n, false);
    builder.add(1, codes({ user: 1, model: 0, price_source: 1 }), { env: "prod" }, 12_000, [7, 0, 0, 3, 0], null, null, true); // an aggregate of 12,000 calls
    builder.add(2, ann, { app: "web", env: "prod" }, 1, [10, 0, 5, 5, 0], 40n, null, false); // no list price: list_or_cost takes the cost
    builder.add(3, ann, { env: "dev", app: "web" }, 1, [100, 0, 20, 1, 0], BIG, BIG, false);
    const partial = builder.finish(4);

    expect(partial.groups).toBe(3);
    expect(Array.from(partial.groupOf)).toEqual([0, 1, 0, 2]);
    expect(partial.metaValues).toEqual([["prod", "dev"], ["web"]]);
    expect(Array.from(partial.keys)).toEqual([...ann, 0, 0, ...codes({ user: 1, model: 0, price_source: 1 }), 0, -1, ...ann, 1, 0]);
    expect(Array.from(partial.counts)).toEqual([
      ...counts(2, 1010, 200, 5, 55, 10, 0, 2),
      ...counts(12_000, 7, 0, 0, 3, 0, 12_000, 1),
      ...counts(1, 100, 0, 20, 1, 0, 0, 1),
    ]);
    // cost, list cost, list cost else cost
    expect(partial.money).toEqual([2_500_040n, 3_000_000n, 3_000_040n, 0n, 0n, 0n, BIG, BIG, BIG]);
  });

  it("keeps the group of every row past its first 1024, and only the rows finished", () => {
    const builder = new PartialRollupBuilder([]);
    for (let row = 0; row < 3000; row++) builder.add(row, codes({ user: row % 3 }), {}, 1, [1, 0, 0, 0, 0], 1n, null, false);
    const partial = builder.finish(2999);
    expect(partial.groupOf).toHaveLength(2999);
    expect(Array.from(partial.groupOf).every((g, row) => g === row % 3)).toBe(true);
    expect([partial.counts[0], partial.counts[8], partial.counts[16]]).toEqual([1000, 1000, 1000]);
  });

  it("keeps apart two keys whose hashes collide", () => {
    // These two keys have the same 30-bit hash in rollup.ts (found by search).
    const builder = new PartialRollupBuilder([]);
    builder.add(0, codes({ user: 0, virtual_account: 0 }), {}, 1, NO_TOKENS, 1n, null, false);
    builder.add(1, codes({ user: 1, virtual_account: 83_901_895 }), {}, 1, NO_TOKENS, 2n, null, false);
    builder.add(2, codes({ user: 0, virtual_account: 0 }), {}, 1, NO_TOKENS, 4n, null, false);
    builder.add(3, codes({ user: 1, virtual_account: 83_901_895 }), {}, 1, NO_TOKENS, 8n, null, false);
    const partial = builder.finish(4);
    expect(Array.from(partial.groupOf)).toEqual([0, 1, 0, 1]);
    expect(partial.money.filter((_, i) => i % 3 === 0)).toEqual([5n, 10n]);
  });
});

interface TestRow {
  dims: Partial<Record<RollupDimension, string>>;
  metadata?: Record<string, string>;
  tokens?: number[];
  /** An aggregate row's `calls` (absent: one call). */
  calls?: number;
  cost: bigint | null;
  list?: bigint | null;
}

/** A segment as a worker builds it: its columns (SegmentBuilder) and their partial rollup, unpriced where there is no cost. */
function segment(day: string, metadataKeys: string[], rows: TestRow[]): { columns: ColumnData[]; partial: PartialRollup } {
  const builder = new SegmentBuilder(day);
  const rollup = new PartialRollupBuilder(metadataKeys);
  for (const row of rows) {
    const r = builder.next();
    const rowCodes = Int32Array.from(ROLLUP_DIMENSIONS, (c) => builder.dict(COLUMN[c], r, row.dims[c] ?? null));
    const tokens = row.tokens ?? NO_TOKENS;
    (["input_tokens", "cache_read_tokens", "cache_write_tokens", "output_tokens", "reasoning_tokens"] as const).forEach((c, i) =>
      builder.number(COLUMN[c], r, tokens[i]!),
    );
    builder.number(COLUMN.calls, r, row.calls ?? null);
    builder.bigint(COLUMN.cost_usd, r, row.cost);
    builder.bigint(COLUMN.list_cost_usd, r, row.list ?? null);
    rollup.add(r, rowCodes, row.metadata ?? {}, requestsOf(row.calls), tokens, row.cost, row.list ?? null, row.cost === null);
  }
  return { columns: builder.finish(), partial: rollup.finish(builder.rows) };
}

// 2026-03-31: ann twice (the same group), bob once, unpriced.
const MARCH: TestRow[] = [
  {
    dims: { user: "ann", model: "m1", price_source: "public" },
    metadata: { env: "prod" },
    tokens: [100, 0, 0, 10, 0],
    cost: 1_000n,
    list: 1_500n,
  },
  { dims: { user: "bob", model: "m2", price_source: "unpriced" }, tokens: [5, 0, 0, 1, 0], cost: null },
  { dims: { user: "ann", model: "m1", price_source: "public" }, metadata: { env: "prod" }, tokens: [50, 20, 0, 5, 0], cost: BIG },
];
// 2026-04-01: bob first, so each dictionary has other codes than March's.
const APRIL: TestRow[] = [
  {
    dims: { user: "bob", model: "m1", price_source: "public" },
    metadata: { env: "dev" },
    tokens: [10, 0, 0, 1, 0],
    cost: 300n,
    list: 300n,
  },
  { dims: { user: "ann", model: "m1", price_source: "public" }, metadata: { env: "prod" }, tokens: [1, 0, 0, 1, 0], cost: 2n, list: 3n },
];

describe("subtractRow", () => {
  it("takes a duplicate's requests, tokens and money out of its group, and an unpriced one out of the unpriced count", () => {
    const { columns, partial } = segment("2026-03-31", ["env"], MARCH);
    subtractRow(partial, columns, 2);
    subtractRow(partial, columns, 1);
    expect(Array.from(partial.counts)).toEqual([...counts(1, 100, 0, 0, 10, 0, 0, 1), ...counts(0, 0, 0, 0, 0, 0, 0, 0)]);
    expect(partial.money).toEqual([1_000n, 1_500n, 1_500n, 0n, 0n, 0n]);
  });

  it("takes a duplicate aggregate row out as its calls (0, an unknown number: 1) and as one row", () => {
    const { columns, partial } = segment(
      "2026-03-31",
      [],
      [
        { dims: { user: "ann", price_source: "unpriced" }, calls: 12_000, tokens: [900, 0, 0, 90, 0], cost: null },
        { dims: { user: "ann", price_source: "unpriced" }, calls: 0, tokens: [50, 0, 0, 5, 0], cost: null },
        { dims: { user: "ann", price_source: "unpriced" }, tokens: [1, 0, 0, 1, 0], cost: null },
        { dims: { user: "bob", price_source: "public" }, calls: 7, tokens: [70, 0, 0, 7, 0], cost: 70n, list: 80n },
      ],
    );
    // 12,000 + 1 + 1 requests and unpriced requests in 3 rows; 7 requests in 1 row.
    expect(Array.from(partial.counts)).toEqual([...counts(12_002, 951, 0, 0, 96, 0, 12_002, 3), ...counts(7, 70, 0, 0, 7, 0, 0, 1)]);
    subtractRow(partial, columns, 0);
    subtractRow(partial, columns, 1);
    subtractRow(partial, columns, 3);
    expect(Array.from(partial.counts)).toEqual([...counts(1, 1, 0, 0, 1, 0, 1, 1), ...counts(0, 0, 0, 0, 0, 0, 0, 0)]);
    expect(partial.money).toEqual([0n, 0n, 0n, 0n, 0n, 0n]);
  });
});

describe("Rollup", () => {
  it("sums measures per group of values, nulls included, read from any offset of flat measure arrays", () => {
    const rollup = new Rollup(["user", "model"]);
    const flatCounts = [...counts(1, 100, 0, 0, 10, 0, 0, 1), ...counts(2, 30, 5, 0, 6, 1, 1, 2)];
    const flatMoney = [500n, 600n, 600n, 7n, 0n, 7n];
    rollup.add(["ann", "m1"], flatCounts, 0, flatMoney, 0);
    rollup.add(["bob", null], flatCounts, 8, flatMoney, 3);
    rollup.add(["ann", "m1"], flatCounts, 8, flatMoney, 3);

    expect(rollup.groups).toBe(2);
    expect(rollup.valuesOf(1)).toEqual(["bob", null]);
    expect([...rollup.entries()]).toEqual([
      { values: { user: "ann", model: "m1" }, requests: 3, unpricedRequests: 1, rows: 3, cost: 507n, list: 600n },
      { values: { user: "bob", model: null }, requests: 2, unpricedRequests: 1, rows: 2, cost: 7n, list: 0n },
    ]);
    expect(rollup.toColumns()).toEqual({
      user: ["ann", "bob"],
      model: ["m1", null],
      requests: [3, 2],
      input_tokens: [130, 30],
      cache_read_tokens: [5, 5],
      cache_write_tokens: [0, 0],
      output_tokens: [16, 6],
      reasoning_tokens: [1, 1],
      unpriced_requests: [1, 1],
      rows: [3, 2],
      cost_usd: [507n, 7n],
      list_cost_usd: [600n, 0n],
      list_or_cost_usd: [607n, 7n],
      length: 2,
    });
  });

  it("gives each value of a dimension one id, in order of first use, -1 for null, and adds by ids", () => {
    const rollup = new Rollup(["user", "model"]);
    expect([rollup.idOf(0, "ann"), rollup.idOf(0, "bob"), rollup.idOf(0, "ann"), rollup.idOf(1, "ann"), rollup.idOf(0, null)]).toEqual([
      0, 1, 0, 0, -1,
    ]);
    rollup.addIds(Int32Array.of(rollup.idOf(0, "bob"), -1), counts(4, 0, 0, 0, 0, 0, 0, 1), 0, [9n, 9n, 9n], 0);
    expect([...rollup.entries()]).toEqual([
      { values: { user: "bob", model: null }, requests: 4, unpricedRequests: 0, rows: 1, cost: 9n, list: 9n },
    ]);
  });

  it("keeps thousands of groups exact as its arrays grow, and apart two keys whose hashes collide", () => {
    const rollup = new Rollup(["user", "team", "model"]);
    for (let i = 0; i < 3000; i++)
      rollup.add([`u${i}`, `t${i % 7}`, i % 2 ? null : "m"], counts(i, 2 * i, 0, 0, 0, 0, 0, 1), 0, [BigInt(i), 0n, BigInt(i)], 0);
    const columns = rollup.toColumns();
    expect(columns.length).toBe(3000);
    expect(
      columns.user!.every((u, i) => u === `u${i}` && columns.team![i] === `t${i % 7}` && columns.model![i] === (i % 2 ? null : "m")),
    ).toBe(true);
    expect(columns.input_tokens!.every((n, i) => n === 2 * i) && columns.cost_usd!.every((c, i) => c === BigInt(i))).toBe(true);

    // The same 30-bit hash in rollup.ts (found by search): two groups all the same.
    const ids = new Rollup(["a", "b"]);
    for (const key of [
      [0, 0],
      [1, 83_901_895],
      [0, 0],
    ])
      ids.addIds(Int32Array.from(key), counts(1, 0, 0, 0, 0, 0, 0, 1), 0, [1n, 0n, 1n], 0);
    expect([...ids.entries()].map((e) => e.requests)).toEqual([2, 1]);
  });

  it("round-trips through its JSON form (values, nulls, counts and nano-USD sums past 2^63 as text) and refuses a malformed one", () => {
    const rollup = new Rollup(["user", "model"]);
    rollup.add(["ann", null], counts(2, 10, 1, 0, 5, 0, 1, 2), 0, [2n ** 70n, 3n, -4n], 0);
    rollup.add(["bob", "m"], counts(1, 0, 0, 0, 0, 0, 0, 1), 0, [0n, 0n, 0n], 0);
    const json = JSON.parse(JSON.stringify(rollup.toJSON()));
    expect(json.keys).toEqual(["0,1", "-1,0"]);
    expect(json.money.cost_usd).toBe(`${2n ** 70n},0`);
    const back = Rollup.fromJSON(json);
    expect(back.toColumns()).toEqual(rollup.toColumns());
    expect(() => Rollup.fromJSON({ ...json, keys: ["0,7", "-1,0"] })).toThrow(/no value 7 in dimension user/);
    expect(() => Rollup.fromJSON({ ...json, counts: { ...json.counts, requests: undefined } })).toThrow(/no requests/);
    // A rollup written before `rows` (rollup_version 1) counted each row as one request.
    expect(Rollup.fromJSON({ ...json, counts: { ...json.counts, rows: undefined } }).toColumns().rows).toEqual([2, 1]);
  });

  it("tells when a count has gone past 2^53 − 1, where doubles stop being exact", () => {
    const requests = new Rollup(["user"]);
    requests.add(["ann"], counts(2 ** 53 - 2, 0, 0, 0, 0, 0, 0, 1), 0, [0n, 0n, 0n], 0);
    requests.add(["bob"], counts(1, 0, 0, 0, 0, 0, 0, 1), 0, [0n, 0n, 0n], 0);
    requests.add(["ann"], counts(1, 0, 0, 0, 0, 0, 0, 1), 0, [0n, 0n, 0n], 0);
    expect(requests.countsExact()).toBe(true);
    requests.add(["ann"], counts(1, 0, 0, 0, 0, 0, 0, 1), 0, [0n, 0n, 0n], 0);
    expect(requests.countsExact()).toBe(false);

    const tokens = new Rollup(["user"]);
    tokens.add(["ann"], counts(1, 0, 0, 0, 2 ** 52, 0, 0, 1), 0, [0n, 0n, 0n], 0);
    tokens.add(["bob"], counts(1, 0, 0, 0, 2 ** 52, 0, 0, 1), 0, [0n, 0n, 0n], 0);
    expect(tokens.countsExact()).toBe(true);
    tokens.add(["bob"], counts(1, 0, 0, 0, 2 ** 52, 0, 0, 1), 0, [0n, 0n, 0n], 0);
    expect(tokens.countsExact()).toBe(false);
  });
});

describe("Rollups", () => {
  it("names the fine dimensions: the date, the rollup columns, then each metadata key", () => {
    expect(fineDimensions(["app", "env"])).toEqual([
      "date",
      "user",
      "virtual_account",
      "team",
      "model",
      "provider",
      "provider_account",
      "provider_model",
      "region",
      "price_source",
      "policy_status",
      "unpriced_reason",
      "policy_violations",
      "metadata_overrides",
      "metadata.app",
      "metadata.env",
    ]);
  });

  it("refuses an output dimension that is not a fine dimension or month, and an unknown rollup name", () => {
    expect(() => new Rollups(["env"], [{ name: "x", dimensions: ["month", "metadata.app"] }])).toThrow(
      /^rollup dimension metadata\.app is not one of date, user, .*, metadata_overrides, metadata\.env$/,
    );
    expect(() => new Rollups([], [{ name: "x", dimensions: ["user"] }]).get("y")).toThrow("no rollup y");
  });

  it("merges partial rollups by value whatever their dictionary codes, into every output, to the exact nano-USD", () => {
    const rollups = new Rollups(
      ["env"],
      [
        { name: "by-user", dimensions: ["month", "user"] },
        { name: "by-env", dimensions: ["date", "metadata.env"] },
        { name: "by-model", dimensions: ["model", "price_source"] },
      ],
    );
    const march = segment("2026-03-31", ["env"], MARCH);
    const april = segment("2026-04-01", ["env"], APRIL);
    rollups.merge("2026-03-31", march.partial, march.columns);
    rollups.merge("2026-04-01", april.partial, april.columns);

    const byUser = rollups.get("by-user").toColumns();
    expect([byUser.month, byUser.user, byUser.requests]).toEqual([
      ["2026-03", "2026-03", "2026-04", "2026-04"],
      ["ann", "bob", "bob", "ann"],
      [2, 1, 1, 1],
    ]);
    expect(byUser.input_tokens).toEqual([150, 5, 10, 1]);
    expect(byUser.cache_read_tokens).toEqual([20, 0, 0, 0]);
    expect(byUser.unpriced_requests).toEqual([0, 1, 0, 0]);
    // ann in March: 1,000 + BIG; list 1,500 (the second row has none, so list-or-cost adds its cost).
    expect(byUser.cost_usd).toEqual([9_007_199_254_741_993n, 0n, 300n, 2n]);
    expect(byUser.list_cost_usd).toEqual([1_500n, 0n, 300n, 3n]);
    expect(byUser.list_or_cost_usd).toEqual([9_007_199_254_742_493n, 0n, 300n, 3n]);

    const byEnv = rollups.get("by-env").toColumns();
    expect([byEnv.date, byEnv["metadata.env"], byEnv.requests]).toEqual([
      ["2026-03-31", "2026-03-31", "2026-04-01", "2026-04-01"],
      ["prod", null, "dev", "prod"],
      [2, 1, 1, 1],
    ]);
    const byModel = rollups.get("by-model").toColumns();
    expect([byModel.model, byModel.price_source, byModel.requests, byModel.cost_usd]).toEqual([
      ["m1", "m2"],
      ["public", "unpriced"],
      [4, 1],
      [9_007_199_254_742_295n, 0n],
    ]);
  });

  it("leaves out a group whose every row was a duplicate", () => {
    const rollups = new Rollups(["env"], [{ name: "by-user", dimensions: ["month", "user"] }]);
    const march = segment("2026-03-31", ["env"], MARCH);
    subtractRow(march.partial, march.columns, 1); // bob's only row
    rollups.merge("2026-03-31", march.partial, march.columns);
    expect([...rollups.get("by-user").entries()].map((e) => [e.values.user, e.requests])).toEqual([["ann", 2]]);
  });
});
