/**
 * price_logs.sql against the engine (priceRow) on three real engines: DuckDB, ClickHouse
 * (chdb) and PostgreSQL (a private cluster on 127.0.0.1, test/sql-engines.ts), each with
 * its dialect's export. With CI=true a missing PostgreSQL fails the tests; without, they
 * are skipped with the reason printed.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  engineGate,
  findPostgres,
  priceOnClickhouse,
  priceOnDuckdb,
  priceOnPostgres,
  queryOf,
  startPostgres,
  type Postgres,
  type SqlRow,
} from "../../test/sql-engines.ts";
import { writeTempTree } from "../../test/temp-dir.ts";
import sqlParser from "node-sql-parser";
import { UNIT_RATES } from "../pricing/call.ts";
import { loadPricingOrThrow, type PricingBook } from "../pricing/load-pricing.ts";
import { formatNano } from "../pricing/money.ts";
import { COMPONENTS, priceRow, type PriceColumns } from "../stages/price/index.ts";
import type { LogRow } from "../schemas/log-row.ts";
import { writeParquet, type Column } from "../parquet/write-parquet.ts";
import { EXPORT_PRICING } from "./__fixtures__/export-pricing.ts";
import { DIALECTS, type DialectName } from "./dialect-names.ts";
import { toPricingSql } from "./to-pricing-sql.ts";
import { writeRates } from "./write-rates.ts";

/** A 10-decimal rate for ties on calls of millions of USD, where a Float64 has no nano-USD digits left. */
const TIE_PRICING = {
  "catalog/providers/acme/bigtie.yaml": "model: bigtie\ncosts:\n  input_cost_per_token: 0.0000000015\n",
  "accounts/ties.yaml": "name: ties\nprovider: acme\nmodels:\n  - {name: bigtie, cost: public}\n",
};

const ENGINES = ["duckdb", "clickhouse", "postgres"] as const satisfies DialectName[];
type Engine = (typeof ENGINES)[number];
const PG_BIN = findPostgres();
const postgresGate = engineGate(
  "PostgreSQL",
  PG_BIN === null ? "no PostgreSQL server binaries (apt-get install postgresql, or set PG_BIN; .ci/run installs it)" : null,
  "to-pricing-sql.test.ts",
);

let root: string;
let book: PricingBook;
let pg: Postgres | null = null;
beforeAll(async () => {
  root = await writeTempTree(
    Object.fromEntries(Object.entries({ ...EXPORT_PRICING, ...TIE_PRICING }).map(([name, text]) => [`pricing/${name}`, text])),
  );
  book = await loadPricingOrThrow(path.join(root, "pricing"));
  for (const engine of ENGINES) await writeRates(book, path.join(root, `export-${engine}`), "test", engine);
  if (PG_BIN !== null) pg = await startPostgres(PG_BIN);
}, 120_000);
afterAll(async () => {
  await pg?.stop();
});

/** Runs price_logs.sql of `engine`'s export (or `sql`) over a logs Parquet file; rows by request_id, values as text. */
async function priceWithSql(engine: Engine, logsFile: string, sql?: string): Promise<Map<string, SqlRow>> {
  const exportDir = path.join(root, `export-${engine}`);
  let rows: SqlRow[];
  if (engine === "duckdb") rows = await priceOnDuckdb(exportDir, logsFile, sql);
  else if (engine === "clickhouse") rows = await priceOnClickhouse(exportDir, logsFile, sql);
  else {
    if (pg === null) throw new Error(`PostgreSQL: ${postgresGate.missing}`);
    rows = await priceOnPostgres(pg, exportDir, [logsFile], sql);
  }
  return new Map(rows.map((row) => [row.request_id!, row]));
}

describe("price_logs.sql, the file", () => {
  const sql = toPricingSql();

  it.each(DIALECTS)("%s: is comment lines, then one query ending in the file's only `;`", (dialect) => {
    const sql = toPricingSql(dialect);
    const lines = sql.split("\n");
    const first = lines.findIndex((line) => !line.startsWith("--"));
    expect(first).toBeGreaterThan(10);
    expect(lines[first]).toBe("WITH");
    expect(sql.indexOf(";")).toBe(sql.trimEnd().length - 1);
    expect(sql.trimEnd().endsWith("\n;")).toBe(true);
    expect(sql).toContain(`--dialect ${dialect}`);
  });

  // No Spark, Trino or BigQuery engine runs here (none is on a registry we can install
  // from): their forms are parse-checked with node-sql-parser's grammars, the executed
  // ones (DuckDB, ClickHouse, PostgreSQL) are compared with the engine below.
  it.each([
    ["spark", "hive"],
    ["trino", "trino"],
    ["bigquery", "bigquery"],
    ["postgres", "postgresql"],
    ["duckdb", "postgresql"],
  ] as const)("%s: parses with node-sql-parser's %s grammar", (dialect, database) => {
    let query = queryOf(toPricingSql(dialect))
      .split("\n")
      .filter((line) => !line.startsWith("--"))
      .join("\n");
    // node-sql-parser's BigQuery grammar has no BIGNUMERIC: the rest of the query is checked with NUMERIC
    if (dialect === "bigquery") query = query.replace(/BIGNUMERIC\(\d+, \d+\)/g, "NUMERIC");
    const ast = new sqlParser.Parser().astify(query, { database });
    expect(Array.isArray(ast) ? ast.length : 1).toBe(1);
    // and the grammar is strict enough to refuse what it should
    expect(() => new sqlParser.Parser().astify(query.replace("LEFT JOIN", "LEFT JOINN"), { database })).toThrow();
  });

  it("stays away from DuckDB-only syntax", () => {
    const query = sql
      .split("\n")
      .filter((line) => !line.trimStart().startsWith("--"))
      .join("\n");
    for (const duckdbOnly of ["::", "//", "GROUP BY ALL", "read_parquet", "QUALIFY", "EXCLUDE", "ILIKE", "STRUCT", "LIST_VALUE"]) {
      expect(query, duckdbOnly).not.toContain(duckdbOnly);
    }
  });
});

/** A deterministic PRNG (mulberry32): the same calls on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MODELS = [
  ...[
    "flat",
    "nobatch",
    "cache1h",
    "cumul",
    "marg",
    "defreg",
    "prio",
    "prio-notiers",
    "audio",
    "units",
    "halfeven",
    "embed",
    "nocost",
    "alias",
    "missing",
  ].map((m) => `acme-main/${m}`),
  "acme-us/regional",
  "acme-us/regional-star",
  "priv/ft",
  "priv/ft-nolist",
  "extra/deep",
  "extra/cachetiers",
  "extra/voice",
  "priv_eu/contract",
  "priv_eu/nothing-yet",
  // the models with unit rates, twice as often: images, characters, seconds, queries, pages
  "acme-main/units",
  "extra/voice",
  "ghost/model",
  "noslash",
  "/lead",
];
const REGIONS = [null, null, null, "", "us-east-1", "eu-west-1", "ap-south-1", "sa-east-1", "*"];
const TIMES = [
  "2025-12-31T23:59:59.999Z",
  "2026-01-01T00:00:00.000Z",
  "2026-02-01T11:59:59.999Z",
  "2026-02-01T12:00:00.000Z",
  "2026-03-01T00:00:00.000Z",
  "2026-04-30T23:59:59.999Z",
  "2026-05-01T00:00:00.000Z",
  "2026-06-30T23:59:59.999Z",
  "2026-07-01T00:00:00.000Z",
  "2026-08-15T10:00:00.000Z",
];
const SIZES = [
  0, 1, 5, 10, 30, 49, 50, 51, 99, 100, 101, 299, 300, 301, 399, 400, 401, 999, 1000, 1001, 1999, 2000, 2001, 4999, 5000, 5001, 200001,
];
const UNITS = ["0", "1", "2", "12.5", "0.000000001", "1e3", "3.333333333", "7", ".5"];

/** Calls over every model of the fixture, with counts at and around every threshold. */
function makeRows(n: number): LogRow[] {
  const next = random(20260616);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const upTo = (max: number) => (next() < 0.4 ? 0 : Math.min(max, next() < 0.5 ? pick(SIZES) : Math.floor(next() * (max + 1))));
  return Array.from({ length: n }, (_, i) => {
    const input = next() < 0.5 ? pick(SIZES) : Math.floor(next() * 6000);
    const cacheRead = upTo(input);
    const cacheWrite = upTo(input - cacheRead);
    const output = next() < 0.1 ? 0 : next() < 0.5 ? pick(SIZES) : Math.floor(next() * 3000);
    const row: LogRow = {
      request_id: `r${String(i).padStart(5, "0")}`,
      timestamp: Date.parse(pick(TIMES)),
      model: pick(MODELS),
      region: pick(REGIONS),
      subject_type: null,
      subject: null,
      pat_name: null,
      teams: [],
      input_tokens: input,
      cache_read_tokens: cacheRead,
      cache_write_tokens: cacheWrite,
      output_tokens: output,
      reasoning_tokens: 0,
      input_audio_tokens: next() < 0.3 ? upTo(input - cacheRead - cacheWrite) : 0,
      output_audio_tokens: next() < 0.3 ? upTo(output) : 0,
      input_images: null,
      output_images: null,
      input_characters: null,
      input_seconds: null,
      output_seconds: null,
      queries: null,
      pages: null,
      batch: next() < 0.3,
      service_tier: pick([null, null, "priority", "flex"]),
      status_code: 200,
      virtual_model: null,
      metadata: {},
      reported_cost_usd: null,
      gateway_cache_hit: false,
    };
    for (const { field } of UNIT_RATES) if (next() < 0.2) row[field] = pick(UNITS);
    // Drawn after the rest, so the other values stay those of the seed.
    row.cache_write_1h_tokens = next() < 0.4 ? Math.floor(next() * (cacheWrite + 1)) : 0;
    // then, now and then, a call the gateway answered from its cache, with or without its own figure
    if (next() < 0.08) {
      row.gateway_cache_hit = true;
      row.reported_cost_usd = pick([null, "0", "0.000123", "0.0000000015", "0.0000000025", "-0.0000000025", "12.000000000500000001"]);
    } else if (next() < 0.1) row.reported_cost_usd = "0.5"; // a reported cost on an ordinary call changes nothing
    return row;
  });
}

const TOKENS = [
  "input_tokens",
  "cache_read_tokens",
  "cache_write_tokens",
  "cache_write_1h_tokens",
  "output_tokens",
  "reasoning_tokens",
  "input_audio_tokens",
  "output_audio_tokens",
] as const;

/** The log rows as the priced Parquet types them; a count of 0 is sometimes written as NULL (the SQL reads NULL as 0). */
async function writeLogs(file: string, rows: LogRow[]): Promise<void> {
  const columns: Column[] = [
    { name: "request_id", kind: "string", data: rows.map((r) => r.request_id) },
    { name: "timestamp", kind: "timestamp", data: rows.map((r) => r.timestamp) },
    { name: "model", kind: "string", data: rows.map((r) => r.model) },
    { name: "region", kind: "string", data: rows.map((r) => r.region) },
    ...TOKENS.map((name): Column => ({ name, kind: "int64", data: rows.map((r, i) => (r[name] === 0 && i % 3 === 0 ? null : r[name])) })),
    ...UNIT_RATES.map(({ field }): Column => ({ name: field, kind: "string", data: rows.map((r) => r[field]) })),
    { name: "batch", kind: "boolean", data: rows.map((r, i) => (!r.batch && i % 4 === 0 ? null : r.batch)) },
    { name: "service_tier", kind: "string", data: rows.map((r) => r.service_tier) },
    {
      name: "gateway_cache_hit",
      kind: "boolean",
      data: rows.map((r, i) => (!r.gateway_cache_hit && i % 5 === 0 ? null : r.gateway_cache_hit)),
    },
    // decimal text: sub-nano digits and ties, which the priced Parquet's DECIMAL(18,9) cannot hold
    { name: "reported_cost_usd", kind: "string", data: rows.map((r) => r.reported_cost_usd) },
  ];
  await writeParquet(file, columns);
}

/** The engine's answer in the SQL's output columns. */
function expected(price: PriceColumns, row: LogRow): Record<string, string | null> {
  const money = (nano: bigint | null) => (nano === null ? null : formatNano(nano));
  return {
    request_id: row.request_id,
    date: new Date(row.timestamp).toISOString().slice(0, 10),
    model: row.model,
    provider_account: price.provider_account,
    provider: price.provider,
    provider_model: price.provider_model,
    region: price.region,
    price_source: price.price_source,
    price_ref: price.price_ref,
    pricing_mode: price.pricing_mode,
    tier: price.tier,
    ...Object.fromEntries(COMPONENTS.map((c) => [`${c}_cost_usd`, money(price.components[c])])),
    cost_usd: money(price.cost_nano),
    list_cost_usd: money(price.list_cost_nano),
  };
}

describe.each(ENGINES)("price_logs.sql on %s prices like the engine", (engine) => {
  const skip = engine === "postgres" && postgresGate.skip;
  it.skipIf(skip)("every generated call of the fixture, row for row, to the nano-USD", async () => {
    const rows = makeRows(4000);
    const file = path.join(root, `logs-${engine}.parquet`);
    await writeLogs(file, rows);
    const got = await priceWithSql(engine, file);
    expect(got.size).toBe(rows.length);

    let compared = 0;
    const seen = {
      unpriced: 0,
      private: 0,
      marginal: 0,
      tiers: 0,
      list: 0,
      units: 0,
      audio: 0,
      priority: 0,
      batch: 0,
      write1h: 0,
      write1hAt5m: 0,
      gateway_cache: 0,
    };
    for (const row of rows) {
      const price = priceRow(book, row, root);
      const sql = got.get(row.request_id)!;
      if ("reject" in price) continue; // never reaches the priced output
      const { unpriced_reason, ...rest } = sql;
      expect(rest, row.request_id).toEqual(expected(price, row));
      expect(unpriced_reason === null, `${row.request_id} reason`).toBe(price.price_source !== "unpriced");
      compared++;
      if (price.price_source === "unpriced") seen.unpriced++;
      if (price.price_source === "private") seen.private++;
      if (price.pricing_mode === "marginal") seen.marginal++;
      if (price.tier?.startsWith("from")) seen.tiers++;
      if (price.price_source === "private" && price.list_cost_nano !== null) seen.list++;
      if (price.components.input_image || price.components.input_second || price.components.page) seen.units++;
      if (price.components.input_audio || price.components.output_audio) seen.audio++;
      if (price.components.cache_write_1h) seen.write1h++;
      else if (row.cache_write_1h_tokens && price.components.cache_write) seen.write1hAt5m++;
      if (row.service_tier === "priority" && price.price_source !== "unpriced") seen.priority++;
      if (row.batch && price.price_source !== "unpriced") seen.batch++;
      if (price.price_source === "gateway_cache") seen.gateway_cache++;
    }
    // The comparison covered every rule, not only the easy rows.
    expect(compared).toBeGreaterThan(3500);
    for (const [what, count] of Object.entries(seen)) expect(count, what).toBeGreaterThan(20);
  });

  it.skipIf(skip)("hand-worked rows: half-even ties, tier thresholds, periods, priority and list prices", async () => {
    const base = makeRows(1)[0]!;
    const call = (id: string, overrides: Partial<LogRow>): LogRow => ({
      ...base,
      request_id: id,
      timestamp: Date.parse("2026-03-01T12:00:00Z"),
      region: null,
      input_tokens: 0,
      cache_read_tokens: 0,
      cache_write_tokens: 0,
      cache_write_1h_tokens: 0,
      output_tokens: 0,
      input_audio_tokens: 0,
      output_audio_tokens: 0,
      batch: false,
      service_tier: null,
      ...Object.fromEntries(UNIT_RATES.map((u) => [u.field, null])),
      ...overrides,
    });
    const rows = [
      // 30 × 1.5e-10 = 4.5 nano → 4 (even); 10 × 1.5e-10 = 1.5 nano → 2 (even)
      call("tie", { model: "acme-main/halfeven", input_tokens: 30, output_tokens: 10 }),
      // a prompt of exactly 1000 stays on the base rate; 1001 reaches the tier, for every token
      call("at-threshold", { model: "acme-main/cumul", input_tokens: 1000, output_tokens: 10 }),
      call("above-threshold", { model: "acme-main/cumul", input_tokens: 1001, output_tokens: 10 }),
      // marginal: 100 tokens at the 23-decimal base rate, 200 at 0.0000004, 100 at the 23-decimal tier rate:
      // 0.000030001999999999996 + 0.00008 + 0.000050000000000000001 = 0.000160001999999999997 → 0.000160002
      call("marginal", { model: "extra/deep", input_tokens: 400 }),
      // the contract starts at 12:00 UTC: one millisecond before, only the list price exists
      call("before-contract", { model: "priv_eu/contract", timestamp: Date.parse("2026-02-01T11:59:59.999Z"), input_tokens: 1000 }),
      call("contract", {
        model: "priv_eu/contract",
        timestamp: Date.parse("2026-02-01T12:00:00Z"),
        input_tokens: 1000,
        service_tier: "priority",
        output_tokens: 100,
      }),
      // 2000 × 3.75e-6 = 0.0075 (5-minute), 1000 × 6e-6 = 0.006 (1-hour); on flat (no 1-hour rate) all 300 at 1.25e-6
      call("write-1h", { model: "acme-main/cache1h", input_tokens: 3000, cache_write_tokens: 3000, cache_write_1h_tokens: 1000 }),
      call("write-1h-no-rate", { model: "acme-main/flat", input_tokens: 300, cache_write_tokens: 300, cache_write_1h_tokens: 100 }),
      ...tieRows(),
      // gateway cache hits: the reported cost rounded half to even (1.5 → 2, 2.5 → 2, −2.5 → −2 nano), none → 0, an unknown model too
      call("cached-tie-odd", { model: "acme-main/halfeven", input_tokens: 30, gateway_cache_hit: true, reported_cost_usd: "0.0000000015" }),
      call("cached-tie-even", {
        model: "acme-main/halfeven",
        input_tokens: 30,
        gateway_cache_hit: true,
        reported_cost_usd: "0.0000000025",
      }),
      call("cached-negative", { model: "priv/ft", input_tokens: 30, gateway_cache_hit: true, reported_cost_usd: "-0.0000000025" }),
      call("cached-none", { model: "acme-main/cumul", input_tokens: 5000, gateway_cache_hit: true, reported_cost_usd: null }),
      call("cached-unknown", { model: "ghost/model", input_tokens: 30, gateway_cache_hit: true, reported_cost_usd: "0.25" }),
      call("seconds", { model: "acme-main/units", input_seconds: "0.0000000001" }),
    ];
    const file = path.join(root, `hand-${engine}.parquet`);
    await writeLogs(file, rows);
    const got = await priceWithSql(engine, file);
    const pick = (id: string, ...keys: string[]) => Object.fromEntries(keys.map((k) => [k, got.get(id)![k]]));
    expect(pick("tie", "input_cost_usd", "output_cost_usd", "cost_usd")).toEqual({
      input_cost_usd: "0.000000004",
      output_cost_usd: "0.000000002",
      cost_usd: "0.000000006",
    });
    // 1 and 3 tokens at 1.5 nano: 1.5 → 2, 4.5 → 4; 3e15 + 1 and 3e15 + 3: …0015 → …002, …0045 → …004
    expect(["tie-0", "tie-1", "tie-5", "tie-6"].map((id) => got.get(id)!.cost_usd)).toEqual([
      "0.000000002",
      "0.000000004",
      "4500000.000000002",
      "4500000.000000004",
    ]);
    expect(pick("at-threshold", "tier", "cost_usd")).toEqual({ tier: "base", cost_usd: "0.001040000" });
    expect(pick("above-threshold", "tier", "cost_usd")).toEqual({ tier: "from 1000", cost_usd: "0.002052000" });
    expect(pick("marginal", "pricing_mode", "tier", "cost_usd")).toEqual({
      pricing_mode: "marginal",
      tier: "from 300",
      cost_usd: "0.000160002",
    });
    expect(pick("before-contract", "price_source", "cost_usd", "list_cost_usd", "region")).toEqual({
      price_source: "unpriced",
      cost_usd: null,
      list_cost_usd: "0.000069000",
      region: "eu-west-1",
    });
    expect(pick("contract", "price_source", "tier", "input_cost_usd", "output_cost_usd", "list_cost_usd")).toEqual({
      price_source: "private",
      tier: "base",
      input_cost_usd: "0.001100000",
      output_cost_usd: "0.000700000",
      list_cost_usd: "0.000096600",
    });
    const cached = (id: string) => pick(id, "price_source", "price_ref", "tier", "input_cost_usd", "cost_usd", "list_cost_usd");
    const hit = (cost: string) => ({
      price_source: "gateway_cache",
      price_ref: null,
      tier: null,
      input_cost_usd: null,
      cost_usd: cost,
      list_cost_usd: cost,
    });
    expect(cached("cached-tie-odd")).toEqual(hit("0.000000002"));
    expect(cached("cached-tie-even")).toEqual(hit("0.000000002"));
    expect(cached("cached-negative")).toEqual(hit("-0.000000002"));
    expect(cached("cached-none")).toEqual(hit("0.000000000"));
    expect(cached("cached-unknown")).toEqual(hit("0.250000000"));
    expect(pick("cached-unknown", "provider_account", "unpriced_reason")).toEqual({ provider_account: null, unpriced_reason: null });
    expect(pick("write-1h", "cache_write_cost_usd", "cache_write_1h_cost_usd", "cost_usd")).toEqual({
      cache_write_cost_usd: "0.007500000",
      cache_write_1h_cost_usd: "0.006000000",
      cost_usd: "0.013500000",
    });
    expect(pick("write-1h-no-rate", "cache_write_cost_usd", "cache_write_1h_cost_usd", "cost_usd")).toEqual({
      cache_write_cost_usd: "0.000375000",
      cache_write_1h_cost_usd: "0.000000000",
      cost_usd: "0.005375000",
    });
    // the one case the SQL does not price: a unit quantity below the nano
    expect(got.get("seconds")!.price_source).toBe("unpriced");
    expect(got.get("seconds")!.unpriced_reason).toMatch(/more than 9 decimal places/);
    for (const row of rows.slice(0, -1)) {
      const { unpriced_reason: _reason, ...sql } = got.get(row.request_id)!;
      expect(sql, row.request_id).toEqual(expected(priceRow(book, row, root) as PriceColumns, row));
    }
  });
});

describe("ClickHouse and Float64 constants", () => {
  it("the comparison catches price_logs.sql written with 0.5 and 0.0000000005 (Float64 in ClickHouse)", async () => {
    const exact = toPricingSql("clickhouse");
    const floats = exact.replaceAll("toDecimal128('0.0000000005', 10)", "0.0000000005").replaceAll("toDecimal128('0.5', 1)", "0.5");
    expect(floats).not.toBe(exact);
    const rows = tieRows();
    const file = path.join(root, "ties.parquet");
    await writeLogs(file, rows);
    const wrong = async (sql: string) => {
      const got = await priceWithSql("clickhouse", file, sql);
      return rows
        .filter((row) => {
          const { unpriced_reason: _reason, ...priced } = got.get(row.request_id)!;
          return JSON.stringify(priced) !== JSON.stringify(expected(priceRow(book, row, root) as PriceColumns, row));
        })
        .map((row) => `${row.request_id}: ${got.get(row.request_id)!.cost_usd}`);
    };
    expect(await wrong(exact)).toEqual([]);
    // with Float64 constants, x * 0.5 of a tie of millions of USD has no nano-USD digits left
    const off = await wrong(floats);
    expect(off.length).toBeGreaterThan(0);
    for (const line of off) expect(line).toMatch(/^tie-\d+: \d{7}\.\d{9}$/);
  });
});

/**
 * Ties (the exact cost ends in 5 at the 10th decimal) on both sides of even: 1.5 nano-USD a
 * token (ties/bigtie), an odd count, from 1.5 nano-USD to 4.5 million USD a call.
 */
function tieRows(): LogRow[] {
  const base = makeRows(1)[0]!;
  const counts = [1, 3, 5, 7, 3_000_000_001, 3_000_000_000_000_001, 3_000_000_000_000_003, 2_999_999_999_999_999, 1_000_000_000_000_001];
  return counts.map((tokens, i): LogRow => ({
    ...base,
    request_id: `tie-${i}`,
    timestamp: Date.parse("2026-03-01T12:00:00Z"),
    model: "ties/bigtie",
    region: null,
    input_tokens: tokens,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    cache_write_1h_tokens: 0,
    output_tokens: 0,
    input_audio_tokens: 0,
    output_audio_tokens: 0,
    batch: false,
    service_tier: null,
    ...Object.fromEntries(UNIT_RATES.map((u) => [u.field, null])),
  }));
}
