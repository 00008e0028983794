/**
 * Sample rows (SPEC 3 field names) as the TrueFoundry metrics export writes them: its
 * column names, `Metadata` and `Teams` as JSON text, `request_id` split back into
 * `TraceId` and `SpanId`. The export has no columns for audio tokens and non-token units:
 * the columns after `IsBatch` carry them under their canonical (SPEC 3) names, which the
 * ingest presets read as they are, so the CSV sample loses nothing.
 *
 * Values are written as they are, quoted per RFC 4180 where needed: this is an input file,
 * so hostile cells (`=HYPERLINK(…)`) stay hostile on purpose.
 */
export const TRUEFOUNDRY_COLUMNS = [
  ["CreatedAt", "timestamp"],
  ["ModelName", "model"],
  ["InputTokens", "input_tokens"],
  ["OutputTokens", "output_tokens"],
  ["CostInUSD", "reported_cost_usd"],
  ["Metadata", "metadata"],
  ["CreatedBySubjectSlug", "subject"],
  ["CreatedBySubjectType", "subject_type"],
  ["Teams", "teams"],
  ["VirtualModelName", "virtual_model"],
  ["TraceId", "request_id"],
  ["SpanId", "request_id"],
  ["CacheReadInputTokens", "cache_read_tokens"],
  ["CacheCreationInputTokens", "cache_write_tokens"],
  ["ReasoningTokens", "reasoning_tokens"],
  ["Region", "region"],
  ["StatusCode", "status_code"],
  ["PersonalAccessTokenName", "pat_name"],
  ["ServiceTier", "service_tier"],
  ["IsBatch", "batch"],
  // Not in the TrueFoundry export: canonical names, which every preset reads as they are.
  ["input_audio_tokens", "input_audio_tokens"],
  ["output_audio_tokens", "output_audio_tokens"],
  ["input_images", "input_images"],
  ["output_images", "output_images"],
  ["input_characters", "input_characters"],
  ["input_seconds", "input_seconds"],
  ["output_seconds", "output_seconds"],
  ["queries", "queries"],
  ["pages", "pages"],
] as const;

/** The CSV text: a header line, then one line per row, `\n` line ends. */
export function toTrueFoundryCsv(rows: Iterable<Record<string, unknown>>): string {
  let text = TRUEFOUNDRY_HEADER;
  for (const row of rows) text += toTrueFoundryCsvLine(row);
  return text;
}

export const TRUEFOUNDRY_HEADER = `${TRUEFOUNDRY_COLUMNS.map(([column]) => column).join(",")}\n`;

/** One row as a CSV line, with its `\n`. */
export function toTrueFoundryCsvLine(row: Record<string, unknown>): string {
  const id = String(row.request_id ?? "");
  const colon = id.indexOf(":");
  const cells = TRUEFOUNDRY_COLUMNS.map(([column, field]) => {
    if (column === "TraceId") return colon < 0 ? id : id.slice(0, colon);
    if (column === "SpanId") return colon < 0 ? "" : id.slice(colon + 1);
    if (column === "IsBatch") return row.batch === true ? "true" : "false";
    const value = row[field];
    if (value === undefined || value === null) return column === "Metadata" ? "{}" : column === "Teams" ? "[]" : "";
    return typeof value === "object" ? JSON.stringify(value) : String(value);
  });
  return `${cells.map(quoteCell).join(",")}\n`;
}

/** RFC 4180: quote a cell holding a quote, comma or line break, or starting or ending with a space. */
function quoteCell(text: string): string {
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}
