/**
 * What a native-format normaliser makes of one input record: records with the canonical
 * field names of SPEC 3 (ready for to-log-row.ts), or, for an inner element that cannot be
 * one, the reason and that element's text. All of them keep the input record's line. A
 * call from an inner element carries that element's text (`raw`) for its reject, if any.
 */
export type Expanded = { record: Record<string, unknown>; raw?: string } | { error: string; raw: string };

/** Turns one native input record (a row, an OTLP batch, a usage-API page or bucket) into calls. */
export type Normaliser = (record: Record<string, unknown>) => Expanded[];

/** The value as a plain object, else undefined (arrays and null are not objects here). */
export function objectOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** An object column that may also arrive as JSON text (CSV, Parquet, ClickHouse exports). */
export function objectOrJson(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== "string") return objectOf(value);
  const text = value.trim();
  if (!text.startsWith("{")) return undefined;
  try {
    return objectOf(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** The first value that is present (not undefined, null or ""). */
export function firstPresent(...values: unknown[]): unknown {
  for (const value of values) if (value !== undefined && value !== null && value !== "") return value;
  return undefined;
}

/** `<provider>/<model>`, the gateway model name of a format that gives both apart; the model alone when it already names the provider. */
export function providerModel(provider: unknown, model: unknown): unknown {
  if (typeof model !== "string" || model.trim() === "") return model;
  if (typeof provider !== "string" || provider.trim() === "") return model;
  const prefix = `${provider.trim()}/`;
  return model.startsWith(prefix) ? model : `${prefix}${model.trim()}`;
}

/** Epoch seconds (number or digit text) as epoch milliseconds; anything else passed on for the timestamp check. */
export function secondsToMillis(value: unknown): unknown {
  if (typeof value === "number" && Number.isFinite(value)) return value * 1000;
  if (typeof value === "string" && /^\d{1,12}$/.test(value.trim())) return Number(value.trim()) * 1000;
  return value;
}

/** A page of results (`{data: [...]}`, as the usage APIs and LiteLLM's `/spend/logs/v2` return): its elements; else undefined. */
export function pageElements(record: Record<string, unknown>): unknown[] | undefined {
  return Array.isArray(record.data) ? record.data : undefined;
}

/** Each element of a page through `one`; an element that is not an object is one reject. */
export function expandPage(elements: unknown[], what: string, one: (element: Record<string, unknown>) => Expanded[]): Expanded[] {
  const out: Expanded[] = [];
  elements.forEach((element, i) => {
    const object = objectOf(element);
    if (object) {
      for (const expanded of one(object))
        out.push("record" in expanded && expanded.raw === undefined ? { ...expanded, raw: rawOf(object) } : expanded);
    } else out.push({ error: `${what}[${i}] is not a JSON object`, raw: rawOf(element) });
  });
  return out;
}

/** An element's text for the rejects file. */
export function rawOf(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
