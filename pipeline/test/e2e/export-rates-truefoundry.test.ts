/**
 * docs/export-rates.md, "Pricing a TrueFoundry gateway's ClickHouse log table in place",
 * run as written in chdb (embedded ClickHouse): a table in TrueFoundry's metrics shape
 * filled from the sample's TrueFoundry export, the documented view over it, the rate table
 * and `--dialect clickhouse`'s price_logs.sql. Every row equals `costs run` on the same CSV.
 */
import { readFile, writeFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { COMPONENTS } from "../../src/pricing/price-call.ts";
import { formatNano, parseNano } from "../../src/pricing/money.ts";
import { readParquet } from "../../src/parquet/read-parquet.ts";
import { runCli } from "../run-cli.ts";
import { priceOnClickhouse, pricedFiles, type SqlRow } from "../sql-engines.ts";
import { writeTempTree } from "../temp-dir.ts";

const ROOT = path.resolve(import.meta.dirname, "../..", "..");
const SAMPLE = path.join(ROOT, "data/sample/truefoundry-export.csv");
/** Gateway cache hits added to the sample (copies of its first calls under new ids): with a cost, with 0, with a sub-nano tie. */
const CACHE_HITS = ["0.000321", "0", "0.0000000025"];

/** A CSV cell, quoted when it needs it. */
const cell = (value: string) => (/[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** The sample's TrueFoundry export with a `CacheHit` column (false), then the cache hits. */
async function withCacheHits(file: string): Promise<void> {
  const [header, ...rows] = parse(await readFile(SAMPLE, "utf8")) as string[][];
  const at = (name: string) => header!.indexOf(name);
  const calls = rows.filter((r) => r[at("VirtualModelName")] === "");
  const hits = CACHE_HITS.map((cost, i) => {
    const copy = [...calls[i]!];
    copy[at("TraceId")] = `cachehit${i}`;
    copy[at("CostInUSD")] = cost;
    return [...copy, "true"];
  });
  const lines = [[...header!, "CacheHit"], ...rows.map((r) => [...r, "false"]), ...hits];
  await writeFile(file, `${lines.map((r) => r.map(cell).join(",")).join("\n")}\n`);
}
const COMPARED = [
  "date",
  "model",
  "provider_account",
  "provider",
  "provider_model",
  "region",
  "price_source",
  "price_ref",
  "pricing_mode",
  "tier",
  ...COMPONENTS.map((c) => `${c}_cost_usd`),
  "cost_usd",
  "list_cost_usd",
];

/** The sql block after `<!-- truefoundry-clickhouse: NAME -->` in docs/export-rates.md. */
function docBlock(doc: string, name: string): string {
  const match = new RegExp(`<!-- truefoundry-clickhouse: ${name} -->\\n\`\`\`sql\\n([\\s\\S]*?)\\n\`\`\``).exec(doc);
  if (!match) throw new Error(`docs/export-rates.md has no "${name}" block`);
  return match[1]!;
}

let tmp: string;
let manifest: { counts: Record<string, number>; dataset: { cost_usd: string } };
let engine: Map<string, Record<string, string | null>>;
let sql: SqlRow[];

let CSV: string;

beforeAll(async () => {
  tmp = await writeTempTree({});
  CSV = path.join(tmp, "truefoundry-export.csv");
  await withCacheHits(CSV);
  const run = await runCli(ROOT, "run", "--logs", CSV, "--out", path.join(tmp, "data"), "--no-progress");
  expect(run.code, run.err).toBe(0);
  const exported = await runCli(ROOT, "export-rates", "--out", path.join(tmp, "rates-export"), "--dialect", "clickhouse");
  expect(exported.code, exported.err).toBe(0);
  manifest = JSON.parse(await readFile(path.join(tmp, "data/manifest.json"), "utf8"));

  engine = new Map();
  for (const file of await pricedFiles(path.join(tmp, "data/priced"))) {
    const { columns } = await readParquet(file, ["request_id", ...COMPARED]);
    columns.request_id!.forEach((id, i) => {
      const row: Record<string, string | null> = {};
      for (const name of COMPARED) {
        const value = columns[name]![i];
        row[name] = value === null || value === undefined ? null : typeof value === "bigint" ? formatNano(value) : String(value);
      }
      engine.set(id as string, row);
    });
  }

  const doc = await readFile(path.join(ROOT, "docs/export-rates.md"), "utf8");
  const table = docBlock(doc, "table");
  const structure = /\(\n([\s\S]*)\n\) ENGINE/.exec(table)![1]!.replace(/\n\s*/g, " ");
  const rates = docBlock(doc, "rates").replace("rates-export/rates.parquet", path.join(tmp, "rates-export/rates.parquet"));
  sql = await priceOnClickhouse(path.join(tmp, "rates-export"), null, undefined, [
    table,
    `INSERT INTO tfy_model_metrics SELECT * FROM file('${CSV}', CSVWithNames, '${structure.replaceAll("'", "\\'")}')
     SETTINGS date_time_input_format = 'best_effort'`,
    docBlock(doc, "view"),
    "DROP VIEW rates",
    rates,
  ]);
}, 120_000);

describe("a TrueFoundry-shaped ClickHouse table priced in place (docs/export-rates.md)", () => {
  it("leaves out the virtual-model parents and the duplicates, as costs run does", () => {
    expect(manifest.counts.virtual_parents).toBeGreaterThan(0);
    expect(manifest.counts.duplicates).toBeGreaterThan(0);
    expect(manifest.counts.rejected).toBe(0);
    expect(sql).toHaveLength(manifest.counts.priced! + manifest.counts.unpriced!);
    expect(new Set(sql.map((r) => r.request_id)).size).toBe(sql.length);
  });

  it("gives every row the prices of costs run, to the nano-USD", () => {
    let total = 0n;
    for (const row of sql) {
      const want = engine.get(row.request_id!);
      expect(want, row.request_id!).toBeDefined();
      expect(Object.fromEntries(COMPARED.map((name) => [name, row[name] ?? null])), row.request_id!).toEqual(want);
      if (row.cost_usd !== null) total += parseNano(row.cost_usd!);
    }
    expect(formatNano(total)).toBe(manifest.dataset.cost_usd);
    expect(sql.filter((r) => r.price_source === "unpriced")).toHaveLength(manifest.counts.unpriced!);
  });

  it("prices the gateway's cache hits at its CostInUSD, rounded half to even (CacheHit in the view)", () => {
    const hits = sql.filter((r) => r.price_source === "gateway_cache").sort((a, b) => (a.request_id! < b.request_id! ? -1 : 1));
    expect(hits.map((r) => [r.request_id!.split(":")[0], r.cost_usd, r.list_cost_usd, r.price_ref, r.input_cost_usd])).toEqual([
      ["cachehit0", "0.000321000", "0.000321000", null, null],
      ["cachehit1", "0.000000000", "0.000000000", null, null],
      ["cachehit2", "0.000000002", "0.000000002", null, null],
    ]);
  });
});
