/**
 * docs/export-rates.md, "Pricing a TrueFoundry gateway's ClickHouse log table in place",
 * run as written in chdb (embedded ClickHouse): a table in TrueFoundry's metrics shape
 * filled from the sample's TrueFoundry export, the documented view over it, the rate table
 * and `--dialect clickhouse`'s price_logs.sql. Every row equals `costs run` on the same CSV.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { COMPONENTS } from "../../src/pricing/price-call.ts";
import { formatNano, parseNano } from "../../src/pricing/money.ts";
import { readParquet } from "../../src/parquet/read-parquet.ts";
import { runCli } from "../run-cli.ts";
import { priceOnClickhouse, pricedFiles, type SqlRow } from "../sql-engines.ts";
import { writeTempTree } from "../temp-dir.ts";

const ROOT = path.resolve(import.meta.dirname, "../..", "..");
const CSV = path.join(ROOT, "data/sample/truefoundry-export.csv");
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

beforeAll(async () => {
  tmp = await writeTempTree({});
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
});
