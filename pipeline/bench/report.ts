/**
 * The benchmark's result: one JSON-ready object (`compareJobs`, saved by `--json`) and the
 * table people read (`renderReport`, rendered from that object only).
 */
import { cpus } from "node:os";
import { formatTable } from "../src/lib/format-table.ts";
import { parseNano } from "../src/pricing/money.ts";
import type { GeneratedRows } from "./generate-rows.ts";
import { PEAK_RSS_METHOD } from "./measure-child.ts";
import type { CostsCounts, CostsResult, StageTiming } from "./run-costs.ts";
import type { Difference, DuckdbResult, RatesExport } from "./run-duckdb.ts";

export interface JobFigures {
  wall_ms: number;
  rows_per_s: number;
  peak_rss_bytes: number | null;
  /** User + system CPU time, all threads. */
  cpu_ms: number | null;
  threads: number | null;
  rows_written: number;
  cost_usd: string;
  command: string;
}

export interface BenchResult {
  input: {
    rows: number;
    days: number;
    seed: number;
    file: string;
    bytes: number;
    blocks: number;
    cached: boolean;
    generation_ms: number;
    trace_source: string;
  };
  /** load_average: the 1-minute load average before the jobs ran (other processes compete for the CPUs). */
  machine: { cpus: number; cpu_model: string; node: string; duckdb: string; platform: string; load_average: number };
  peak_rss_method: string;
  /** self: what costs run reports about itself in --timings (in-process wall time and peak RSS). */
  costs: JobFigures & {
    counts: CostsCounts;
    stages: StageTiming[] | null;
    self: { wall_ms: number; peak_rss_bytes: number } | null;
    timings_note?: string;
  };
  duckdb:
    (JobFigures & { priced_rows: number; load_ms: number; copy_ms: number; setup: { export_rates_ms: number; command: string } }) | null;
  comparison: { wall_ratio: number; totals_equal: boolean; rows_equal: boolean } | null;
  differences?: { count: number; rows: Difference[] };
}

export interface CompareInput {
  input: GeneratedRows & { seed: number };
  costs: CostsResult;
  duckdb: { result: DuckdbResult; rates: RatesExport } | null;
  /** Version of the @duckdb/node-api package. */
  duckdbPackage: string;
  /** os.loadavg()[0] before the jobs started. */
  loadAverage: number;
}

/** Puts both jobs' figures side by side and decides whether their totals and row counts agree. */
export function compareJobs({ input, costs, duckdb, duckdbPackage, loadAverage }: CompareInput): BenchResult {
  const rate = (ms: number) => Math.round(input.rows / (ms / 1000));
  const result: BenchResult = {
    input: {
      rows: input.rows,
      days: input.days,
      seed: input.seed,
      file: input.file,
      bytes: input.bytes,
      blocks: input.blocks,
      cached: input.cached,
      generation_ms: Math.round(input.ms),
      trace_source: input.traceSource,
    },
    machine: {
      cpus: cpus().length,
      cpu_model: cpus()[0]?.model.trim() ?? "unknown",
      node: process.version,
      duckdb: duckdb ? `${duckdb.result.duckdbVersion} (@duckdb/node-api ${duckdbPackage})` : `@duckdb/node-api ${duckdbPackage}`,
      platform: `${process.platform} ${process.arch}`,
      load_average: Number(loadAverage.toFixed(2)),
    },
    peak_rss_method: PEAK_RSS_METHOD,
    costs: {
      wall_ms: Math.round(costs.wallMs),
      rows_per_s: rate(costs.wallMs),
      peak_rss_bytes: costs.peakRssBytes,
      cpu_ms: costs.cpuMs === null ? null : Math.round(costs.cpuMs),
      threads: costs.timings?.threads ?? null,
      rows_written: costs.rowsWritten,
      cost_usd: costs.costUsd,
      command: costs.command,
      counts: costs.counts,
      stages: costs.timings?.stages ?? null,
      self: costs.timings ? { wall_ms: costs.timings.wall_ms, peak_rss_bytes: costs.timings.peak_rss_bytes } : null,
      ...(costs.timingsNote ? { timings_note: costs.timingsNote } : {}),
    },
    duckdb: null,
    comparison: null,
  };
  if (duckdb) {
    const d = duckdb.result;
    result.duckdb = {
      wall_ms: Math.round(d.wallMs),
      rows_per_s: rate(d.wallMs),
      peak_rss_bytes: d.peakRssBytes,
      cpu_ms: d.cpuMs === null ? null : Math.round(d.cpuMs),
      threads: d.threads,
      rows_written: d.rowsWritten,
      cost_usd: d.costUsd,
      command: d.command,
      priced_rows: d.pricedRows,
      load_ms: d.loadMs,
      copy_ms: d.copyMs,
      setup: { export_rates_ms: Math.round(duckdb.rates.ms), command: duckdb.rates.command },
    };
    result.comparison = {
      wall_ratio: costs.wallMs / d.wallMs,
      totals_equal: parseNano(costs.costUsd) === parseNano(d.costUsd),
      rows_equal: costs.rowsWritten === d.rowsWritten && costs.counts.priced === d.pricedRows,
    };
  }
  return result;
}

/** true when nothing failed: the totals and row counts agree (or DuckDB was skipped). */
export function benchPassed(result: BenchResult): boolean {
  return result.comparison === null || (result.comparison.totals_equal && result.comparison.rows_equal);
}

const n = (x: number) => x.toLocaleString("en");
const seconds = (ms: number) => (ms / 1000).toFixed(1);
const mb = (bytes: number | null) => (bytes === null ? "n/a" : n(Math.round(bytes / 2 ** 20)));

export const DESIGN_NOTE =
  "Where the jobs differ by design: costs run does more than the DuckDB job for the same rows. It checks every row " +
  "(types, required fields, token subsets; failures go to rejects.csv with file and line, where the DuckDB job trusts " +
  "the declared column types), attributes users, teams and admins' tags and checks the metadata policies, writes every " +
  "canonical field with lineage and the price explanation into the priced Parquet (the DuckDB job writes only the columns " +
  "of price_logs.sql), and rebuilds the extracts, the FOCUS export and manifest.json over the whole dataset. Both keep the " +
  "first row of each request_id (costs run in file order, the DuckDB job the earliest timestamp: the generated duplicates " +
  "are exact copies) and skip virtual-model parent rows, and both price from the same pricing/ (the DuckDB job through " +
  "`costs export-rates`), so their totals must agree to the nano-USD.";

/** The table and notes printed by `npm run bench`. */
export function renderReport(r: BenchResult): string {
  const lines: string[] = [];
  const i = r.input;
  lines.push(
    `costs run vs DuckDB: ${n(i.rows)} rows over ${n(i.days)} day${i.days === 1 ? "" : "s"} (seed ${i.seed})`,
    `machine: ${r.machine.cpus} CPUs (${r.machine.cpu_model}), Node ${r.machine.node}, DuckDB ${r.machine.duckdb}, ${r.machine.platform}; load average ${r.machine.load_average}` +
      (r.machine.load_average > r.machine.cpus / 2 ? " (busy: other processes share the CPUs, timings are noisy)" : ""),
    `input:   ${i.file} (${mb(i.bytes)} MB JSON Lines, ${i.cached ? "cached" : `generated in ${seconds(i.generation_ms)} s`}, ${i.blocks} block${i.blocks === 1 ? "" : "s"}; ${i.trace_source})`,
    "",
  );
  const table = [["job", "wall (s)", "rows/s", "peak RSS (MB)", "CPU (s)", "threads", "rows written", "total cost_usd"]];
  const cpu = (ms: number | null) => (ms === null ? "n/a" : seconds(ms));
  const row = (name: string, j: JobFigures, threads: string) => [
    name,
    seconds(j.wall_ms),
    n(j.rows_per_s),
    mb(j.peak_rss_bytes),
    cpu(j.cpu_ms),
    threads,
    n(j.rows_written),
    j.cost_usd,
  ];
  // costs run's `threads` counts worker threads (0: the main thread does everything).
  const workers = r.costs.threads;
  table.push(row("costs run", r.costs, workers === null ? "n/a" : workers === 0 ? "1 (main)" : `${workers} + main`));
  if (r.duckdb) table.push(row("DuckDB", r.duckdb, String(r.duckdb.threads)));
  lines.push(formatTable(table, new Set([1, 2, 3, 4, 5, 6, 7])), "");

  if (r.comparison && r.duckdb) {
    const c = r.comparison;
    const cpuRatio = r.costs.cpu_ms !== null && r.duckdb.cpu_ms ? ` (CPU time: ${(r.costs.cpu_ms / r.duckdb.cpu_ms).toFixed(2)}×)` : "";
    lines.push(`costs run / DuckDB wall time: ${c.wall_ratio.toFixed(2)}×${cpuRatio}`);
    lines.push(
      `totals equal: ${c.totals_equal ? "yes" : "no"}${c.totals_equal ? "" : ` (costs run ${r.costs.cost_usd}, DuckDB ${r.duckdb.cost_usd})`}`,
    );
    lines.push(
      `rows equal:   ${c.rows_equal ? "yes" : "no"} (costs run priced ${n(r.costs.counts.priced)} + unpriced ${n(r.costs.counts.unpriced)}; DuckDB ${n(r.duckdb.priced_rows)} with a cost + ${n(r.duckdb.rows_written - r.duckdb.priced_rows)} without)`,
    );
  } else lines.push("DuckDB skipped (--skip-duckdb): nothing to compare");
  const k = r.costs.counts;
  lines.push(
    `costs run rows: ${n(k.rows_read)} read = ${n(k.priced)} priced + ${n(k.unpriced)} unpriced + ${n(k.rejected)} rejected + ${n(k.duplicates)} duplicates + ${n(k.virtual_parents)} virtual-model parents + ${n(k.out_of_window)} out of window`,
    "",
  );

  if (r.costs.stages) {
    lines.push("costs run stages (ms, summed over worker threads):");
    lines.push(
      formatTable(
        r.costs.stages.map((s) => [`  ${s.stage}`, n(Math.round(s.ms)), s.note ?? ""]),
        new Set([1]),
      ),
    );
    if (r.costs.self)
      lines.push(
        `  (costs run's own figures: ${seconds(r.costs.self.wall_ms)} s without process start-up, peak RSS ${mb(r.costs.self.peak_rss_bytes)} MB by process.resourceUsage().maxRSS)`,
      );
  } else lines.push(r.costs.timings_note ?? "stage timings unavailable");
  lines.push("");

  if (r.differences) {
    lines.push(
      `${n(r.differences.count)} rows differ between the two outputs (cost, or written by one side only); the first ${r.differences.rows.length}:`,
    );
    const head = [
      "request_id",
      "model",
      "costs cost_usd",
      "DuckDB cost_usd",
      "costs price_ref",
      "DuckDB price_source",
      "costs tier",
      "DuckDB tier",
    ];
    const body = r.differences.rows.map((d) =>
      [
        d.request_id,
        d.model,
        d.costs_cost_usd,
        d.duckdb_cost_usd,
        d.costs_price_ref,
        d.duckdb_price_source,
        d.costs_tier,
        d.duckdb_tier,
      ].map((v) => v ?? "—"),
    );
    lines.push(formatTable([head, ...body]), "");
  }

  lines.push(
    `wall time: spawn to exit of each child process (Node start-up included for both; costs run loads its cached bundle, the DuckDB job script runs through tsx); rows/s = rows in the input file / wall time.`,
  );
  lines.push(`peak RSS: ${r.peak_rss_method}, the same for both jobs; CPU: user + system time of all threads (/proc/<pid>/stat).`);
  if (r.duckdb) {
    lines.push(
      `DuckDB setup, not in its wall time: costs export-rates (rates.parquet + price_logs.sql) took ${seconds(r.duckdb.setup.export_rates_ms)} s. ` +
        `Inside the job: reading and deduplicating the logs ${seconds(r.duckdb.load_ms)} s, pricing and writing Parquet (one COPY) ${seconds(r.duckdb.copy_ms)} s.`,
    );
  }
  lines.push("", wrap(DESIGN_NOTE, 100));
  return `${lines.join("\n")}\n`;
}

function wrap(text: string, width: number): string {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out.join("\n");
}
