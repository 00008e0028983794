/**
 * `costs export-rates` against `costs run` on the committed sample: the exported rates and
 * SQL, run in DuckDB over the priced Parquet partitions, give every row the same prices as
 * the engine, to the nano-USD.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { beforeAll, describe, expect, it } from "vitest";
import { COMPONENTS } from "../../src/pricing/price-call.ts";
import { formatNano, parseNano } from "../../src/pricing/money.ts";
import { readParquet } from "../../src/parquet/read-parquet.ts";
import { runCli } from "../run-cli.ts";
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

beforeAll(async () => {
  tmp = await writeTempTree({});
  data = path.join(tmp, "data");
  exported = path.join(tmp, "rates");
  const run = await costs("run", "--logs", "data/sample", "--out", data, "--no-progress");
  expect(run.code, run.err).toBe(0);
  exportRun = await costs("export-rates", "--out", exported);
}, 120_000);

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

/** price_logs.sql in DuckDB: rates from rates.parquet, logs over the Hive-partitioned priced output. */
async function sqlPriced(): Promise<Array<Record<string, string | null>>> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run("SET TimeZone = 'UTC'");
    await connection.run(`CREATE VIEW rates AS SELECT * FROM read_parquet('${path.join(exported, "rates.parquet")}')`);
    await connection.run(
      `CREATE VIEW logs AS SELECT * FROM read_parquet('${path.join(data, "priced")}/date=*/*.parquet', hive_partitioning = true)`,
    );
    const query = (await readFile(path.join(exported, "price_logs.sql"), "utf8")).trimEnd().replace(/;$/, "");
    const reader = await connection.runAndReadAll(`SELECT * FROM (${query}) priced`);
    return reader.getRowObjectsJson() as Array<Record<string, string | null>>;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe("costs export-rates on the repository's pricing", () => {
  it("writes rates.parquet, price_logs.sql and README.md and says so on stdout", async () => {
    expect(exportRun.err).toBe("");
    expect(exportRun.code).toBe(0);
    expect(exportRun.out).toMatch(
      /^costs export-rates: \d+ rows in rates\.parquet \(8 accounts, 23 models, \d+ price entries, \d+ rates\) from pricing \(sha256:[0-9a-f]{16}\)/,
    );
    for (const file of ["rates.parquet", "price_logs.sql", "README.md"]) expect(exportRun.out).toContain(`/rates/${file}`);
    expect((await readdir(exported)).sort()).toEqual(["README.md", "price_logs.sql", "rates.parquet"]);
  });

  it("price_logs.sql over the priced sample gives every row the engine's prices, to the nano-USD", async () => {
    const engine = await enginePriced();
    const sql = await sqlPriced();
    const manifest = JSON.parse(await readFile(path.join(data, "manifest.json"), "utf8"));
    expect(engine.size).toBe(manifest.counts.priced + manifest.counts.unpriced);
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
    expect(formatNano(total)).toBe(manifest.dataset.cost_usd);
    // the sample's edge cases are all in the comparison
    const count = (f: (r: Record<string, string | null>) => boolean) => sql.filter(f).length;
    expect(count((r) => r.price_source === "unpriced")).toBe(manifest.counts.unpriced);
    expect(count((r) => r.price_source === "private")).toBeGreaterThan(100);
    expect(count((r) => r.tier === "from 200000")).toBeGreaterThan(20);
    expect(count((r) => r.list_cost_usd !== r.cost_usd && r.cost_usd !== null)).toBeGreaterThan(100);
  }, 60_000);

  it("exports the same bytes twice", async () => {
    const again = path.join(tmp, "again");
    expect((await costs("export-rates", "--out", again)).code).toBe(0);
    for (const file of ["rates.parquet", "price_logs.sql", "README.md"]) {
      expect(await readFile(path.join(again, file)), file).toEqual(await readFile(path.join(exported, file)));
    }
  });

  it("has --help, and stops on a pricing folder with errors before writing anything", async () => {
    const help = await costs("export-rates", "--help");
    expect(help.code).toBe(0);
    expect(help.out).toContain("--out <dir>");
    expect(help.out).toContain("--pricing-dir <dir>");
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
