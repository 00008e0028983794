/** One input record as a reader found it, before any column mapping or type check. */
export interface RawRow {
  /** 1-based physical line where the record starts (JSON Lines, CSV) or row number (Parquet). */
  line: number;
  record: Record<string, unknown>;
  /** The record's text as written (JSON for Parquet rows). */
  raw: string;
}

/** A record, or a whole-file problem, that a reader could not turn into a record. */
export interface RawError {
  /** As in RawRow; 0 for a problem with the whole file. */
  line: number;
  error: string;
  raw: string;
}

export type RawRecord = RawRow | RawError;

/** The reason given for a file with no rows (0 bytes, blank lines only, a CSV header only, 0 Parquet rows). */
export const EMPTY_FILE = "empty file: no rows";
