import {
  MAX_METADATA_DEPTH,
  MAX_QUANTITY_DIGITS,
  MAX_QUANTITY_SCALE,
  MAX_REPORTED_COST_DIGITS,
  MAX_REPORTED_COST_SCALE,
  MAX_TOKENS,
} from "../../lib/limits.ts";
import { decimalShape } from "../../pricing/money.ts";
import type { CanonicalField } from "../../schemas/column-mapping.schema.ts";
import type { LogRow } from "../../schemas/log-row.ts";
import type { CompiledPreset } from "./compile-preset.ts";
import { readTimestamp } from "./read-timestamp.ts";
import { CLICKHOUSE_NULL, parseClickHouseArray, parseClickHouseMap } from "./parse-clickhouse-text.ts";
import { toJsonText } from "./to-json-text.ts";

/** A row that failed the type checks: the reason, and the canonical field at fault when there is one. */
export interface RowProblem {
  reason: string;
  field?: CanonicalField;
}

/**
 * Maps one input record through a preset and checks it into a LogRow (SPEC 3). The rules
 * are the contract of the ingest stage; "absent" means a missing column, null or "" (text
 * is trimmed first; ClickHouse's NULL cell `\N` is absent too, in any field):
 *
 * - Columns: a column the preset does not read is ignored (and listed per file), except
 *   one that looks like a misspelling of a column it reads (`closest` edit distance, case
 *   ignored): the row is rejected with `unknown column \`input_token\` (did you mean
 *   \`input_tokens\`?)`, because a misspelled token column would price the call too low.
 * - `request_id`, `model`: required text (numbers are taken as their decimal text);
 *   absent → `missing request_id` / `missing model`. A virtual-model parent row without
 *   a model takes its `virtual_model` as model (it is never priced).
 * - `timestamp`: ISO 8601 text (UTC when it has no offset; a `+hh` offset or a ` UTC`
 *   suffix is accepted too), a Date (Parquet TIMESTAMP), or epoch milliseconds as a
 *   number or digit text, between 2000 and 2100 (so epoch seconds are not taken for 1970);
 *   absent → `missing timestamp`, else `invalid timestamp: <value>`.
 * - `timestamp` offsets must lie within ±14:00 (`+99:00` is no time zone).
 * - Token counts (input, cache read, cache write, 1-hour cache write, output, reasoning, input/output audio):
 *   absent → 0; a number or digit text (`12`, `12.0`) that is a whole number ≥ 0.
 *   Negative → `input_tokens must be ≥ 0, got -5`; fractional or not a number →
 *   `input_tokens must be a whole number, got "abc"`; above MAX_TOKENS (10^12 − 1) →
 *   `input_tokens is too large: …`. With `inputExcludesCache` (Anthropic usage)
 *   input_tokens = input + cache read + cache write (the sum within the same limit).
 * - Subsets: cache_read + cache_write ≤ input (`cache_read_tokens + cache_write_tokens (X)
 *   exceed input_tokens (Y)`), cache_write_1h ≤ cache_write (`cache_write_1h_tokens (X)
 *   exceed cache_write_tokens (Y)`), input_audio ≤ input − cache read − cache write,
 *   output_audio ≤ output, reasoning ≤ output.
 * - Non-token units (images, characters, seconds, queries, pages): absent → null; else
 *   decimal text ≥ 0, below 10^12 with at most 18 decimal places, kept exactly as written
 *   (a JSON number as `String(n)`).
 * - `batch`, `gateway_cache_hit`: true/false, "true"/"false"/"1"/"0" (any case), 1/0;
 *   absent → false.
 * - `region`, `subject`, `subject_type`, `pat_name`, `service_tier`, `virtual_model`:
 *   text or null; `subject_type` is lowercased (`VirtualAccount` → `virtualaccount`).
 * - `status_code`: whole number or null.
 * - `teams`: a list of text, text holding a JSON array or a ClickHouse Array(String)
 *   (`['a','b']`, parse-clickhouse-text.ts), or a comma-separated list; absent → [].
 *   Entries are trimmed; empty and repeated entries dropped.
 * - `metadata`: an object, or text holding a JSON object or a ClickHouse Map(String, String)
 *   (`{'k':'v'}`); absent → {}. Values become text
 *   (numbers and booleans as written, objects and lists as JSON); null values are dropped.
 *   Anything else → `metadata must be a JSON object`; a value nested more than
 *   MAX_METADATA_DEPTH (32) levels → `metadata.<key> is nested more than 32 levels deep`.
 * - `reported_cost_usd`: decimal text (a JSON number as `String(n)`, sign allowed) or null;
 *   below 10^9 USD in size with at most 30 decimal places (a DECIMAL(18,9) column).
 * - `calls`: absent → the row is one call (no `calls` property); else a whole number ≥ 0,
 *   the number of calls an aggregate row sums (0: unknown), checked like a token count.
 * - A record too deeply nested to inspect at all is one reject, never a crash.
 */
export function toLogRow(record: Record<string, unknown>, preset: CompiledPreset): { row: LogRow } | RowProblem {
  const values = preset.read(record);
  if (typeof values === "string") return { reason: values };
  try {
    const requestId = required("request_id", values.request_id);
    const at = timestamp(values.timestamp);
    const virtualModel = text("virtual_model", values.virtual_model);
    const model = virtualModel === null ? required("model", values.model) : (text("model", values.model) ?? virtualModel);
    let input = count("input_tokens", values.input_tokens);
    const cacheRead = count("cache_read_tokens", values.cache_read_tokens);
    const cacheWrite = count("cache_write_tokens", values.cache_write_tokens);
    const cacheWrite1h = count("cache_write_1h_tokens", values.cache_write_1h_tokens);
    const output = count("output_tokens", values.output_tokens);
    const reasoning = count("reasoning_tokens", values.reasoning_tokens);
    const inputAudio = count("input_audio_tokens", values.input_audio_tokens);
    const outputAudio = count("output_audio_tokens", values.output_audio_tokens);
    if (preset.inputExcludesCache) {
      input += cacheRead + cacheWrite;
      if (input > MAX_TOKENS) tooManyTokens("input_tokens", String(input));
    }
    // The subset rules of the pricing engine's checkCall, with this contract's reasons;
    // inline because checkCall's generic loops cost more than all other checks of a row.
    const cached = cacheRead + cacheWrite;
    if (cached > input) fail("cache_read_tokens", `cache_read_tokens + cache_write_tokens (${cached}) exceed input_tokens (${input})`);
    if (cacheWrite1h > cacheWrite)
      fail("cache_write_1h_tokens", `cache_write_1h_tokens (${cacheWrite1h}) exceed cache_write_tokens (${cacheWrite})`);
    if (inputAudio > input - cached)
      fail("input_audio_tokens", `input_audio_tokens (${inputAudio}) exceed the uncached input tokens (${input - cached})`);
    if (outputAudio > output) fail("output_audio_tokens", `output_audio_tokens (${outputAudio}) exceed output_tokens (${output})`);
    if (reasoning > output) fail("reasoning_tokens", `reasoning_tokens (${reasoning}) exceed output_tokens (${output})`);

    const subjectType = text("subject_type", values.subject_type);
    const row: LogRow = {
      request_id: requestId,
      timestamp: at,
      model,
      region: text("region", values.region),
      subject_type: subjectType === null ? null : subjectType.toLowerCase(),
      subject: text("subject", values.subject),
      pat_name: text("pat_name", values.pat_name),
      teams: teams(values.teams),
      input_tokens: input,
      cache_read_tokens: cacheRead,
      cache_write_tokens: cacheWrite,
      cache_write_1h_tokens: cacheWrite1h,
      output_tokens: output,
      reasoning_tokens: reasoning,
      input_audio_tokens: inputAudio,
      output_audio_tokens: outputAudio,
      input_images: quantity("input_images", values.input_images),
      output_images: quantity("output_images", values.output_images),
      input_characters: quantity("input_characters", values.input_characters),
      input_seconds: quantity("input_seconds", values.input_seconds),
      output_seconds: quantity("output_seconds", values.output_seconds),
      queries: quantity("queries", values.queries),
      pages: quantity("pages", values.pages),
      batch: flag("batch", values.batch),
      service_tier: text("service_tier", values.service_tier),
      status_code: wholeOrNull("status_code", values.status_code),
      virtual_model: virtualModel,
      metadata: metadata(values.metadata),
      reported_cost_usd: decimalOrNull("reported_cost_usd", values.reported_cost_usd),
      gateway_cache_hit: flag("gateway_cache_hit", values.gateway_cache_hit),
      calls: values.calls === undefined || values.calls === null || values.calls === "" ? undefined : count("calls", values.calls),
    };
    return { row };
  } catch (problem) {
    if (problem instanceof Rejection) return { reason: problem.reason, field: problem.field };
    // A record nested so deeply that walking it overflows the stack: a reject, not a crash.
    if (problem instanceof RangeError) return { reason: `record too deeply nested to read (${problem.message})` };
    throw problem;
  }
}

/** Thrown by the field checks below and caught in toLogRow (no stack: rejects can be many). */
class Rejection {
  constructor(
    readonly field: CanonicalField,
    readonly reason: string,
  ) {}
}

function fail(field: CanonicalField, reason: string): never {
  throw new Rejection(field, reason);
}

const WHOLE = /^\+?(\d+)(?:\.0*)?$/;
const NEGATIVE = /^-\d+(?:\.\d*)?$|^-\.\d+$/;
const DIGITS = /^\d+$/;
const MIN_EPOCH_MS = Date.UTC(2000, 0, 1);
const MAX_EPOCH_MS = Date.UTC(2100, 0, 1);
const MAX_TOKENS_BIG = BigInt(MAX_TOKENS);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A value as a reason shows it: text quoted, long values cut. */
function show(value: unknown): string {
  const long = typeof value === "string" && value.length > 200 ? value.slice(0, 200) : value;
  const shown =
    typeof long === "string"
      ? JSON.stringify(long)
      : typeof long === "object" && long !== null
        ? nestingDepth(long, MAX_METADATA_DEPTH) > MAX_METADATA_DEPTH
          ? "a deeply nested value"
          : toJsonText(long)
        : String(long);
  return shown.length > 80 ? `${shown.slice(0, 77)}...` : shown;
}

/**
 * Levels of objects and lists in `value` (a scalar is 0, `{}` is 1, `{"a":[1]}` is 2),
 * walked without recursion and counted only up to `limit + 1`.
 */
export function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== "object" || node === null || node instanceof Date) continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > limit) return deepest;
    for (const key in node) stack.push([(node as Record<string, unknown>)[key], level]);
  }
  return deepest;
}

function tooManyTokens(field: CanonicalField, got: string): never {
  return fail(field, `${field} is too large: at most ${MAX_TOKENS.toLocaleString("en")} per row, got ${got}`);
}

function count(field: CanonicalField, value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === "number") {
    if (Number.isSafeInteger(value)) {
      if (value < 0) fail(field, `${field} must be ≥ 0, got ${value}`);
      if (value > MAX_TOKENS) tooManyTokens(field, String(value));
      return value === 0 ? 0 : value; // never -0
    }
    if (Number.isInteger(value)) return value < 0 ? fail(field, `${field} must be ≥ 0, got ${value}`) : tooManyTokens(field, String(value));
    fail(field, `${field} must be a whole number, got ${show(value)}`);
  }
  if (typeof value === "string") {
    const plain = digitsValue(value);
    if (plain >= 0) return plain <= MAX_TOKENS ? plain : tooManyTokens(field, value);
    const trimmed = value.trim();
    if (trimmed === "" || trimmed === CLICKHOUSE_NULL) return 0;
    const whole = WHOLE.exec(trimmed);
    if (whole) {
      const n = Number(whole[1]);
      if (!(n <= MAX_TOKENS)) tooManyTokens(field, show(trimmed));
      return n;
    }
    if (NEGATIVE.test(trimmed)) fail(field, `${field} must be ≥ 0, got ${trimmed}`);
    fail(field, `${field} must be a whole number, got ${show(value)}`);
  }
  if (typeof value === "bigint") {
    if (value < 0n) fail(field, `${field} must be ≥ 0, got ${value}`);
    if (value > MAX_TOKENS_BIG) tooManyTokens(field, String(value));
    return Number(value);
  }
  return fail(field, `${field} must be a whole number, got ${show(value)}`);
}

/** The value of 1 to 15 plain digits (the usual CSV token cell), else -1. */
function digitsValue(text: string): number {
  const length = text.length;
  if (length === 0 || length > 15) return -1;
  let n = 0;
  for (let i = 0; i < length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n;
}

function text(field: CanonicalField, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "string") {
    const trimmed = value.trim();
    return trimmed === "" || trimmed === CLICKHOUSE_NULL ? null : trimmed;
  }
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  return fail(field, `${field} must be text, got ${show(value)}`);
}

function required(field: CanonicalField, value: unknown): string {
  return text(field, value) ?? fail(field, `missing ${field}`);
}

function timestamp(value: unknown): number {
  if (value === undefined || value === null) fail("timestamp", "missing timestamp");
  let ms: number | undefined;
  let shown: string;
  if (typeof value === "string") {
    shown = value.trim();
    if (shown === "" || shown === CLICKHOUSE_NULL) fail("timestamp", "missing timestamp");
    ms = DIGITS.test(shown) ? epochMs(Number(shown)) : readTimestamp(shown);
  } else if (typeof value === "number" || typeof value === "bigint") {
    shown = String(value);
    ms = epochMs(Number(value));
  } else if (value instanceof Date) {
    shown = String(value);
    ms = Number.isNaN(value.getTime()) ? undefined : value.getTime();
  } else {
    shown = show(value);
  }
  return ms ?? fail("timestamp", `invalid timestamp: ${shown}`);
}

function epochMs(n: number): number | undefined {
  return Number.isInteger(n) && n >= MIN_EPOCH_MS && n < MAX_EPOCH_MS ? n : undefined;
}

function quantity(field: CanonicalField, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  let written: string;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) fail(field, `${field} must be a number ≥ 0, got ${value}`);
    written = String(value);
  } else if (typeof value === "string") {
    written = value.trim();
    if (written === "" || written === CLICKHOUSE_NULL) return null;
  } else if (typeof value === "bigint") {
    written = String(value);
  } else {
    return fail(field, `${field} must be a number ≥ 0, got ${show(value)}`);
  }
  const shape = decimalShape(written);
  if (shape === undefined) fail(field, `${field} must be a number ≥ 0, got ${show(value)}`);
  if (shape.negative) fail(field, `${field} must be ≥ 0, got ${show(written).slice(1, -1)}`);
  if (shape.integerDigits > MAX_QUANTITY_DIGITS || shape.scale > MAX_QUANTITY_SCALE) {
    fail(field, `${field} must be below 10^${MAX_QUANTITY_DIGITS} with at most ${MAX_QUANTITY_SCALE} decimal places, got ${show(written)}`);
  }
  return written;
}

function flag(field: CanonicalField, value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === "boolean") return value;
  if (value === 1 || value === 1n) return true;
  if (value === 0 || value === 0n) return false;
  if (typeof value === "string") {
    const lower = value.trim().toLowerCase();
    if (lower === "" || value.trim() === CLICKHOUSE_NULL || lower === "false" || lower === "0") return false;
    if (lower === "true" || lower === "1") return true;
  }
  return fail(field, `${field} must be true or false, got ${show(value)}`);
}

function wholeOrNull(field: CanonicalField, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "number" && Number.isSafeInteger(value)) return value;
  if (typeof value === "bigint" && value >= -MAX_SAFE && value <= MAX_SAFE) return Number(value);
  if (typeof value === "string") {
    const trimmed = value.trim();
    if (trimmed === "" || trimmed === CLICKHOUSE_NULL) return null;
    const whole = WHOLE.exec(trimmed);
    if (whole && Number.isSafeInteger(Number(whole[1]))) return Number(whole[1]);
  }
  return fail(field, `${field} must be a whole number, got ${show(value)}`);
}

/** A money amount the gateway reported: it must fit the DECIMAL(18,9) column it is kept in. */
function decimalOrNull(field: CanonicalField, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  let written: string | undefined;
  if (typeof value === "number" && Number.isFinite(value)) written = String(value);
  else if (typeof value === "bigint") written = String(value);
  else if (typeof value === "string") {
    written = value.trim();
    if (written === "" || written === CLICKHOUSE_NULL) return null;
  }
  const shape = written === undefined ? undefined : decimalShape(written);
  if (shape === undefined) return fail(field, `${field} must be a decimal number, got ${show(value)}`);
  if (shape.integerDigits > MAX_REPORTED_COST_DIGITS || shape.scale > MAX_REPORTED_COST_SCALE) {
    fail(
      field,
      `${field} must be below 10^${MAX_REPORTED_COST_DIGITS} USD with at most ${MAX_REPORTED_COST_SCALE} decimal places, got ${show(written)}`,
    );
  }
  return written!;
}

function teams(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  let list: unknown = value;
  if (typeof value === "string") {
    const trimmed = value.trim();
    if (trimmed === "" || trimmed === CLICKHOUSE_NULL) return [];
    if (!trimmed.includes(",") && !trimmed.startsWith("[")) return [trimmed];
    if (trimmed.startsWith("[")) {
      try {
        list = JSON.parse(trimmed);
      } catch {
        list = parseClickHouseArray(trimmed);
        if (list === undefined)
          fail("teams", `teams must be a JSON array, a ClickHouse array or a comma-separated list, got ${show(value)}`);
      }
    } else {
      list = trimmed.split(",");
    }
  }
  if (!Array.isArray(list)) return fail("teams", `teams must be a list of team names, got ${show(value)}`);
  const out: string[] = [];
  for (const entry of list) {
    if (entry === null || entry === undefined) continue;
    if (typeof entry !== "string" && typeof entry !== "number") fail("teams", `teams must be a list of team names, got ${show(value)}`);
    const name = String(entry).trim();
    if (name !== "" && !out.includes(name)) out.push(name);
  }
  return out;
}

function metadata(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  let object: unknown = value;
  if (typeof value === "string") {
    const trimmed = value.trim();
    if (trimmed === "" || trimmed === CLICKHOUSE_NULL) return {};
    try {
      object = JSON.parse(trimmed);
    } catch {
      object = parseClickHouseMap(trimmed);
      if (object === undefined) fail("metadata", "metadata must be a JSON object or a ClickHouse map");
    }
  }
  if (typeof object !== "object" || object === null || Array.isArray(object) || object instanceof Date) {
    return fail("metadata", "metadata must be a JSON object");
  }
  const out: Record<string, string> = {};
  const source = object as Record<string, unknown>;
  for (const key in source) {
    const entry = source[key];
    if (entry === null || entry === undefined || !Object.hasOwn(source, key)) continue;
    if (typeof entry === "object" && !(entry instanceof Date) && nestingDepth(entry, MAX_METADATA_DEPTH) > MAX_METADATA_DEPTH) {
      fail("metadata", `metadata.${show(key).slice(1, -1)} is nested more than ${MAX_METADATA_DEPTH} levels deep`);
    }
    const written =
      typeof entry === "string"
        ? entry
        : entry instanceof Date
          ? entry.toISOString()
          : typeof entry === "object"
            ? toJsonText(entry)
            : String(entry);
    if (key === "__proto__") Object.defineProperty(out, key, { value: written, enumerable: true, writable: true, configurable: true });
    else out[key] = written;
  }
  return out;
}
