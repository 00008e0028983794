import { createHash } from "node:crypto";
import { displayPath, PipelineError } from "../lib/errors.ts";
import type { ColumnMapping, PresetName } from "../schemas/column-mapping.schema.ts";
import { detectFormat, SUPPORTED_EXTENSIONS } from "../stages/ingest/detect-format.ts";
import { detectPreset } from "../stages/ingest/detect-preset.ts";
import { readLogs, type FileStats } from "../stages/ingest/index.ts";
import { priceFieldsOf } from "../schemas/price-fields.ts";
import { parseJsonlBytes } from "../stages/ingest/parse-jsonl-lines.ts";
import { EMPTY_FILE } from "../stages/ingest/raw-record.ts";
import type { ChunkAccumulator } from "./accumulate-chunks.ts";
import type { ChunkProcessor, ChunkResult } from "./chunk-processor.ts";
import { parseJsonlChunk, presetCache } from "./parse-jsonl-chunk.ts";
import { splitJsonl, type JsonlChunk } from "../stages/ingest/split-jsonl.ts";
import { detectJsonLayout, splitJsonDocument } from "../stages/ingest/split-json-document.ts";
import type { ThreadPool } from "./thread-pool.ts";

export interface ReadInputsOptions {
  cwd: string;
  preset: "auto" | PresetName;
  mapping?: ColumnMapping;
  /** The main thread's processor (CSV, Parquet, and JSON Lines without a pool). */
  processor: ChunkProcessor;
  accumulator: ChunkAccumulator;
  /** Worker threads for JSON Lines; none: everything on the main thread. */
  pool?: ThreadPool;
  chunkBytes?: number;
  onProgress?: (rowsRead: number) => void;
  /** Filled with the sha256 of plain JSON Lines files, hashed while they are read (for the manifest). */
  inputHashes: Map<string, string>;
  /** Milliseconds spent by stage, summed over threads (for `--timings`). */
  timings: { read: number; parse: number };
}

/** Rows of CSV and Parquet inputs per result handed to the accumulator. */
const ROWS_PER_RESULT = 20_000;

type Entry =
  | { kind: "result"; result: ChunkResult }
  | { kind: "reject"; file: string; line: number; reason: string; raw: string }
  | { kind: "end"; finish: () => void };

/**
 * Reads every input file in order and hands the accumulator each file's results in input
 * order: JSON Lines are cut into chunks (split-jsonl.ts) that worker threads parse and
 * price in parallel, at most 2 per thread in flight; CSV and Parquet files go through
 * stages/ingest's readers on this thread. Returns the manifest's per-file stats.
 */
export async function readInputs(inputs: string[], options: ReadInputsOptions): Promise<FileStats[]> {
  const { processor, accumulator, pool } = options;
  const stats: FileStats[] = [];
  const queue: Array<Promise<Entry> | Entry> = [];
  const limit = pool ? pool.size * 2 : 1;
  let id = 0;
  const compiledFor = presetCache();

  const drain = async (keep: number) => {
    while (queue.length > keep) {
      const entry = await queue.shift()!;
      if (entry.kind === "result") accumulator.accept(entry.result);
      else if (entry.kind === "reject") accumulator.acceptReject(entry);
      else entry.finish();
      options.onProgress?.(accumulator.counts.rows_read);
    }
  };

  for (const input of inputs) {
    const detected = detectFormat(input);
    if (!detected)
      throw new PipelineError({
        file: input,
        message: "unsupported input file type",
        hint: `supported: ${SUPPORTED_EXTENSIONS.join(", ")}, each optionally .gz`,
      });
    const file = displayPath(input, options.cwd);
    const { format, gzip } = detected;
    if (format !== "jsonl") {
      // CSV and Parquet: the ingest stage's readers, on this thread.
      await drain(0);
      for await (const item of readLogs([input], {
        preset: options.preset,
        mapping: options.mapping,
        onFile: (s) => stats.push({ ...s, file }),
      })) {
        processor.add(item, file);
        if (processor.pending >= ROWS_PER_RESULT) accumulator.accept(processor.take());
      }
      accumulator.accept(processor.take());
      options.onProgress?.(accumulator.counts.rows_read);
      continue;
    }

    // A `.json` file may be one JSON document: its elements are cut into JSON Lines chunks.
    const layout = /\.json(?:\.gz)?$/i.test(input) ? await detectJsonLayout(input, gzip) : "lines";
    const fileStats: FileStats = {
      file,
      format: layout === "lines" ? format : "json",
      gzip,
      preset: null,
      rows: 0,
      rejects: 0,
      ignored_columns: [],
    };
    let supplied = 0;
    const ignored = new Set<string>();
    const suspects = new Set<string>();
    let preset: PresetName | ColumnMapping | undefined = options.mapping ?? (options.preset === "auto" ? undefined : options.preset);
    if (preset !== undefined) fileStats.preset = options.mapping ? "mapping" : (preset as PresetName);
    const held: JsonlChunk[] = [];
    const count = (result: ChunkResult) => {
      fileStats.rows += result.items;
      fileStats.rejects += result.rejects.length;
      return result;
    };
    const dispatch = async (chunk: JsonlChunk, chosen: PresetName | ColumnMapping) => {
      const task = { id: id++, file, preset: chosen, bytes: chunk.bytes, firstLine: chunk.firstLine };
      if (pool) {
        queue.push(
          pool.run(task).then(({ result, ignored: seen, suspects: suspected, supplied: fields, ms }) => {
            for (const c of seen) ignored.add(c);
            for (const c of suspected) suspects.add(c);
            supplied |= fields;
            options.timings.parse += ms.parse;
            return { kind: "result", result: count(result) };
          }),
        );
      } else {
        const compiled = compiledFor(file, chosen);
        const t = performance.now();
        parseJsonlChunk(task.bytes, task.firstLine, file, compiled, processor);
        options.timings.parse += performance.now() - t;
        for (const c of compiled.ignoredColumns()) ignored.add(c);
        for (const c of compiled.suspectColumns()) suspects.add(c);
        supplied |= compiled.suppliedPriceFields();
        queue.push({ kind: "result", result: count(processor.take()) });
      }
      await drain(limit);
    };

    let t = performance.now();
    const hash = gzip ? undefined : createHash("sha256");
    let readProblem = false;
    const splitOptions = { chunkBytes: options.chunkBytes, onBytes: (bytes: Uint8Array) => hash?.update(bytes) };
    const pieces = layout === "lines" ? splitJsonl(input, gzip, splitOptions) : splitJsonDocument(input, gzip, layout, splitOptions);
    for await (const piece of pieces) {
      options.timings.read += performance.now() - t;
      if (piece.kind === "problem") {
        readProblem = true;
        for (const chunk of held.splice(0)) await dispatch(chunk, preset ?? "canonical");
        fileStats.rows++;
        fileStats.rejects++;
        queue.push({ kind: "reject", file, line: piece.line, reason: piece.error, raw: piece.raw });
      } else if (preset === undefined) {
        held.push(piece);
        const found = firstRecord(piece.bytes);
        if (found) {
          preset = detectPreset(found);
          fileStats.preset = preset;
          for (const chunk of held.splice(0)) await dispatch(chunk, preset);
        }
      } else await dispatch(piece, preset);
      t = performance.now();
    }
    for (const chunk of held.splice(0)) await dispatch(chunk, "canonical");
    if (hash && !readProblem) options.inputHashes.set(input, hash.digest("hex"));
    queue.push({
      kind: "end",
      finish: () => {
        if (fileStats.rows === 0) {
          fileStats.rows = 1;
          fileStats.rejects = 1;
          accumulator.acceptReject({ file, line: 0, reason: EMPTY_FILE, raw: "" });
        }
        fileStats.ignored_columns = [...ignored].sort();
        if (suspects.size > 0) fileStats.suspect_columns = [...suspects].sort();
        fileStats.supplied_price_fields = priceFieldsOf(supplied);
        stats.push(fileStats);
      },
    });
  }
  await drain(0);
  return stats;
}

/** The first line of a chunk that is a JSON object: what `--preset auto` detects the preset from. */
function firstRecord(bytes: Uint8Array): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  parseJsonlBytes(bytes, 1, {
    record: (_line, value) => {
      found = value;
      return false;
    },
    problem: () => {}, // not a JSON object: a reject later, detection goes on with the next line
  });
  return found;
}
