import { expandPage, firstPresent, objectOf, objectOrJson, providerModel, rawOf, type Expanded } from "./expanded.ts";

/**
 * OpenTelemetry GenAI spans (semantic conventions `gen_ai.*`, semconv v1.37), in two shapes:
 *
 * - the OTLP JSON encoding written by the Collector's file exporter (one
 *   `{resourceSpans: [{resource, scopeSpans: [{scope, spans: [...]}]}]}` batch per line;
 *   attributes are `[{key, value: {stringValue | intValue | doubleValue | boolValue}}]`,
 *   times unix nanoseconds as text, ids hex): each GenAI span of the batch is one call,
 *   other spans (HTTP, database, …) are not calls and are skipped;
 * - rows of the Collector ClickHouse exporter's `otel_traces` table (Timestamp, TraceId,
 *   SpanId, SpanName, ServiceName, SpanAttributes Map(String, String) with dotted keys,
 *   StatusCode, Duration, …): one call per row, and a row that is no GenAI span is rejected.
 *
 * A GenAI span has `gen_ai.operation.name` or a `gen_ai.usage.*` count.
 *
 * | canonical | span |
 * |---|---|
 * | request_id | traceId:spanId (TraceId:SpanId) |
 * | timestamp | startTimeUnixNano (Timestamp) |
 * | model | `gen_ai.provider.name` (else `gen_ai.system`) + "/" + `gen_ai.response.model` (else `gen_ai.request.model`) |
 * | input_tokens | gen_ai.usage.input_tokens (all input, cached included) |
 * | output_tokens | gen_ai.usage.output_tokens |
 * | cache_read_tokens | gen_ai.usage.cache_read.input_tokens |
 * | cache_write_tokens | gen_ai.usage.cache_creation.input_tokens |
 * | reasoning_tokens | gen_ai.usage.reasoning.output_tokens |
 * | service_tier | openai.response.service_tier, else gen_ai.openai.response.service_tier |
 * | status_code | http.response.status_code |
 * | subject (type `user`) | user.id, else enduser.id |
 * | metadata | service.name, gen_ai.operation.name, gen_ai.conversation.id, error.type (those present) |
 */
export function normaliseOtel(record: Record<string, unknown>): Expanded[] {
  if (Array.isArray(record.resourceSpans)) return otlpBatch(record.resourceSpans);
  const attributes = objectOrJson(record.SpanAttributes);
  if (!attributes || !isGenAi(attributes)) {
    return [{ error: "not a GenAI span: SpanAttributes has no gen_ai.operation.name or gen_ai.usage.* key", raw: rawOf(record) }];
  }
  const resource = objectOrJson(record.ResourceAttributes) ?? {};
  return [
    {
      record: callOf(
        attributes,
        joinIds(record.TraceId, record.SpanId),
        clickhouseTime(record.Timestamp),
        firstPresent(record.ServiceName, resource["service.name"]),
      ),
    },
  ];
}

function otlpBatch(resourceSpans: unknown[]): Expanded[] {
  return expandPage(resourceSpans, "resourceSpans", (resourceSpan) => {
    const resource = attributeMap(objectOf(resourceSpan.resource)?.attributes);
    const scopeSpans = Array.isArray(resourceSpan.scopeSpans) ? resourceSpan.scopeSpans : [];
    return expandPage(scopeSpans, "scopeSpans", (scopeSpan) => {
      const spans = Array.isArray(scopeSpan.spans) ? scopeSpan.spans : [];
      return expandPage(spans, "spans", (span) => {
        if (!Array.isArray(span.attributes)) return [];
        const attributes = attributeMap(span.attributes);
        if (!isGenAi(attributes)) return [];
        return [
          {
            record: callOf(attributes, joinIds(span.traceId, span.spanId), nanosToMillis(span.startTimeUnixNano), resource["service.name"]),
          },
        ];
      });
    });
  });
}

function callOf(a: Record<string, unknown>, requestId: unknown, timestamp: unknown, service: unknown): Record<string, unknown> {
  const user = firstPresent(a["user.id"], a["enduser.id"]);
  const metadata: Record<string, unknown> = {};
  for (const [key, value] of [
    ["service.name", service],
    ["gen_ai.operation.name", a["gen_ai.operation.name"]],
    ["gen_ai.conversation.id", a["gen_ai.conversation.id"]],
    ["error.type", a["error.type"]],
  ] as const) {
    if (firstPresent(value) !== undefined) metadata[key] = value;
  }
  return {
    request_id: requestId,
    timestamp,
    model: providerModel(
      firstPresent(a["gen_ai.provider.name"], a["gen_ai.system"]),
      firstPresent(a["gen_ai.response.model"], a["gen_ai.request.model"]),
    ),
    input_tokens: a["gen_ai.usage.input_tokens"],
    output_tokens: a["gen_ai.usage.output_tokens"],
    cache_read_tokens: a["gen_ai.usage.cache_read.input_tokens"],
    cache_write_tokens: a["gen_ai.usage.cache_creation.input_tokens"],
    reasoning_tokens: a["gen_ai.usage.reasoning.output_tokens"],
    service_tier: firstPresent(a["openai.response.service_tier"], a["gen_ai.openai.response.service_tier"]),
    status_code: a["http.response.status_code"],
    subject: user,
    subject_type: user === undefined ? undefined : "user",
    metadata,
  };
}

function isGenAi(attributes: Record<string, unknown>): boolean {
  if (firstPresent(attributes["gen_ai.operation.name"]) !== undefined) return true;
  for (const key in attributes) if (key.startsWith("gen_ai.usage.")) return true;
  return false;
}

/** OTLP JSON `[{key, value: {stringValue: …}}]` as `{key: value}` (intValue is text in OTLP JSON; kept as written). */
export function attributeMap(list: unknown): Record<string, unknown> {
  const map: Record<string, unknown> = {};
  if (!Array.isArray(list)) return map;
  for (const item of list) {
    const entry = objectOf(item);
    const value = objectOf(entry?.value);
    if (typeof entry?.key !== "string" || !value) continue;
    map[entry.key] = firstPresent(value.stringValue, value.intValue, value.doubleValue, value.boolValue);
  }
  return map;
}

function joinIds(traceId: unknown, spanId: unknown): unknown {
  const ids = [traceId, spanId].filter((id) => typeof id === "string" && id.trim() !== "") as string[];
  return ids.length === 0 ? undefined : ids.join(":");
}

/** Unix nanoseconds (text or number) as epoch milliseconds; anything else passed on for the timestamp check. */
export function nanosToMillis(value: unknown): unknown {
  const text =
    typeof value === "number" && Number.isSafeInteger(value) ? String(value) : typeof value === "string" ? value.trim() : undefined;
  if (text === undefined || !/^\d{1,20}$/.test(text)) return value;
  return Number(BigInt(text) / 1_000_000n);
}

/** ClickHouse DateTime64(9) text `2025-06-01 10:00:00.123456789` (UTC) as ISO 8601 with milliseconds. */
function clickhouseTime(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?$/.exec(value.trim());
  if (!match) return value;
  return `${match[1]}T${match[2]}.${(match[3] ?? "").padEnd(3, "0").slice(0, 3)}Z`;
}
