/**
 * `costs export-rates` against `costs run` on the committed sample: the exported rates and
 * SQL, run over the priced Parquet partitions in DuckDB, ClickHouse (chdb) and PostgreSQL
 * (a private cluster on 127.0.0.1), give every row the same prices as the engine, to the
 * nano-USD. With CI=true a missing PostgreSQL fails; without, its test is skipped.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMPONENTS } from "../../src/pricing/price-call.ts";
import { formatNano, parseNano } from "../../src/pricing/money.ts";
import { readParquet } from "../../src/parquet/read-parquet.ts";
import { runCli } from "../run-cli.ts";
import {
  engineGate,
  findPostgres,
  priceOnClickhouse,
  priceOnDuckdb,
  priceOnPostgres,
  pricedFiles,
  startPostgres,
  type Postgres,
  type SqlRow,
} from "../sql-engines.ts";
import { writeTempTree } from "../temp-dir.ts";

const ROOT = path.resolve(import.meta.dirname, "../..", "..");
const costs = (...argv: string[]) => runCli(ROOT, ...argv);
const MONEY = [...COMPONENTS.map((c) => `${c}_cost_usd`), "cost_usd", "list_cost_usd"];
const TEXT = [
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
];

let tmp: string;
let data: string;
let exported: string;
let exportRun: Awaited<ReturnType<typeof costs>>;
const PG_BIN = findPostgres();
const postgresGate = engineGate(
  "PostgreSQL",
  PG_BIN === null ? "no PostgreSQL server binaries (apt-get install postgresql, or set PG_BIN; .ci/run installs it)" : null,
  "export-rates.test.ts",
);
let pg: Postgres | null = null;

beforeAll(async () => {
  tmp = await writeTempTree({});
  data = path.join(tmp, "data");
  exported = path.join(tmp, "rates");
  const run = await costs("run", "--logs", "data/sample", "--out", data, "--no-progress");
  expect(run.code, run.err).toBe(0);
  exportRun = await costs("export-rates", "--out", exported);
  if (PG_BIN !== null) pg = await startPostgres(PG_BIN);
}, 120_000);
afterAll(async () => {
  await pg?.stop();
});

/** The engine's priced rows, read with the project's own Parquet reader: money as 9-decimal text. */
async function enginePriced(): Promise<Map<string, Record<string, string | null>>> {
  const rows = new Map<string, Record<string, string | null>>();
  for (const day of (await readdir(path.join(data, "priced"))).sort()) {
    for (const file of (await readdir(path.join(data, "priced", day))).filter((f) => f.endsWith(".parquet"))) {
      const { columns } = await readParquet(path.join(data, "priced", day, file), ["request_id", "unpriced_reason", ...TEXT, ...MONEY]);
      columns.request_id!.forEach((id, i) => {
        const row: Record<string, string | null> = { unpriced_reason: columns.unpriced_reason![i] as string | null };
        for (const name of TEXT) row[name] = (columns[name]![i] as string | null) ?? null;
        for (const name of MONEY) row[name] = columns[name]![i] === null ? null : formatNano(columns[name]![i] as bigint);
        rows.set(id as string, row);
      });
    }
  }
  return rows;
}

/** price_logs.sql of `dir` on `engine` over the priced output (every date=*\/part-*.parquet). */
async function sqlPriced(engine: "duckdb" | "clickhouse" | "postgres", dir: string): Promise<SqlRow[]> {
  const glob = `${path.join(data, "priced")}/date=*/*.parquet`;
  if (engine === "duckdb") return priceOnDuckdb(dir, glob);
  if (engine === "clickhouse") return priceOnClickhouse(dir, glob);
  if (pg === null) throw new Error(`PostgreSQL: ${postgresGate.missing}`);
  return priceOnPostgres(pg, dir, await pricedFiles(path.join(data, "priced")));
}

/** Every SQL row equals the engine's row (text columns, money to the nano-USD); returns the SQL's total cost. */
function compareRows(sql: SqlRow[], engine: Map<string, Record<string, string | null>>): string {
  expect(sql).toHaveLength(engine.size);
  expect(new Set(sql.map((r) => r.request_id)).size).toBe(engine.size);
  let total = 0n;
  for (const row of sql) {
    const want = engine.get(row.request_id!);
    expect(want, row.request_id!).toBeDefined();
    const got = Object.fromEntries([...TEXT, ...MONEY].map((name) => [name, row[name] ?? null]));
    const { unpriced_reason, ...expected } = want!;
    expect(got, row.request_id!).toEqual(expected);
    expect(row.unpriced_reason === null, row.request_id!).toBe(unpriced_reason === null);
    if (row.cost_usd !== null) total += parseNano(row.cost_usd!);
  }
  return formatNano(total);
}

describe("costs export-rates on the repository's pricing", () => {
  it("writes rates.parquet, price_logs.sql and README.md and says so on stdout", async () => {
    expect(exportRun.err).toBe("");
    expect(exportRun.code).toBe(0);
    expect(exportRun.out).toMatch(
      /^costs export-rates: \d+ rows in rates\.parquet \(8 accounts, 23 models, \d+ price entries, \d+ rates\) from pricing \(sha256:[0-9a-f]{16}\)/,
    );
    for (const file of ["rates.parquet", "rates.csv", "price_logs.sql", "README.md"]) expect(exportRun.out).toContain(`/rates/${file}`);
    expect((await readdir(exported)).sort()).toEqual(["README.md", "price_logs.sql", "rates.csv", "rates.parquet"]);
  });

  it("price_logs.sql over the priced sample gives every row the engine's prices, to the nano-USD", async () => {
    const engine = await enginePriced();
    const sql = await sqlPriced("duckdb", exported);
    const manifest = JSON.parse(await readFile(path.join(data, "manifest.json"), "utf8"));
    expect(engine.size).toBe(manifest.counts.priced + manifest.counts.unpriced);
    expect(compareRows(sql, engine)).toBe(manifest.dataset.cost_usd);
    // the sample's edge cases are all in the comparison
    const count = (f: (r: Record<string, string | null>) => boolean) => sql.filter(f).length;
    expect(count((r) => r.price_source === "unpriced")).toBe(manifest.counts.unpriced);
    expect(count((r) => r.price_source === "private")).toBeGreaterThan(100);
    expect(count((r) => r.tier === "from 200000")).toBeGreaterThan(20);
    expect(count((r) => r.list_cost_usd !== r.cost_usd && r.cost_usd !== null)).toBeGreaterThan(100);
  }, 60_000);

  for (const dialect of ["clickhouse", "postgres"] as const)
    it.skipIf(dialect === "postgres" && postgresGate.skip)(
      `--dialect ${dialect}: its price_logs.sql on that engine gives every row the engine's prices`,
      async () => {
        const dir = path.join(tmp, `rates-${dialect}`);
        const result = await costs("export-rates", "--out", dir, "--dialect", dialect);
        expect(result.code, result.err).toBe(0);
        expect(result.out).toContain(`SQL for ${dialect === "clickhouse" ? "ClickHouse" : "PostgreSQL"}`);
        expect(await readFile(path.join(dir, "README.md"), "utf8")).toContain(`costs export-rates --dialect ${dialect}`);
        // the rate table does not depend on the dialect
        expect(await readFile(path.join(dir, "rates.parquet"))).toEqual(await readFile(path.join(exported, "rates.parquet")));
        const manifest = JSON.parse(await readFile(path.join(data, "manifest.json"), "utf8"));
        expect(compareRows(await sqlPriced(dialect, dir), await enginePriced())).toBe(manifest.dataset.cost_usd);
      },
      120_000,
    );

  it("exports the same bytes twice", async () => {
    const again = path.join(tmp, "again");
    expect((await costs("export-rates", "--out", again)).code).toBe(0);
    for (const file of ["rates.parquet", "rates.csv", "price_logs.sql", "README.md"]) {
      expect(await readFile(path.join(again, file)), file).toEqual(await readFile(path.join(exported, file)));
    }
  });

  it("has --help, and stops on a pricing folder with errors before writing anything", async () => {
    const help = await costs("export-rates", "--help");
    expect(help.code).toBe(0);
    expect(help.out).toContain("--out <dir>");
    expect(help.out).toContain("--pricing-dir <dir>");
    expect(help.out.replace(/\s+/g, " ")).toContain(
      '(choices: "duckdb", "postgres", "clickhouse", "spark", "trino", "bigquery", default: "duckdb")',
    );
    const bad = await costs("export-rates", "--out", path.join(tmp, "nope"), "--dialect", "mysql");
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--dialect <engine>' argument 'mysql' is invalid");
    expect((await costs("export-rates")).code).toBe(2);

    const broken = await writeTempTree({
      "pricing/catalog/providers/acme/m.yaml": "model: m\ncosts:\n  input_cost_per_token: 1e-25\n",
      "pricing/accounts/acme.yaml": "name: acme\nprovider: acme\nmodels:\n  - {name: m, cost: public}\n",
    });
    const result = await runCli(broken, "export-rates", "--out", "out");
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      "error: pricing/catalog/providers/acme/m.yaml:3 costs.input_cost_per_token: 1e-25 has more than 24 decimal places, which no rate table holds exactly\n",
    );
    await expect(readdir(path.join(broken, "out"))).rejects.toThrow();
  });
});
