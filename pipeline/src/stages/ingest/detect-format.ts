/** `json`: a `.json` file holding one JSON document (an array of records or a `data` page), as engine/read-inputs.ts finds it. */
export type InputFormat = "jsonl" | "json" | "csv" | "parquet";

export interface DetectedFormat {
  format: InputFormat;
  gzip: boolean;
}

/**
 * Extensions of input log files; each may be followed by `.gz`. A `.json` file is JSON
 * Lines or one JSON document (split-json-document.ts decides from its first bytes).
 */
export const SUPPORTED_EXTENSIONS: ReadonlyArray<string> = [".jsonl", ".ndjson", ".json", ".csv", ".parquet"];

const FORMAT_OF_EXTENSION: ReadonlyMap<string, InputFormat> = new Map([
  [".jsonl", "jsonl"],
  [".ndjson", "jsonl"],
  [".json", "jsonl"],
  [".csv", "csv"],
  [".parquet", "parquet"],
]);

/**
 * The format of an input log file from its extension (case-insensitive), e.g.
 * `calls.csv.gz` → csv, gzip. Undefined for any other extension.
 */
export function detectFormat(file: string): DetectedFormat | undefined {
  let name = file.toLowerCase();
  const gzip = name.endsWith(".gz");
  if (gzip) name = name.slice(0, -3);
  const dot = name.lastIndexOf(".");
  if (dot === -1) return undefined;
  const format = FORMAT_OF_EXTENSION.get(name.slice(dot));
  return format === undefined ? undefined : { format, gzip };
}
