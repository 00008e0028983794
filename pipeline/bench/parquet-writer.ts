/**
 * `node --import tsx pipeline/bench/parquet-writer.ts [--rows N] [--group N] [--compare-rows N] [--runs N] [--dir D]`:
 * throughput of ParquetFileWriter on a table shaped like the priced rows (PRICED_COLUMNS:
 * dictionary-coded strings, two long text columns, token counts, nano-USD money with nulls),
 * for both codecs, then against `writeParquet` (hyparquet-writer) on the first
 * --compare-rows rows, checking with DuckDB that the two files hold the same rows.
 * Generating the data is not timed; each timing is the best of --runs runs (wall time, and
 * the CPU time of that run: on a shared machine the CPU figure is the steadier one), and the
 * first (cold) run is shown too. --dir keeps the files there (e.g. /dev/shm: no disk).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { ParquetFileWriter, type ColumnData } from "../src/parquet/file-writer.ts";
import { PRICED_COLUMNS } from "../src/dataset/priced-columns.ts";
import { writeParquet, type Column } from "../src/parquet/write-parquet.ts";

const { values: args } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    group: { type: "string", default: "131072" },
    "compare-rows": { type: "string", default: "200000" },
    runs: { type: "string", default: "3" },
    dir: { type: "string" },
  },
});
const rows = Number(args.rows);
const groupRows = Number(args.group);
const compareRows = Math.min(rows, Number(args["compare-rows"]));
const runs = Number(args.runs);
const dir = args.dir ?? mkdtempSync(path.join(tmpdir(), "parquet-bench-"));
mkdirSync(dir, { recursive: true });
const log = (line: string) => process.stderr.write(`${line}\n`);

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(42);
const hex = (digits: number) => Array.from({ length: digits }, () => "0123456789abcdef"[Math.floor(random() * 16)]).join("");

/** Distinct values and null share of the dictionary columns (the rest default to 20 values, no nulls). */
const DICT_SHAPES: Record<string, [distinct: number, nullShare: number]> = {
  date: [2, 0],
  model: [40, 0],
  provider_account: [12, 0],
  provider: [6, 0],
  provider_model: [40, 0],
  region: [8, 0.1],
  subject_type: [3, 0],
  subject: [900, 0],
  user: [800, 0.05],
  virtual_account: [50, 0.3],
  pat_name: [100, 0.6],
  teams: [60, 0.1],
  team: [30, 0.1],
  input_images: [20, 0.95],
  output_images: [10, 0.98],
  input_characters: [50, 0.97],
  input_seconds: [30, 0.98],
  output_seconds: [30, 0.98],
  queries: [10, 0.97],
  pages: [20, 0.98],
  service_tier: [3, 0.5],
  virtual_model: [10, 0.9],
  metadata_overrides: [20, 0.95],
  price_source: [3, 0],
  price_ref: [200, 0.01],
  pricing_mode: [3, 0],
  tier: [4, 0.7],
  unpriced_reason: [5, 0.99],
  policy_status: [3, 0],
  policy_violations: [20, 0.9],
  pricing_version: [1, 0],
  source_file: [24, 0],
};
/** Share of null cells of the money columns (components a call does not use are null). */
const MONEY_NULLS: Record<string, number> = {
  reported_cost_usd: 0.5,
  cost_usd: 0.01,
  list_cost_usd: 0.01,
  input_cost_usd: 0.01,
  output_cost_usd: 0.01,
};

/** The strings as `costs run` has them, parsed from JSON: flat, not the ropes concatenation builds (slower to read once). */
function viaJson<T>(values: T[]): T[] {
  return JSON.parse(JSON.stringify(values)) as T[];
}

function generate(n: number): ColumnData[] {
  return PRICED_COLUMNS.map(([name, kind]): ColumnData => {
    if (name === "request_id") return { type: "text", values: viaJson(Array.from({ length: n }, () => `chatcmpl-${hex(40)}`)) };
    if (name === "metadata") {
      const metadata = (i: number) =>
        JSON.stringify({
          project: `proj-${i % 37}`,
          env: "prod",
          trace_id: hex(32),
          session: hex(16),
          feature: `search-${i % 7}`,
          owner: i % 100 === 0 ? "José" : "Jose",
        });
      return { type: "text", values: viaJson(Array.from({ length: n }, (_, i) => (random() < 0.1 ? null : metadata(i)))) };
    }
    if (kind === "string" || kind === "json") {
      const [distinct, nullShare] = DICT_SHAPES[name] ?? [20, 0];
      const dictionary = Array.from({ length: distinct }, (_, i) => `${name}-${i}-${hex(6)}`);
      const codes = new Int32Array(n);
      for (let i = 0; i < n; i++) codes[i] = random() < nullShare ? -1 : Math.floor(distinct * random() ** 2);
      return { type: "dict", codes, dictionary };
    }
    if (kind === "timestamp") {
      const values = new Float64Array(n);
      for (let i = 0, t = Date.UTC(2026, 5, 16); i < n; i++) values[i] = t += Math.floor(random() * 170);
      return { type: "number", values };
    }
    if (kind === "int64" || kind === "int32") {
      const values = new Float64Array(n);
      const zeroShare = name.includes("audio")
        ? 0.98
        : name.startsWith("cache_write")
          ? 0.9
          : name.startsWith("reasoning")
            ? 0.7
            : name.startsWith("cache_read")
              ? 0.5
              : 0;
      for (let i = 0; i < n; i++) {
        if (name === "source_line") values[i] = i + 1;
        else if (name === "status_code") values[i] = random() < 0.98 ? 200 : 429;
        else values[i] = random() < zeroShare ? 0 : Math.floor(Math.exp(4 + 4 * random()));
      }
      return { type: "number", values };
    }
    if (kind === "boolean") return { type: "bool", values: Uint8Array.from({ length: n }, () => (random() < 0.05 ? 1 : 0)) };
    const nullShare = MONEY_NULLS[name] ?? 0.9;
    const values = new BigInt64Array(n);
    const nulls = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (random() < nullShare) nulls[i] = 1;
      else values[i] = BigInt(Math.floor(Math.exp(8 + 8 * random()))) * 10n;
    }
    return { type: "bigint", values, nulls };
  });
}

function slice(data: ColumnData, start: number, end: number): ColumnData {
  switch (data.type) {
    case "dict":
      return { ...data, codes: data.codes.subarray(start, end) };
    case "text":
      return { ...data, values: data.values.slice(start, end) };
    case "bytes":
      return { ...data, offsets: data.offsets.subarray(start, end + 1), nulls: data.nulls?.subarray(start, end) };
    default:
      return { ...data, values: data.values.subarray(start, end) as never, nulls: data.nulls?.subarray(start, end) } as ColumnData;
  }
}

/** The same cells as JS values, for writeParquet. */
function toColumns(data: ColumnData[], n: number): Column[] {
  return PRICED_COLUMNS.map(([name, kind], c) => {
    const d = data[c]!;
    const cells: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) {
      if (d.type === "dict") cells[i] = d.codes[i] === -1 ? null : d.dictionary[d.codes[i]!];
      else if (d.type === "text") cells[i] = d.values[i];
      else if (d.type === "bytes")
        cells[i] = d.nulls?.[i] ? null : Buffer.from(d.data.subarray(d.offsets[i]! + 4, d.offsets[i + 1]!)).toString("utf8");
      else if (d.nulls?.[i]) cells[i] = null;
      else cells[i] = d.type === "bool" ? d.values[i] === 1 : d.values[i];
    }
    return { name, kind, data: cells };
  });
}

function writeFast(file: string, groups: ColumnData[][], counts: number[], compression: "none" | "snappy"): number {
  const writer = new ParquetFileWriter(file, PRICED_COLUMNS, { compression, metadata: { source: "bench" } });
  groups.forEach((group, g) => writer.writeRowGroup(counts[g]!, group));
  return writer.close();
}

/**
 * The fastest of --runs runs: wall time and the process's CPU time (user + system) of that
 * run, and the wall time of the first. `before` (untimed) removes the previous run's file,
 * whose truncation would be timed.
 */
function best<T>(before: () => void, work: () => T): { ms: number; cpuMs: number; firstMs: number; result: T } {
  let ms = Infinity;
  let cpuMs = Infinity;
  let firstMs = 0;
  let result!: T;
  for (let r = 0; r < runs; r++) {
    before();
    const cpu = process.cpuUsage();
    const start = performance.now();
    result = work();
    const wall = performance.now() - start;
    const used = process.cpuUsage(cpu);
    if (r === 0) firstMs = wall;
    if (wall < ms) {
      ms = wall;
      cpuMs = (used.user + used.system) / 1000;
    }
  }
  return { ms, cpuMs, firstMs, result };
}

function line(label: string, n: number, ms: number, bytes: number, cpuMs?: number): string {
  const rate = (perMs: number) =>
    Math.round((n / perMs) * 1000)
      .toLocaleString("en")
      .padStart(10);
  const cpu = cpuMs === undefined ? "" : `   cpu ${cpuMs.toFixed(0).padStart(5)} ms = ${rate(cpuMs)} rows/s`;
  return `${label.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms  ${rate(ms)} rows/s  ${(((bytes / ms) * 1000) / 1e6).toFixed(0).padStart(5)} MB/s  ${(bytes / 1e6).toFixed(1).padStart(7)} MB${cpu}`;
}

log(`generating ${rows.toLocaleString("en")} rows × ${PRICED_COLUMNS.length} columns …`);
const data = generate(rows);
const groups: ColumnData[][] = [];
const counts: number[] = [];
for (let start = 0; start < rows; start += groupRows) {
  const end = Math.min(rows, start + groupRows);
  groups.push(data.map((d) => slice(d, start, end)));
  counts.push(end - start);
}
console.log(
  `ParquetFileWriter, ${rows.toLocaleString("en")} rows in row groups of ${groupRows.toLocaleString("en")} (best of ${runs}, node ${process.version})`,
);
for (const codec of ["none", "snappy"] as const) {
  const file = path.join(dir, `fast-${codec}.parquet`);
  const {
    ms,
    cpuMs,
    firstMs,
    result: bytes,
  } = best(
    () => rmSync(file, { force: true }),
    () => writeFast(file, groups, counts, codec),
  );
  console.log(`${line(`  compression ${codec}`, rows, ms, bytes, cpuMs)}   first run ${firstMs.toFixed(0)} ms`);
}

console.log(`\nAgainst writeParquet (hyparquet-writer, snappy), ${compareRows.toLocaleString("en")} rows`);
const few = data.map((d) => slice(d, 0, compareRows));
const columns = toColumns(few, compareRows);
const slow = path.join(dir, "hyparquet-writer.parquet");
const cpu = process.cpuUsage();
const start = performance.now();
const slowBytes = await writeParquet(slow, columns, { source: "bench" });
const slowMs = performance.now() - start;
const slowCpu = process.cpuUsage(cpu);
console.log(line("  writeParquet", compareRows, slowMs, slowBytes, (slowCpu.user + slowCpu.system) / 1000));
for (const codec of ["none", "snappy"] as const) {
  const file = path.join(dir, `fast-${codec}-${compareRows}.parquet`);
  const {
    ms,
    cpuMs,
    result: bytes,
  } = best(
    () => rmSync(file, { force: true }),
    () => writeFast(file, [few], [compareRows], codec),
  );
  console.log(
    `${line(`  ParquetFileWriter ${codec} (one row group)`, compareRows, ms, bytes, cpuMs)}   ${(slowMs / ms).toFixed(0)}× faster`,
  );
}

const { DuckDBInstance } = await import("@duckdb/node-api");
const db = await DuckDBInstance.create(":memory:");
const connection = await db.connect();
for (const codec of ["none", "snappy"]) {
  const fast = path.join(dir, `fast-${codec}-${compareRows}.parquet`);
  const differ = async (a: string, b: string) =>
    (
      await connection.runAndReadAll(`select count(*)::int as n from (from read_parquet('${a}') except all from read_parquet('${b}'))`)
    ).getRowObjects()[0]!.n;
  console.log(`  DuckDB rows differing from writeParquet's (${codec}): ${await differ(fast, slow)} / ${await differ(slow, fast)}`);
}
connection.closeSync();
db.closeSync();
if (args.dir) log(`files kept in ${dir}`);
else rmSync(dir, { recursive: true, force: true });
