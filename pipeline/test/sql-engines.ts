/**
 * Real SQL engines for the price_logs.sql equality tests: DuckDB (@duckdb/node-api),
 * ClickHouse (chdb, embedded) and PostgreSQL (a private cluster of Debian's server binaries,
 * started on 127.0.0.1 for the test file and stopped after it). Each loads the export's rate
 * table and a logs Parquet file the way docs/export-rates.md says, runs the dialect's query
 * and returns its rows as text, money as 9-decimal text.
 */
import { spawn, spawnSync } from "node:child_process";
import { chmod, chown, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { existsSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import type { DialectName } from "../src/export-rates/dialect-names.ts";
import { ratesDdl, SQL_DIALECTS } from "../src/export-rates/sql-dialect.ts";
import { readParquet } from "../src/parquet/read-parquet.ts";
import { formatNano, parseNano } from "../src/pricing/money.ts";

export type SqlRow = Record<string, string | null>;

/** The query of a price_logs.sql text, without its `;`. */
export function queryOf(sql: string): string {
  return sql.trimEnd().replace(/;$/, "");
}

/** price_logs.sql (DuckDB dialect) in DuckDB over rates.parquet and `logs` (a Parquet path or glob). */
export async function priceOnDuckdb(exportDir: string, logs: string, sql?: string): Promise<SqlRow[]> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run("SET TimeZone = 'UTC'");
    await connection.run(`CREATE VIEW rates AS SELECT * FROM read_parquet('${path.join(exportDir, "rates.parquet")}')`);
    await connection.run(`CREATE VIEW logs AS SELECT * FROM read_parquet('${logs}', hive_partitioning = false)`);
    const query = queryOf(sql ?? (await readFile(path.join(exportDir, "price_logs.sql"), "utf8")));
    const reader = await connection.runAndReadAll(`SELECT * FROM (${query}) priced ORDER BY request_id`);
    return reader.getRowObjectsJson() as SqlRow[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * The query in ClickHouse (chdb): rates and logs are views over the Parquet files
 * (`file(..., Parquet)`), as docs/export-rates.md shows. `sql` defaults to the export's
 * price_logs.sql; `setup` runs first (a view over a TrueFoundry-shaped table, say).
 */
export async function priceOnClickhouse(exportDir: string, logs: string | null, sql?: string, setup: string[] = []): Promise<SqlRow[]> {
  const { Session } = await import("chdb");
  const dir = await mkdtemp(path.join(tmpdir(), "costs-chdb-"));
  const session = new Session(dir);
  try {
    session.query("SET output_format_json_quote_decimals = 1"); // decimals as exact text
    session.query(`CREATE VIEW rates AS SELECT * FROM file('${path.join(exportDir, "rates.parquet")}', Parquet)`);
    if (logs !== null) session.query(`CREATE VIEW logs AS SELECT * FROM file('${logs}', Parquet)`);
    for (const statement of setup) session.query(statement);
    const query = queryOf(sql ?? (await readFile(path.join(exportDir, "price_logs.sql"), "utf8")));
    const text = session.query(query, "JSONEachRow");
    const rows = text
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => normalize(JSON.parse(line) as Record<string, unknown>));
    return rows.sort((a, b) => (a.request_id! < b.request_id! ? -1 : a.request_id! > b.request_id! ? 1 : 0));
  } finally {
    session.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Money columns (names ending in `_usd`) as 9-decimal text, whatever trailing zeros the engine prints. */
function normalize(row: Record<string, unknown>): SqlRow {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => {
      if (value === null || value === undefined) return [key, null];
      const text = String(value);
      return [key, key.endsWith("_usd") ? formatNano(parseNano(text)) : text];
    }),
  );
}

/** The PostgreSQL server binaries: $PG_BIN, else the newest /usr/lib/postgresql/<n>/bin (Debian). */
export function findPostgres(): string | null {
  const candidates = [process.env.PG_BIN ?? ""];
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root).filter((v) => /^\d+$/.test(v));
    candidates.push(...versions.sort((a, b) => Number(b) - Number(a)).map((v) => path.join(root, v, "bin")));
  }
  return candidates.find((dir) => dir !== "" && existsSync(path.join(dir, "initdb")) && existsSync(path.join(dir, "psql"))) ?? null;
}

export interface Postgres {
  port: number;
  /** Runs psql with `args` against the test database; throws with psql's stderr on failure. */
  psql: (args: string[], input?: string) => Promise<string>;
  stop: () => Promise<void>;
}

/**
 * A private PostgreSQL cluster in a temp folder, listening on 127.0.0.1 on a free port
 * (no Unix socket outside the folder). initdb and the server refuse to run as root: as root
 * (CI), the folder is given to the `postgres` user (Debian's package creates it) and the
 * binaries run through `runuser`.
 */
export async function startPostgres(bin: string): Promise<Postgres> {
  const dir = await mkdtemp(path.join(tmpdir(), "costs-pg-"));
  const data = path.join(dir, "data");
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    await chmod(dir, 0o755);
    const ids = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
    const gids = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
    if (ids.status !== 0) throw new Error("running as root, and there is no `postgres` user to run PostgreSQL as");
    await chown(dir, Number(ids.stdout), Number(gids.stdout));
  }
  const run = (command: string, args: string[]) =>
    asRoot
      ? spawnSync("runuser", ["-u", "postgres", "--", path.join(bin, command), ...args], { encoding: "utf8" })
      : spawnSync(path.join(bin, command), args, { encoding: "utf8" });
  const check = (result: ReturnType<typeof spawnSync>, what: string) => {
    if (result.status !== 0) throw new Error(`${what} failed (${result.status}): ${String(result.stderr)}${String(result.stdout)}`);
  };
  check(run("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"]), "initdb");
  const port = await freePort();
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c timezone=UTC`;
  check(run("pg_ctl", ["-D", data, "-o", options, "-l", path.join(dir, "server.log"), "-w", "-t", "60", "start"]), "pg_ctl start");
  const stop = async () => {
    run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
    await rm(dir, { recursive: true, force: true });
  };
  const psql = (args: string[], input?: string) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(
        path.join(bin, "psql"),
        ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", "postgres", "-X", "-q", "-v", "ON_ERROR_STOP=1", ...args],
        { env: { ...process.env, PGTZ: "UTC" }, stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] },
      );
      let out = "";
      let err = "";
      child.stdout!.on("data", (chunk) => (out += chunk));
      child.stderr!.on("data", (chunk) => (err += chunk));
      child.on("error", reject);
      child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`psql ${args.join(" ")}: ${err}`))));
      if (input !== undefined) child.stdin!.end(input);
    });
  return { port, psql, stop };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The canonical log columns price_logs.sql reads, with their PostgreSQL types. */
const LOG_COLUMNS: Array<[string, string]> = [
  ["request_id", "TEXT"],
  ["timestamp", "TIMESTAMP"],
  ["model", "TEXT"],
  ["region", "TEXT"],
  ...[
    "input_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
    "output_tokens",
    "input_audio_tokens",
    "output_audio_tokens",
  ].map((c): [string, string] => [c, "BIGINT"]),
  ...["input_images", "output_images", "input_characters", "input_seconds", "output_seconds", "queries", "pages"].map(
    (c): [string, string] => [c, "TEXT"],
  ),
  ["batch", "BOOLEAN"],
  ["service_tier", "TEXT"],
  ["gateway_cache_hit", "BOOLEAN"],
  ["reported_cost_usd", "NUMERIC(38,18)"],
];

/**
 * The query in PostgreSQL: rates from rates.csv through psql's `\copy` (the README's way),
 * logs from the Parquet files (read with the project's reader) through `\copy` of a CSV
 * made here. Each call uses a fresh database. Rows come back through `\copy (...) TO STDOUT`
 * as CSV.
 */
export async function priceOnPostgres(pg: Postgres, exportDir: string, logFiles: string[], sql?: string): Promise<SqlRow[]> {
  const db = `t${Date.now()}${Math.floor(Math.random() * 1e6)}`;
  await pg.psql(["-c", `CREATE DATABASE ${db}`]);
  const inDb = (args: string[], input?: string) => pg.psql(["-d", db, ...args], input);
  await inDb(["-c", ratesDdl("postgres")]);
  await inDb(["-c", `\\copy rates FROM '${path.join(exportDir, "rates.csv")}' WITH (FORMAT csv, HEADER true)`]);
  await inDb(["-c", `CREATE TABLE logs (${LOG_COLUMNS.map(([name, type]) => `"${name}" ${type}`).join(", ")})`]);
  const lines: string[] = [];
  for (const file of logFiles) {
    const { columns } = await readParquet(
      file,
      LOG_COLUMNS.map(([name]) => name),
    );
    const n = columns.request_id!.length;
    for (let i = 0; i < n; i++) {
      lines.push(
        LOG_COLUMNS.map(([name, type]) => {
          const value = columns[name]![i];
          if (value === null || value === undefined) return "";
          if (type === "TIMESTAMP") return new Date(Number(value)).toISOString().replace("T", " ").replace("Z", "");
          if (type === "TEXT") return `"${String(value).replaceAll('"', '""')}"`;
          // a DECIMAL(18,9) column (the priced Parquet's) reads as its nano-USD integer; decimal text as it is
          if (type.startsWith("NUMERIC")) return typeof value === "bigint" ? formatNano(value) : String(value);
          return String(value);
        }).join(","),
      );
    }
  }
  await inDb(["-c", "\\copy logs FROM STDIN WITH (FORMAT csv)"], `${lines.join("\n")}\n`);
  const query = queryOf(sql ?? (await readFile(path.join(exportDir, "price_logs.sql"), "utf8")))
    .split("\n")
    .filter((line) => !line.startsWith("--"))
    .join("\n");
  const out = await inDb([
    "-c",
    "SET TIME ZONE 'UTC'",
    "-c",
    `COPY (SELECT * FROM (${query}) priced ORDER BY request_id) TO STDOUT WITH (FORMAT csv, HEADER true, FORCE_QUOTE *)`,
  ]);
  await pg.psql(["-c", `DROP DATABASE ${db}`]);
  return parseCsvRows(out).map(normalize);
}

/** CSV with a header, every value quoted (FORCE_QUOTE *): an unquoted empty field is NULL. */
function parseCsvRows(text: string): Array<Record<string, unknown>> {
  const records: Array<Array<string | null>> = [];
  let record: Array<string | null> = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        const end = text.indexOf('"', i);
        value += text.slice(i, end);
        i = end + 1;
        if (text[i] === '"') {
          value += '"';
          i++;
        } else break;
      }
      record.push(value);
    } else {
      const end = text.slice(i).search(/[,\n]/);
      const raw = end === -1 ? text.slice(i) : text.slice(i, i + end);
      record.push(raw === "" ? null : raw);
      i += raw.length;
    }
    if (text[i] === ",") i++;
    else if (text[i] === "\n" || i >= text.length) {
      records.push(record);
      record = [];
      i++;
    }
  }
  const [header, ...rows] = records;
  return rows.map((row) => Object.fromEntries(header!.map((name, j) => [name!, row[j] ?? null])));
}

/** The logs Parquet files of a priced output folder (data/priced/date=*\/*.parquet), sorted. */
export async function pricedFiles(priced: string): Promise<string[]> {
  const files: string[] = [];
  for (const day of (await readdir(priced)).sort())
    for (const file of (await readdir(path.join(priced, day))).sort())
      if (file.endsWith(".parquet")) files.push(path.join(priced, day, file));
  return files;
}

/**
 * Whether a test file may run an engine: with CI=true a missing engine fails the test;
 * otherwise it is skipped with the reason printed once.
 */
export function engineGate(name: string, missing: string | null, file: string): { skip: boolean; missing: string | null } {
  if (missing === null) return { skip: false, missing: null };
  if (process.env.CI === "true") return { skip: false, missing };
  console.log(`${file}: ${name} tests skipped: ${missing}`);
  return { skip: true, missing };
}

export { SQL_DIALECTS, type DialectName };
