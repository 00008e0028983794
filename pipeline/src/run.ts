/**
 * `costs run`, on one screen: ingest → price → attribute → validate → write.
 *
 *   config   pricing/ (catalog, accounts, private prices) and policies/ are loaded and
 *            checked first; any error stops the run before anything is written.
 *   ingest   JSON Lines files are cut into ~8 MiB chunks of whole lines
 *            (stages/ingest/split-jsonl) that worker threads parse (engine/parse-jsonl-chunk);
 *            CSV and Parquet go through stages/ingest's readers on this thread. Bad rows
 *            become rejects with file, line and reason.
 *   price, attribute, validate   per row, in the thread that parsed it
 *            (engine/chunk-processor: stages/price, then stages/attribute and
 *            stages/validate), into columnar segments per UTC day with a partial rollup of
 *            their totals. Rows outside --since/--until and virtual-model parent rows are
 *            counted, not priced; a row whose token counts contradict each other, or whose
 *            cost cannot be held by the money columns, is a reject. A gateway cache hit
 *            costs what the gateway reported (price source `gateway_cache`). Each row
 *            also notes which price fields its price depends on, and each input which
 *            price fields it supplied, for the manifest's missing_price_columns.
 *   dedupe   the main thread takes chunk results in input order and keeps the first row
 *            of each request_id (engine/accumulate-chunks), dropping later ones from their
 *            segment and its rollup.
 *   write    under the output folder's lock (one writer at a time; an interrupted commit
 *            of an earlier run is completed first), each segment becomes a row group of its
 *            day's Parquet file in the staging folder as it arrives (engine/day-files);
 *            each day gets its day rollup (history/); rejects, extracts, FOCUS and the
 *            manifest come from the run's rollups and the day rollups of kept days; then
 *            everything is committed into `out` with a manifest-last journal (stages/write,
 *            outputs/, SPEC 6).
 *
 * Memory holds the chunks in flight, the rollup and the request-id hashes, not the input.
 * Every input row ends in exactly one bucket:
 *   rows_read = priced + unpriced + rejected + duplicates + virtual_parents + out_of_window.
 *
 * `costs restate` is this same run with another input (options.restate, restate/): the rows
 * of the kept days from --since to --until, read back from their own priced partitions
 * under the lock, with their lineage; no dedupe; every row must come out on its day again
 * (else nothing is written); the days whose totals changed are appended to
 * restatements.json in the same commit.
 */
import { availableParallelism } from "node:os";
import { createHash } from "node:crypto";
import { stat } from "node:fs/promises";
import path from "node:path";
import { ChunkAccumulator } from "./engine/accumulate-chunks.ts";
import { ChunkProcessor } from "./engine/chunk-processor.ts";
import { FocusPieceCollector } from "./engine/collect-focus-pieces.ts";
import { DayFiles } from "./engine/day-files.ts";
import { loadRunConfig } from "./engine/load-run-config.ts";
import { RejectsFile } from "./engine/rejects-file.ts";
import { Rollups } from "./engine/rollup.ts";
import { readInputs } from "./engine/read-inputs.ts";
import { ThreadPool } from "./engine/thread-pool.ts";
import { displayPath, PipelineError } from "./lib/errors.ts";
import type { PolicyBook } from "./policies/load-policies.ts";
import { exists } from "./lib/exists.ts";
import { detectFormat } from "./stages/ingest/detect-format.ts";
import { expandInputs } from "./stages/ingest/expand-inputs.ts";
import { loadColumnMapping } from "./stages/ingest/presets.ts";
import type { PolicyStatus } from "./stages/validate/index.ts";
import { RunStats } from "./stages/write/run-stats.ts";
import { lockOutputs } from "./outputs/output-lock.ts";
import { describeRepair } from "./outputs/repair-outputs.ts";
import { Staging, type OnCommitStep } from "./outputs/staging.ts";
import type { RunOutputs } from "./stages/write/index.ts";
import type { FileStats } from "./stages/ingest/index.ts";
import { checkEveryRow } from "./restate/check-every-row.ts";
import { DATASET_GRAIN, focusGrain, focusPieceDimensions, focusTagKeys } from "./schemas/fields.ts";
import { compareDays, dayTotalsOf, type RestatedDay } from "./restate/compare-days.ts";
import { readPricedDays, type PricedDaysRead } from "./restate/read-priced-days.ts";
import { selectRestateDays, type RestateDays } from "./restate/select-days.ts";
import type { Restatement } from "./schemas/restatement.schema.ts";

export interface RunOptions {
  logs: string[];
  pricingDir: string;
  policiesDir: string;
  out: string;
  /** Inclusive UTC dates (YYYY-MM-DD). */
  since?: string;
  until?: string;
  preset?: "auto" | "canonical" | "truefoundry" | "anthropic";
  columns?: string;
  /** Worker threads for JSON Lines; 0 = none; default: one per CPU (at most 8) when the JSON Lines input is over 32 MB. */
  threads?: number;
  /** Bytes per JSON Lines chunk (default 8 MiB); smaller in tests, to cut the sample into many chunks. */
  chunkBytes?: number;
  /** Page codec of the priced Parquet files: none (default: fastest) or snappy (about half the size, slower to write). */
  parquetCompression?: "none" | "snappy";
  cwd: string;
  /** The clock, injected: only the manifest's `generated_at` and `duration_ms` read it. */
  now: () => Date;
  /** Called as chunks are merged, with the rows read so far. */
  onProgress?: (rowsRead: number) => void;
  /** Things the person running should know that do not stop the run (a stale lock taken over, an interrupted commit completed). */
  onWarning?: (message: string) => void;
  /** Test hook: called after each step of the commit into `out` (outputs/staging.ts). */
  onCommitStep?: OnCommitStep;
  /**
   * `costs restate`: instead of `logs` (which must be empty), price again the rows of the
   * days from `since` (required) to `until` kept in `out`'s priced partitions, and record
   * each day whose totals changed in `restatements.json` with this pricing commit.
   */
  restate?: { pricingCommit: string | null };
}

/** What `costs restate` did, day by day. */
export interface RestateReport {
  window: RestateDays;
  days: RestatedDay[];
  /** The entries appended to restatements.json (the days whose totals changed). */
  recorded: Restatement[];
}

/** Where a run's time went, in milliseconds (worker stages summed over threads). */
export interface RunTimings {
  threads: number;
  config: number;
  read: number;
  /** Parse, attribute, validate and price: the work of the threads. */
  parse: number;
  /** Extracts, FOCUS, rejects, manifest and the swap. */
  write: number;
}

/** Inputs smaller than this are read on the main thread: starting workers would cost more than it saves. */
const PARALLEL_BYTES = 32 << 20;

export async function run(options: RunOptions): Promise<RunOutputs & { timings: RunTimings; restatement?: RestateReport }> {
  const started = options.now();
  const t0 = performance.now();
  const resolve = (p: string) => path.resolve(options.cwd, p);
  const pricingDir = resolve(options.pricingDir);
  const policiesDir = resolve(options.policiesDir);

  checkWindow(options.since, options.until);
  if (options.restate && (options.since === undefined || options.logs.length > 0))
    throw new Error("a restatement takes --since and no logs");
  const files = options.restate ? [] : await expandInputs(options.logs, options.cwd);
  const size = await inputSize(files);
  const threads = options.restate ? 0 : (options.threads ?? defaultThreads(size));
  // Worker threads start now and load the pricing while this thread does the same.
  const starting =
    threads > 0 ? ThreadPool.start(threads, { pricingDir, policiesDir, since: options.since, until: options.until }) : undefined;
  starting?.catch(() => {}); // reported below, after the main thread's own (clearer) config errors

  // config: everything that decides a cost is checked before anything is written
  let config, mapping;
  try {
    config = await loadRunConfig(pricingDir, policiesDir);
    mapping = options.columns ? await loadColumnMapping(resolve(options.columns), new Set(config.book.accounts.keys())) : undefined;
  } catch (error) {
    await (await starting?.catch(() => undefined))?.close();
    throw error;
  }
  const { book, policies, pricingVersion } = config;
  const pool = await starting;
  if (pool && pool.versions.some((v) => v !== pricingVersion)) {
    await pool.close();
    throw new PipelineError({
      message: `pricing/ or policies/ changed while the run started (${pricingVersion} vs ${pool.versions.join(", ")})`,
      hint: "run again once the files stop changing",
    });
  }
  const timings: RunTimings = { threads, config: performance.now() - t0, read: 0, parse: 0, write: 0 };

  // The write stage (and Arquero, for the extracts) loads while the threads price.
  const writeStage = import("./stages/write/index.ts");
  // One writer per output folder, from before its staging folder exists until the commit is done.
  const out = resolve(options.out);
  const lock = await lockOutputs(out, { cwd: options.cwd, now: options.now, command: "costs run", onWarning: options.onWarning }).catch(
    async (error: unknown) => {
      await pool?.close();
      throw error;
    },
  );
  const staging = new Staging(
    out,
    createHash("sha256").update(`${process.pid}:${started.getTime()}`).digest("hex").slice(0, 12),
    options.onCommitStep,
  );
  const dayFiles = new DayFiles((relative) => staging.path(relative), { pricing_version: pricingVersion }, options.parquetCompression);
  try {
    const repaired = describeRepair(await staging.open(), displayPath(out, options.cwd) || ".");
    if (repaired) options.onWarning?.(repaired);
    const processor = new ChunkProcessor({
      book,
      policies,
      refBase: path.dirname(pricingDir),
      pricingVersion,
      since: options.since,
      until: options.until,
    });
    const { writeOutputs, rollupOutputs } = await writeStage;
    const rollups = new Rollups(processor.rollupMetadataKeys, rollupOutputs(policies));
    const rejects = new RejectsFile(staging.path("rejects.csv"));
    const focusPieces = new FocusPieceCollector(book, pricingVersion, focusPieceDimensions(policies.focusTags));
    const focus = { collector: focusPieces, rollup: `day:${focusGrain(focusTagKeys(policies.focusTags)).key}` };
    const accumulator = new ChunkAccumulator(rollups, dayFiles, rejects, estimateRows(size), !options.restate, focus);
    const inputHashes = new Map<string, string>();
    let inputFiles = files;
    let fileStats: FileStats[];
    let restating: { window: RestateDays; read: PricedDaysRead } | undefined;
    if (options.restate) {
      // restate: the kept days' own priced rows are the input (read here, under the lock)
      const window = await selectRestateDays(out, displayPath(out, options.cwd) || ".", options.since!, options.until);
      const read = await readPricedDays(out, window.days, { processor, accumulator, cwd: options.cwd, onProgress: options.onProgress });
      ({ files: inputFiles, fileStats } = read);
      restating = { window, read };
    } else {
      fileStats = await readInputs(files, {
        inputHashes,
        cwd: options.cwd,
        preset: options.preset ?? "auto",
        mapping,
        processor,
        accumulator,
        pool,
        chunkBytes: options.chunkBytes,
        onProgress: options.onProgress,
        timings,
      });
    }
    await pool?.close();
    const days = dayFiles.close();
    rejects.close();
    const tw = performance.now();
    let restated: { days: RestatedDay[]; entries: Restatement[] } | undefined;
    if (restating) {
      checkEveryRow(accumulator.counts, restating.read.before, days, rejects.first);
      restated = compareDays(restating.read.before, dayTotalsOf(rollups.get(`day:${DATASET_GRAIN.key}`).entries()), {
        restatedAt: started.toISOString(),
        pricingVersion,
        pricingCommit: options.restate!.pricingCommit,
      });
    }

    const stats = new RunStats();
    Object.assign(stats.counts, accumulator.counts);
    for (const group of rollups.get("stats").entries()) {
      const d = group.values;
      stats.addGroup({
        requests: group.requests,
        rows: group.rows,
        price_source: d.price_source!,
        policy_status: d.policy_status as PolicyStatus,
        unpriced_reason: d.unpriced_reason ?? null,
        violations: d.policy_violations ?? "[]",
        overrides: d.metadata_overrides ?? "[]",
        cost: group.cost,
        list: group.list,
      });
    }
    const result = await writeOutputs({
      out,
      staging,
      days,
      rollups,
      extras: accumulator.extras,
      inputHashes,
      rejects: rejects.rows,
      stats,
      policies,
      fileStats,
      dependence: accumulator.dependence,
      focusPieces,
      book,
      inputFiles,
      cwd: options.cwd,
      pricingVersion,
      options: {
        pricing_dir: displayPath(pricingDir, options.cwd),
        policies_dir: displayPath(policiesDir, options.cwd),
        since: options.since ?? null,
        until: options.until ?? restating?.window.until ?? null,
        preset: options.preset ?? "auto",
        columns: options.columns ?? null,
        policies_present: await exists(policiesDir),
        ...(options.parquetCompression === "snappy" ? { parquet_compression: "snappy" } : {}),
        ...(options.restate ? { restate: true, pricing_commit: options.restate.pricingCommit } : {}),
      },
      restated: restated?.entries,
      started,
      now: options.now,
    });
    timings.write = performance.now() - tw;
    if (!restating || !restated) return { ...result, timings };
    return { ...result, timings, restatement: { window: restating.window, days: restated.days, recorded: restated.entries } };
  } catch (error) {
    await pool?.close();
    dayFiles.abort();
    await staging.discard(); // only before the commit point: after it, the next reader or run completes the commit
    throw error;
  } finally {
    await lock.release();
  }
}

/** About how many rows the inputs hold (gateway log lines are ~350 bytes), to size the request-id table. */
function estimateRows(size: InputSize): number {
  return Math.min(size.all / 350, 1 << 26);
}

/** One thread per CPU (at most 8) when the JSON Lines input is large enough to gain from it. */
function defaultThreads(size: InputSize): number {
  return size.jsonl < PARALLEL_BYTES ? 0 : Math.min(availableParallelism(), 8);
}

/** Uncompressed bytes of the inputs (a gzipped file counted as 8 times its size): all of them, and the JSON Lines ones. */
interface InputSize {
  all: number;
  jsonl: number;
}

async function inputSize(files: string[]): Promise<InputSize> {
  const size = { all: 0, jsonl: 0 };
  for (const file of files) {
    const format = detectFormat(file);
    const bytes = (await stat(file)).size * (format?.gzip ? 8 : 1);
    size.all += bytes;
    if (format?.format === "jsonl") size.jsonl += bytes;
  }
  return size;
}

function checkWindow(since?: string, until?: string): void {
  for (const [flag, value] of [
    ["--since", since],
    ["--until", until],
  ] as const) {
    if (value !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      throw new PipelineError({ field: flag, message: `must be a UTC date YYYY-MM-DD, got ${value}` });
    }
  }
  if (since && until && until < since) throw new PipelineError({ field: "--until", message: `${until} is before --since ${since}` });
}

export type { PolicyBook };
