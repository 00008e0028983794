/**
 * The benchmark's input: N sample rows as JSON Lines, generated deterministically in blocks
 * (the same rows, days and seed give a byte-identical file) and cached under `.bench/`.
 *
 * `generateSample` draws all arrivals of a sample up front, too much for 10,000,000 rows,
 * so the window is cut into blocks of whole days holding at most ~250,000 rows each (a day
 * busier than that is split into several blocks over the same day). Block k is an ordinary
 * sample with a seed derived from (seed, k), starting where block k-1 ends; the first four
 * hex digits of its request ids are k, so ids never collide across blocks.
 */
import { createHash } from "node:crypto";
import { createWriteStream, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { once } from "node:events";
import path from "node:path";
import { DEFAULT_SEED, generateSample, sampleTraceSource } from "../src/sample/generate-sample.ts";
import { TRACE_FILES } from "../src/sample/load-trace-source.ts";

/** Rows per block at most (a day busier than this is split over several blocks). */
export const MAX_BLOCK_ROWS = 250_000;
/** Bump when the block scheme below changes; the sample generator's own sources are hashed in too. */
const BLOCK_SCHEME = "bench-blocks-v1";
export const DEFAULT_START = "2026-06-16";
export { DEFAULT_SEED };

const DAY_MS = 86_400_000;
const SAMPLE_DIR = path.resolve(import.meta.dirname, "../src/sample");

export interface GenerateOptions {
  rows: number;
  days: number;
  seed: number;
  /** Folder of the cached files (`.bench/` of the repository for `npm run bench`). */
  dir: string;
  start?: string;
  /** Rows per block at most (default MAX_BLOCK_ROWS; smaller in tests). */
  maxBlockRows?: number;
  /** Progress lines (for stderr). */
  onProgress?: (line: string) => void;
}

export interface GeneratedRows {
  file: string;
  rows: number;
  days: number;
  bytes: number;
  blocks: number;
  /** true when the file was already in the cache. */
  cached: boolean;
  /** Generation time (0 when cached). */
  ms: number;
  /** Which token sizes and arrival rhythm the generator used. */
  traceSource: string;
}

export interface Block {
  index: number;
  rows: number;
  /** First UTC day, YYYY-MM-DD. */
  start: string;
  days: number;
}

/** ~33,000 rows a day (the committed sample's rate at 1,000,000 rows a month), at least one day. */
export function defaultDays(rows: number): number {
  return Math.max(1, Math.round(rows / 33_000));
}

/** The blocks of a file: whole days, rows spread over days evenly, ≤ MAX_BLOCK_ROWS per block. */
export function planBlocks(rows: number, days: number, start = DEFAULT_START, maxBlockRows = MAX_BLOCK_ROWS): Block[] {
  const startMs = Date.parse(`${start}T00:00:00Z`);
  const rowsBefore = (day: number) => Math.floor((rows * day) / days);
  const daysPerBlock = Math.max(1, Math.floor((maxBlockRows * days) / Math.max(rows, 1)));
  const blocks: Block[] = [];
  for (let day = 0; day < days; day += daysPerBlock) {
    const span = Math.min(daysPerBlock, days - day);
    const total = rowsBefore(day + span) - rowsBefore(day);
    const parts = Math.max(1, Math.ceil(total / maxBlockRows));
    for (let p = 0; p < parts; p++) {
      const partRows = Math.floor((total * (p + 1)) / parts) - Math.floor((total * p) / parts);
      if (partRows === 0) continue;
      blocks.push({ index: blocks.length, rows: partRows, start: new Date(startMs + day * DAY_MS).toISOString().slice(0, 10), days: span });
    }
  }
  if (blocks.length > 0x10000) throw new Error(`${rows} rows make ${blocks.length} blocks; at most 65,536 fit in the request id prefix`);
  return blocks;
}

/** A 32-bit seed for block `k`, mixed so neighbouring blocks draw unrelated streams. */
export function blockSeed(seed: number, k: number): number {
  let h = Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(k + 1, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Short hash of everything the file's bytes depend on besides rows, days and seed. */
export function generatorVersion(maxBlockRows = MAX_BLOCK_ROWS): string {
  const hash = createHash("sha256").update(`${BLOCK_SCHEME}:${maxBlockRows}`);
  for (const name of readdirSync(SAMPLE_DIR)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
    .sort()) {
    hash.update(name).update(readFileSync(path.join(SAMPLE_DIR, name)));
  }
  const source = sampleTraceSource();
  hash.update(source.kind);
  if (source.kind === "traces" && source.dir)
    for (const name of Object.values(TRACE_FILES)) hash.update(readFileSync(path.join(source.dir, name)));
  return hash.digest("hex").slice(0, 10);
}

/** Returns the cached file for (rows, days, seed), generating it first when absent. */
export async function generateRows(options: GenerateOptions): Promise<GeneratedRows> {
  const { rows, days, seed, dir } = options;
  const start = options.start ?? DEFAULT_START;
  if (!Number.isSafeInteger(rows) || rows < 1) throw new Error(`--rows must be a whole number ≥ 1, got ${rows}`);
  if (!Number.isSafeInteger(days) || days < 1) throw new Error(`--days must be a whole number ≥ 1, got ${days}`);
  if (!Number.isSafeInteger(seed)) throw new Error(`--seed must be a whole number, got ${seed}`);
  const maxBlockRows = options.maxBlockRows ?? MAX_BLOCK_ROWS;
  const version = generatorVersion(maxBlockRows);
  const stem = `rows-${rows}-d${days}-s${seed}${start === DEFAULT_START ? "" : `-from${start}`}`;
  const file = path.join(dir, `${stem}-g${version}.jsonl`);
  const blocks = planBlocks(rows, days, start, maxBlockRows);
  const traceSource = sampleTraceSource().description;
  if (existsSync(file)) return { file, rows, days, bytes: statSync(file).size, blocks: blocks.length, cached: true, ms: 0, traceSource };

  await mkdir(dir, { recursive: true });
  // Files of the same rows/days/seed from an older generator are stale: remove them.
  for (const name of readdirSync(dir))
    if (name.startsWith(`${stem}-g`) && name.endsWith(".jsonl")) await rm(path.join(dir, name), { force: true });
  const began = performance.now();
  const temp = `${file}.tmp-${process.pid}`;
  const sink = createWriteStream(temp);
  try {
    let written = 0;
    let lastReport = began;
    for (const block of blocks) {
      const prefix = block.index.toString(16).padStart(4, "0");
      let chunk = "";
      for (const row of generateSample({ rows: block.rows, start: block.start, days: block.days, seed: blockSeed(seed, block.index) })) {
        row.request_id = `${prefix}${String(row.request_id).slice(4)}`;
        chunk += `${JSON.stringify(row)}\n`;
        if (chunk.length >= 1 << 20) {
          if (!sink.write(chunk)) await once(sink, "drain");
          chunk = "";
        }
        written++;
      }
      if (chunk && !sink.write(chunk)) await once(sink, "drain");
      const now = performance.now();
      if (options.onProgress && (now - lastReport >= 2000 || block.index === blocks.length - 1)) {
        lastReport = now;
        options.onProgress(
          `generating rows: ${written.toLocaleString("en")} / ${rows.toLocaleString("en")} (${Math.round((100 * written) / rows)}%, block ${block.index + 1}/${blocks.length})`,
        );
      }
    }
    if (written !== rows) throw new Error(`generated ${written} rows instead of ${rows}`);
    sink.end();
    await once(sink, "close");
    await rename(temp, file);
  } catch (error) {
    sink.destroy();
    await rm(temp, { force: true });
    throw error;
  }
  return { file, rows, days, bytes: statSync(file).size, blocks: blocks.length, cached: false, ms: performance.now() - began, traceSource };
}
