/**
 * `npm run bench -- --rows N [--days D] [--seed S] [--keep] [--skip-duckdb] [--json FILE]`:
 * `costs run` against the DuckDB SQL job a data engineer would write instead, end to end on
 * the same generated logs. Both run as child processes measured the same way (wall time,
 * peak RSS); the totals must be equal to the nano-USD. Exits 1 when a job fails or the
 * totals or row counts differ, 2 on a usage error. Progress goes to stderr, the table to stdout.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { DEFAULT_SEED, defaultDays, generateRows } from "./generate-rows.ts";
import { benchPassed, compareJobs, renderReport, type BenchResult } from "./report.ts";
import { runCosts } from "./run-costs.ts";
import { duckdbPackageVersion, exportRates, findDifferences, runDuckdb } from "./run-duckdb.ts";

export const ROOT = path.resolve(import.meta.dirname, "../..");

export interface BenchOptions {
  rows: number;
  /** Default: defaultDays(rows). */
  days?: number;
  seed?: number;
  /** Where generated logs are cached (default ROOT/.bench). */
  cacheDir?: string;
  /** Keep the scratch folder (both jobs' outputs) instead of removing it. */
  keep?: boolean;
  skipDuckdb?: boolean;
  /** Progress lines; default: stderr. */
  log?: (line: string) => void;
}

/** Generates (or reuses) the logs, runs both jobs and compares them. Throws when a job fails. */
export async function runBench(options: BenchOptions): Promise<BenchResult & { work: string | null }> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const loadAverage = loadavg()[0]!;
  const seed = options.seed ?? DEFAULT_SEED;
  const days = options.days ?? defaultDays(options.rows);
  const input = await generateRows({ rows: options.rows, days, seed, dir: options.cacheDir ?? path.join(ROOT, ".bench"), onProgress: log });
  log(`${input.cached ? "using cached" : "generated"} ${path.relative(ROOT, input.file) || input.file}`);
  const work = await mkdtemp(path.join(tmpdir(), "costs-bench-"));
  try {
    log(`running costs run on ${input.rows.toLocaleString("en")} rows …`);
    const costs = await runCosts({ root: ROOT, logs: input.file, work });
    let duckdb = null;
    if (!options.skipDuckdb) {
      log("exporting rates for DuckDB (setup, not timed) …");
      const rates = await exportRates({ root: ROOT, work });
      log("running the DuckDB job …");
      duckdb = { result: await runDuckdb({ root: ROOT, logs: input.file, rates, work }), rates };
    }
    const result = compareJobs({ input: { ...input, seed }, costs, duckdb, duckdbPackage: duckdbPackageVersion(ROOT), loadAverage });
    if (duckdb && result.comparison && !(result.comparison.totals_equal && result.comparison.rows_equal)) {
      result.differences = await findDifferences(costs.out, duckdb.result.out);
    }
    return { ...result, work: options.keep ? work : null };
  } finally {
    if (!options.keep) await rm(work, { recursive: true, force: true });
  }
}

function whole(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text.replaceAll("_", "").replaceAll(",", ""));
  if (!Number.isSafeInteger(value) || value < min)
    throw new UsageError(`--${name} must be a whole number ≥ ${min}, got ${JSON.stringify(text)}`);
  return value;
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  let options: BenchOptions & { json?: string };
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        rows: { type: "string", default: "1000000" },
        days: { type: "string" },
        seed: { type: "string" },
        keep: { type: "boolean", default: false },
        "skip-duckdb": { type: "boolean", default: false },
        json: { type: "string" },
      },
    });
    options = {
      rows: whole("rows", values.rows, 1)!,
      days: whole("days", values.days, 1),
      seed: whole("seed", values.seed, 0),
      keep: values.keep,
      skipDuckdb: values["skip-duckdb"],
      ...(values.json ? { json: values.json } : {}),
    };
  } catch (error) {
    process.stderr.write(
      `bench: ${error instanceof Error ? error.message : String(error)}\nusage: npm run bench -- --rows N [--days D] [--seed S] [--keep] [--skip-duckdb] [--json FILE]\n`,
    );
    return 2;
  }
  let result: Awaited<ReturnType<typeof runBench>>;
  try {
    result = await runBench(options);
  } catch (error) {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const { work, ...saved } = result;
  process.stdout.write(`\n${renderReport(saved)}`);
  if (work) process.stdout.write(`\noutputs kept in ${work} (costs-out/, duckdb-out/, rates/)\n`);
  if (options.json) {
    await writeFile(options.json, `${JSON.stringify(saved, null, 2)}\n`);
    process.stdout.write(`results saved to ${options.json}\n`);
  }
  if (!benchPassed(saved)) {
    process.stderr.write("bench: the two jobs disagree (see above)\n");
    return 1;
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
