/**
 * One gateway call in the canonical shape of SPEC 3, after ingest has mapped and
 * type-checked an input row. Ingest produces it; attribute, validate and price read it.
 * (Hand-written rather than zod: it is built once per input row on the hot path.)
 */
export interface LogRow {
  request_id: string;
  /** Epoch milliseconds, UTC. */
  timestamp: number;
  model: string;
  region: string | null;
  subject_type: string | null;
  subject: string | null;
  pat_name: string | null;
  teams: string[];
  input_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  /**
   * The part of cache_write_tokens written with a 1-hour TTL (Anthropic prices them at their
   * own rate); absent: 0, every cache write is a 5-minute write.
   */
  cache_write_1h_tokens?: number;
  output_tokens: number;
  reasoning_tokens: number;
  input_audio_tokens: number;
  output_audio_tokens: number;
  /** Non-token units as decimal text exactly as read ("12.5"), null when absent. */
  input_images: string | null;
  output_images: string | null;
  input_characters: string | null;
  input_seconds: string | null;
  output_seconds: string | null;
  queries: string | null;
  pages: string | null;
  batch: boolean;
  service_tier: string | null;
  status_code: number | null;
  virtual_model: string | null;
  /** Client-sent metadata; every value a string. */
  metadata: Record<string, string>;
  /** The gateway's own cost as decimal text, kept for reconciliation. */
  reported_cost_usd: string | null;
  /**
   * The gateway answered the call from its own cache (TrueFoundry `CacheHit`): no provider
   * was called, so the call is not priced from the rates (stages/price: `gateway_cache`).
   */
  gateway_cache_hit: boolean;
  /**
   * Calls this row sums (a usage-API aggregate, docs/pricing.md "Aggregate rows"); absent:
   * the row is one call; 0: an unknown number of calls.
   */
  calls?: number;
}

/** Where an input row came from: file path and 1-based line (JSONL, CSV) or row number (Parquet). */
export interface RowOrigin {
  file: string;
  line: number;
}

/** An input row that could not become a LogRow, or a whole-file problem (line 0 or the last line read). */
export interface Reject extends RowOrigin {
  reason: string;
  /** The raw text of the row (JSON for Parquet rows), truncated to 4 KiB. */
  raw: string;
}

export type IngestItem = ({ kind: "row"; row: LogRow } & RowOrigin) | ({ kind: "reject" } & Reject);
