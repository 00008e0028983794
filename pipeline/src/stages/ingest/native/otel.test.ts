import { describe, expect, it } from "vitest";
import { attributeMap, nanosToMillis, normaliseOtel } from "./otel.ts";

const attrs = (map: Record<string, string | number>) =>
  Object.entries(map).map(([key, v]) => ({ key, value: typeof v === "number" ? { intValue: String(v) } : { stringValue: v } }));
const span = (spanId: string, map: Record<string, string | number>) => ({
  traceId: "t1",
  spanId,
  startTimeUnixNano: "1772445600005000000",
  attributes: attrs(map),
});
const GENAI = {
  "gen_ai.operation.name": "chat",
  "gen_ai.provider.name": "openai",
  "gen_ai.request.model": "gpt-4o",
  "gen_ai.usage.input_tokens": 10,
};

describe("normaliseOtel", () => {
  it("OTLP JSON: one call per GenAI span, other spans skipped, a bad span one reject", () => {
    const out = normaliseOtel({
      resourceSpans: [
        {
          resource: { attributes: attrs({ "service.name": "svc" }) },
          scopeSpans: [
            {
              spans: [
                span("s0", { "http.route": "/x" }),
                span("s1", GENAI),
                "junk",
                span("s2", { ...GENAI, "gen_ai.response.model": "gpt-4o-2024-08-06" }),
              ],
            },
          ],
        },
      ],
    });
    expect(out).toEqual([
      {
        raw: expect.any(String),
        record: expect.objectContaining({
          request_id: "t1:s1",
          timestamp: 1772445600005,
          model: "openai/gpt-4o",
          input_tokens: "10",
          metadata: { "service.name": "svc", "gen_ai.operation.name": "chat" },
        }),
      },
      { error: "spans[2] is not a JSON object", raw: '"junk"' },
      { raw: expect.any(String), record: expect.objectContaining({ request_id: "t1:s2", model: "openai/gpt-4o-2024-08-06" }) },
    ]);
  });
  it("ClickHouse otel_traces rows: dotted SpanAttributes (object or JSON text), DateTime64 text", () => {
    const [out] = normaliseOtel({
      Timestamp: "2026-03-02 13:00:00.123456789",
      TraceId: "t",
      SpanId: "s",
      ServiceName: "svc",
      SpanAttributes: JSON.stringify({
        "gen_ai.system": "anthropic",
        "gen_ai.request.model": "claude-haiku-4-5",
        "gen_ai.usage.cache_creation.input_tokens": "5",
      }),
    });
    expect(out).toEqual({
      record: expect.objectContaining({
        request_id: "t:s",
        timestamp: "2026-03-02T13:00:00.123Z",
        model: "anthropic/claude-haiku-4-5",
        cache_write_tokens: "5",
      }),
    });
    expect(normaliseOtel({ TraceId: "t", SpanId: "s", SpanAttributes: { "db.system.name": "postgresql" } })).toEqual([
      { error: expect.stringMatching(/^not a GenAI span/), raw: expect.any(String) },
    ]);
  });
  it("reads attribute values of each OTLP kind and nanoseconds exactly", () => {
    expect(attributeMap([{ key: "a", value: { intValue: "7" } }, { key: "b", value: { boolValue: false } }, { key: "c" }])).toEqual({
      a: "7",
      b: false,
    });
    expect(nanosToMillis("1772445600999999999")).toBe(1772445600999);
    expect(nanosToMillis("soon")).toBe("soon");
  });
});
