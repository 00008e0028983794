import { formatNano } from "../pricing/money.ts";
import { CANONICAL_FIELDS } from "../schemas/column-mapping.schema.ts";
import type { LogRow } from "../schemas/log-row.ts";

/**
 * The columns of a priced partition that `costs restate` reads back (dataset/priced-columns.ts):
 * every input field of SPEC 3, the metadata overrides of the first pricing, the old
 * totals and pricing version, and the lineage.
 */
export const RESTATE_COLUMNS = [
  ...CANONICAL_FIELDS,
  "metadata_overrides",
  "cost_usd",
  "list_cost_usd",
  "pricing_version",
  "source_file",
  "source_line",
] as const;

/**
 * Columns added after the first priced partitions were written; partitions without them
 * restate with their default: `gateway_cache_hit` false, `calls` absent (every row one call),
 * `cache_write_1h_tokens` 0 (every cache write a 5-minute write).
 */
export const OPTIONAL_RESTATE_COLUMNS: ReadonlySet<string> = new Set(["gateway_cache_hit", "calls", "cache_write_1h_tokens"]);

type OptionalColumn = "gateway_cache_hit" | "calls" | "cache_write_1h_tokens";
export type RestateColumns = Record<Exclude<(typeof RESTATE_COLUMNS)[number], OptionalColumn>, unknown[]> &
  Partial<Record<OptionalColumn, unknown[]>>;

/** One priced row read back, ready to be priced again. */
export interface PricedRow {
  row: LogRow;
  /** Lineage: the input file and line the row was first read from. */
  file: string;
  line: number;
  /** Keys whose client value the first pricing's injected tags replaced. */
  overrides: string[];
}

/**
 * Row `i` of priced columns as the log row it was priced from. What the priced row keeps
 * is what the next pricing needs, with two decisions (docs/pipeline.md, "Restatement"):
 *
 * - `region` is the region resolved when the row was first priced (the row's own, else
 *   the account's, else the catalog default): the input's region is not kept apart, so a
 *   later change of an account's default region does not move past calls;
 * - `metadata` is after the admins' tags were injected: the current tags are laid over it
 *   again, and the keys they replaced then stay listed in `overrides`.
 *
 * `reported_cost_usd` was kept rounded to the nano-USD; it is read back as that decimal
 * text, which gives the same value again. Throws on a cell that cannot be a log row's
 * (a partition changed by something other than `costs run`): the caller names the file.
 */
export function fromPricedRow(c: RestateColumns, i: number): PricedRow {
  const text = (column: unknown[]) => (column[i] ?? null) as string | null;
  const count = (column: unknown[]) => Number(column[i] ?? 0);
  const reported = c.reported_cost_usd[i];
  const row: LogRow = {
    request_id: c.request_id[i] as string,
    timestamp: c.timestamp[i] as number,
    model: c.model[i] as string,
    region: text(c.region),
    subject_type: text(c.subject_type),
    subject: text(c.subject),
    pat_name: text(c.pat_name),
    teams: stringList(c.teams[i], "teams"),
    input_tokens: count(c.input_tokens),
    cache_read_tokens: count(c.cache_read_tokens),
    cache_write_tokens: count(c.cache_write_tokens),
    cache_write_1h_tokens: c.cache_write_1h_tokens === undefined ? 0 : count(c.cache_write_1h_tokens),
    output_tokens: count(c.output_tokens),
    reasoning_tokens: count(c.reasoning_tokens),
    input_audio_tokens: count(c.input_audio_tokens),
    output_audio_tokens: count(c.output_audio_tokens),
    input_images: text(c.input_images),
    output_images: text(c.output_images),
    input_characters: text(c.input_characters),
    input_seconds: text(c.input_seconds),
    output_seconds: text(c.output_seconds),
    queries: text(c.queries),
    pages: text(c.pages),
    batch: c.batch[i] === true,
    service_tier: text(c.service_tier),
    status_code: c.status_code[i] === null || c.status_code[i] === undefined ? null : Number(c.status_code[i]),
    virtual_model: text(c.virtual_model),
    metadata: stringMap(c.metadata[i]),
    reported_cost_usd: typeof reported === "bigint" ? formatNano(reported) : null,
    gateway_cache_hit: c.gateway_cache_hit?.[i] === true,
    calls: c.calls?.[i] === null || c.calls?.[i] === undefined ? undefined : Number(c.calls[i]),
  };
  if (typeof row.request_id !== "string" || typeof row.model !== "string" || !Number.isFinite(row.timestamp)) {
    throw new Error("request_id, model or timestamp is missing");
  }
  return {
    row,
    file: c.source_file[i] as string,
    line: Number(c.source_line[i]),
    overrides: stringList(c.metadata_overrides[i] ?? "[]", "metadata_overrides"),
  };
}

function stringList(json: unknown, column: string): string[] {
  const value: unknown = JSON.parse(json as string);
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) throw new Error(`${column} is not a JSON list of text`);
  return value as string[];
}

function stringMap(json: unknown): Record<string, string> {
  if (json === null || json === undefined) return {};
  const value: unknown = JSON.parse(json as string);
  if (value === null || typeof value !== "object" || Array.isArray(value) || Object.values(value).some((v) => typeof v !== "string")) {
    throw new Error("metadata is not a JSON object of text values");
  }
  return value as Record<string, string>;
}
