import { PipelineError } from "../../lib/errors.ts";
import type { ColumnMapping, PresetName } from "../../schemas/column-mapping.schema.ts";
import type { IngestItem } from "../../schemas/log-row.ts";
import { priceFieldsOf, type PriceField } from "../../schemas/price-fields.ts";
import { compilePreset, type CompiledPreset } from "./compile-preset.ts";
import { detectFormat, SUPPORTED_EXTENSIONS, type InputFormat } from "./detect-format.ts";
import { detectPreset } from "./detect-preset.ts";
import type { RawRecord } from "./raw-record.ts";
import { readCsv } from "./read-csv.ts";
import { readParquetLogs } from "./read-parquet-logs.ts";
import { toLogRow } from "./to-log-row.ts";
import { toLogRows } from "./to-log-rows.ts";

export interface ReadLogsOptions {
  /** Column preset; `auto` (the default) detects it per file from the file's first record. */
  preset?: "auto" | PresetName;
  /** A custom column mapping (loadColumnMapping); when given it is used for every file and `preset` is not. */
  mapping?: ColumnMapping;
  /** Called once per file, after its last item. */
  onFile?: (stats: FileStats) => void;
}

/** What ingest saw in one input file, for the manifest. */
export interface FileStats {
  file: string;
  format: InputFormat;
  gzip: boolean;
  /** The preset used; null when `auto` found no record to detect it from; `priced`: a priced partition read back by `costs restate`. */
  preset: PresetName | "mapping" | "priced" | null;
  /** Items yielded for this file: rows + rejects. */
  rows: number;
  rejects: number;
  /** Columns present in the file and not read (sorted); misspelled columns are rejects instead. */
  ignored_columns: string[];
  /** With `unknown_columns: warn`: the ignored columns that look like misspellings of read columns (sorted); absent when none. */
  suspect_columns?: string[];
  /**
   * The price fields (schemas/price-fields.ts) some row of the file had a value for, in
   * PRICE_FIELDS order; absent when not tracked (a priced partition read back has every column).
   */
  supplied_price_fields?: PriceField[];
}

/** Rejects keep at most this many characters of the input text. */
export const MAX_RAW_CHARS = 4096;

const READERS: Record<Exclude<InputFormat, "jsonl" | "json">, (file: string, gzip: boolean) => AsyncGenerator<RawRecord>> = {
  csv: readCsv,
  parquet: readParquetLogs,
};

/**
 * The ingest stage's reader of CSV and Parquet files (`costs run` reads JSON Lines in
 * chunks, in worker threads: engine/read-inputs.ts, split-jsonl.ts, engine/parse-jsonl-chunk.ts).
 * Reads the files in the given order and yields exactly one item per input row: a
 * canonical `row`, or a `reject` with file, line, reason and the raw text (cut to 4096
 * characters). Whole-file problems (an empty file, a truncated gzip, an unreadable Parquet
 * file) are rejects too, at line 0 or at the line where reading stopped. Nothing is
 * dropped except blank lines. A file with an unsupported extension is a PipelineError
 * (expandInputs never returns one).
 */
export async function* readLogs(files: string[], options: ReadLogsOptions = {}): AsyncGenerator<IngestItem> {
  for (const file of files) {
    const detected = detectFormat(file);
    if (!detected) {
      throw new PipelineError({
        file,
        message: "unsupported input file type",
        hint: `supported: ${SUPPORTED_EXTENSIONS.join(", ")}, each optionally .gz`,
      });
    }
    const { format, gzip } = detected;
    if (format === "jsonl" || format === "json")
      throw new Error(`readLogs reads CSV and Parquet; JSON Lines (${file}) are read by engine/read-inputs.ts`);
    // Every record of a CSV or Parquet file has the same columns: they are checked once.
    const compileOptions = { fixedColumns: true };
    let preset: CompiledPreset | undefined;
    if (options.mapping) preset = compilePreset(options.mapping, compileOptions);
    else if (options.preset && options.preset !== "auto") preset = compilePreset(options.preset, compileOptions);
    let rows = 0;
    let rejects = 0;
    for await (const item of READERS[format](file, gzip)) {
      rows++;
      if ("error" in item) {
        rejects++;
        yield { kind: "reject", file, line: item.line, reason: item.error, raw: cut(item.raw) };
        continue;
      }
      preset ??= compilePreset(detectPreset(item.record), compileOptions);
      if (preset.expand) {
        // A native format: one item per call of the record (rows counts calls, not lines).
        rows--;
        for (const call of toLogRows(item.record, item.raw, preset)) {
          rows++;
          if ("row" in call) {
            yield { kind: "row", row: call.row, file, line: item.line };
          } else {
            rejects++;
            yield { kind: "reject", file, line: item.line, reason: call.reason, raw: cut(call.raw) };
          }
        }
        continue;
      }
      const result = toLogRow(item.record, preset);
      if ("row" in result) {
        yield { kind: "row", row: result.row, file, line: item.line };
      } else {
        rejects++;
        yield { kind: "reject", file, line: item.line, reason: result.reason, raw: cut(item.raw) };
      }
    }
    options.onFile?.({
      file,
      format,
      gzip,
      preset: preset?.name ?? null,
      rows,
      rejects,
      ignored_columns: preset?.ignoredColumns() ?? [],
      ...(preset && preset.suspectColumns().length > 0 ? { suspect_columns: preset.suspectColumns() } : {}),
      supplied_price_fields: priceFieldsOf(preset?.suppliedPriceFields() ?? 0),
    });
  }
}

function cut(raw: string): string {
  return raw.length > MAX_RAW_CHARS ? raw.slice(0, MAX_RAW_CHARS) : raw;
}
