import { formatDecimal, parseDecimal } from "../../pricing/money.ts";
import type { CanonicalField, FieldSource } from "../../schemas/column-mapping.schema.ts";
import { CLICKHOUSE_NULL, parseClickHouseArray, parseClickHouseMap } from "./parse-clickhouse-text.ts";

/** Reads one canonical field's input value from a record (undefined when absent). */
export type Getter = (record: Record<string, unknown>) => unknown;

/** A value a mapping could not convert: the row is rejected with this reason (compile-preset.ts catches it). */
export class SourceProblem {
  constructor(
    readonly field: CanonicalField,
    readonly reason: string,
  ) {}
}

/** The input columns an object source reads (for the column check). */
export function columnsOfSource(source: FieldSource): string[] {
  if (source.column !== undefined) return [source.column];
  if (source.template !== undefined)
    return templateParts(source.template)
      .filter((p) => p.column !== undefined)
      .map((p) => p.column!);
  return [];
}

/**
 * Compiles the object form of a mapped field (schemas/column-mapping.schema.ts) into one
 * getter, once per file: the origin (column, template or constant), then `path`, then
 * `map`/`default`, then `unit`. Column names are looked up as written (dots included).
 */
export function compileFieldSource(field: CanonicalField, source: FieldSource): Getter {
  let get: Getter;
  if (source.value !== undefined) {
    const constant = source.value;
    get = () => constant;
  } else if (source.template !== undefined) get = templateGetter(source.template);
  else {
    const column = source.column!;
    get = new Function("record", `return record[${JSON.stringify(column)}];`) as Getter;
    if (source.path) get = pathGetter(field, get, source.path);
  }
  if (source.map) get = mapGetter(get, source.map, source.default);
  if (source.unit === "cents") get = centsGetter(field, get);
  else if (source.unit !== undefined) get = epochGetter(field, get, EPOCH_DIGITS[source.unit]);
  return get;
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || value === "" || value === CLICKHOUSE_NULL;
}

/** A template's literal text and `{column}` placeholders; `{{` and `}}` are literal braces. */
export function templateParts(template: string): Array<{ text?: string; column?: string }> {
  const parts: Array<{ text?: string; column?: string }> = [];
  let text = "";
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if ((c === "{" || c === "}") && template[i + 1] === c) {
      text += c;
      i++;
    } else if (c === "{") {
      const end = template.indexOf("}", i);
      if (end === -1) throw new Error(`unclosed \`{\` at position ${i + 1}`);
      const column = template.slice(i + 1, end);
      if (column === "") throw new Error(`empty \`{}\` at position ${i + 1}`);
      if (text !== "") parts.push({ text });
      text = "";
      parts.push({ column });
      i = end;
    } else if (c === "}") throw new Error(`\`}\` without \`{\` at position ${i + 1} (write \`}}\` for a brace)`);
    else text += c;
  }
  if (text !== "") parts.push({ text });
  return parts;
}

function templateGetter(template: string): Getter {
  const parts = templateParts(template);
  const getters = parts.map((p) =>
    p.column === undefined ? undefined : (new Function("record", `return record[${JSON.stringify(p.column)}];`) as Getter),
  );
  return (record) => {
    let out = "";
    for (let i = 0; i < parts.length; i++) {
      const getter = getters[i];
      if (getter === undefined) {
        out += parts[i]!.text;
        continue;
      }
      const value = getter(record);
      if (isAbsent(value)) return undefined;
      if (typeof value === "object") return value; // not text: the field's own type check rejects it
      out += String(value).trim();
    }
    return out;
  };
}

/** Text that holds a JSON object or list, or a ClickHouse Map/Array, read as such; other values as they are. */
function structured(field: CanonicalField, value: unknown): unknown {
  if (typeof value !== "string") return value;
  const text = value.trim();
  const first = text[0];
  if (first !== "{" && first !== "[") return value;
  try {
    return JSON.parse(text);
  } catch {
    const parsed = first === "{" ? parseClickHouseMap(text) : parseClickHouseArray(text);
    if (parsed === undefined) throw new SourceProblem(field, `${field}: the column holds text that is not JSON or a ClickHouse map/array`);
    return parsed;
  }
}

function pathGetter(field: CanonicalField, get: Getter, path: ReadonlyArray<string | number>): Getter {
  return (record) => {
    let value = structured(field, get(record));
    for (let i = 0; i < path.length; i++) {
      if (typeof value !== "object" || value === null) return undefined;
      const key = path[i]!;
      if (!Object.hasOwn(value, key)) return undefined;
      value = (value as Record<string | number, unknown>)[key];
      if (i < path.length - 1) value = structured(field, value);
    }
    return value;
  };
}

/** The text a value map compares: text trimmed, numbers and booleans as JSON writes them. */
function mapKey(value: unknown): string | undefined {
  if (typeof value === "string") return value.trim();
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  return undefined;
}

function mapGetter(get: Getter, map: Readonly<Record<string, unknown>>, fallback: unknown): Getter {
  const table = new Map(Object.entries(map));
  return (record) => {
    const value = get(record);
    if (isAbsent(value)) return table.has("") ? table.get("") : value;
    const key = mapKey(value);
    if (key !== undefined && table.has(key)) return table.get(key);
    return fallback === undefined ? value : fallback;
  };
}

/** Cents → USD, exactly in decimal (`12.5` → `0.125`). */
function centsGetter(field: CanonicalField, get: Getter): Getter {
  return (record) => {
    const value = get(record);
    if (isAbsent(value)) return value;
    const text = typeof value === "number" && Number.isFinite(value) ? String(value) : typeof value === "string" ? value.trim() : undefined;
    let decimal;
    try {
      decimal = text === undefined ? undefined : parseDecimal(text);
    } catch {
      decimal = undefined;
    }
    if (decimal === undefined) throw new SourceProblem(field, `${field} must be a decimal number of cents, got ${shown(value)}`);
    return formatDecimal({ coef: decimal.coef, scale: decimal.scale + 2 });
  };
}

/** Digits of each epoch unit below one second. */
const EPOCH_DIGITS = { epoch_seconds: 0, epoch_ms: 3, epoch_us: 6, epoch_ns: 9 } as const;

/**
 * An epoch number in the unit → epoch milliseconds (a number), by exact integer math: a
 * finer unit is cut to the millisecond (toward the past); decimal text is taken exactly.
 */
function epochGetter(field: CanonicalField, get: Getter, digits: number): Getter {
  return (record) => {
    const value = get(record);
    if (isAbsent(value)) return value;
    const text =
      typeof value === "number" && Number.isFinite(value)
        ? String(value)
        : typeof value === "bigint"
          ? String(value)
          : typeof value === "string"
            ? value.trim()
            : undefined;
    let decimal;
    try {
      decimal = text === undefined || !/^\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/.test(text) ? undefined : parseDecimal(text);
    } catch {
      decimal = undefined;
    }
    if (decimal === undefined)
      throw new SourceProblem(field, `${field} must be a whole number of ${UNIT_NAMES[digits]} since 1970, got ${shown(value)}`);
    // value × 10^(3 − digits − scale) milliseconds, cut toward the past.
    const shift = 3 - digits - decimal.scale;
    const ms = shift >= 0 ? decimal.coef * 10n ** BigInt(shift) : decimal.coef / 10n ** BigInt(-shift);
    if (ms > BigInt(Number.MAX_SAFE_INTEGER)) throw new SourceProblem(field, `invalid timestamp: ${shown(value)} ${UNIT_NAMES[digits]}`);
    return Number(ms);
  };
}

const UNIT_NAMES: Readonly<Record<number, string>> = { 0: "seconds", 3: "milliseconds", 6: "microseconds", 9: "nanoseconds" };

function shown(value: unknown): string {
  const text = typeof value === "string" ? JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value) : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
