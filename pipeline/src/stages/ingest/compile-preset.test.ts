import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CANONICAL_FIELDS } from "../../schemas/column-mapping.schema.ts";
import { priceFieldsOf } from "../../schemas/price-fields.ts";
import { compilePreset } from "./compile-preset.ts";
import { detectPreset } from "./detect-preset.ts";
import { toLogRow } from "./to-log-row.ts";

/** A row of the TrueFoundry metrics export, as JSON Lines give it. */
const TRUEFOUNDRY = {
  TraceId: "4bf92f3577b34da6",
  SpanId: "00f067aa0ba902b7",
  CreatedAt: "2026-03-01 12:00:00.250000",
  ModelName: "anthropic-main/claude-sonnet-4-5",
  InputTokens: 1200,
  OutputTokens: 300,
  CacheReadInputTokens: 1000,
  CacheCreationInputTokens: 100,
  ReasoningTokens: 20,
  CostInUSD: 0.004821,
  Metadata: { cost_center: "CC-1042", env: "production" },
  CreatedBySubjectSlug: "checkout-service",
  CreatedBySubjectType: "VirtualAccount",
  Teams: ["payments"],
  VirtualModelName: null,
  HttpStatusCode: 200,
  IsBatch: "false",
  LatencyMs: 812.5,
  Streaming: true,
  ModelId: "m-123",
};

describe("the truefoundry preset", () => {
  it("maps the export's columns, joins TraceId:SpanId, lowercases the subject type and lists the columns it ignores", () => {
    const preset = compilePreset("truefoundry");
    const result = toLogRow(TRUEFOUNDRY, preset);
    expect(result).toMatchObject({
      row: {
        request_id: "4bf92f3577b34da6:00f067aa0ba902b7",
        timestamp: Date.UTC(2026, 2, 1, 12, 0, 0, 250),
        model: "anthropic-main/claude-sonnet-4-5",
        input_tokens: 1200,
        cache_read_tokens: 1000,
        cache_write_tokens: 100,
        output_tokens: 300,
        reasoning_tokens: 20,
        reported_cost_usd: "0.004821",
        metadata: { cost_center: "CC-1042", env: "production" },
        subject: "checkout-service",
        subject_type: "virtualaccount",
        teams: ["payments"],
        virtual_model: null,
        status_code: 200,
        batch: false,
      },
    });
    expect(preset.ignoredColumns()).toEqual(["LatencyMs", "ModelId", "Streaming"]);
  });

  it("takes whichever of TraceId and SpanId exists as request_id", () => {
    const { SpanId: _span, ...traceOnly } = TRUEFOUNDRY;
    expect(toLogRow(traceOnly, compilePreset("truefoundry"))).toMatchObject({ row: { request_id: "4bf92f3577b34da6" } });
    expect(toLogRow({ ...TRUEFOUNDRY, TraceId: null, SpanId: null }, compilePreset("truefoundry"))).toEqual({
      reason: "missing request_id",
      field: "request_id",
    });
  });

  it("reads the CSV form of the export (JSON text in Metadata and Teams)", () => {
    const csv = Object.fromEntries(
      Object.entries(TRUEFOUNDRY).map(([k, v]) => [k, v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v)]),
    );
    expect(toLogRow(csv, compilePreset("truefoundry"))).toMatchObject({
      row: {
        input_tokens: 1200,
        reported_cost_usd: "0.004821",
        metadata: { cost_center: "CC-1042" },
        teams: ["payments"],
        status_code: 200,
      },
    });
  });

  it("rejects a misspelled export column, but not a known export column that resembles one", () => {
    const { InputTokens: _input, ...rest } = TRUEFOUNDRY;
    expect(toLogRow({ ...rest, InputToken: 1200 }, compilePreset("truefoundry"))).toEqual({
      reason: "unknown column `InputToken` (did you mean `InputTokens`?)",
    });
    expect(toLogRow({ ...TRUEFOUNDRY, ModelID: "x" }, compilePreset("truefoundry"))).toHaveProperty("row");
  });
});

describe("the anthropic preset", () => {
  it("adds cache reads and writes to input tokens, from a usage object", () => {
    const record = {
      request_id: "msg_1",
      timestamp: "2026-03-01T12:00:00Z",
      model: "anthropic-main/claude-sonnet-4-5",
      usage: {
        input_tokens: 30,
        cache_read_input_tokens: 1000,
        cache_creation_input_tokens: 200,
        output_tokens: 50,
        service_tier: "standard",
      },
    };
    expect(toLogRow(record, compilePreset("anthropic"))).toMatchObject({
      row: { input_tokens: 1230, cache_read_tokens: 1000, cache_write_tokens: 200, output_tokens: 50 },
    });
  });

  it("adds them from top-level fields too", () => {
    const record = {
      request_id: "msg_2",
      timestamp: "2026-03-01",
      model: "m",
      input_tokens: "30",
      cache_read_input_tokens: "",
      cache_creation_input_tokens: "5",
      output_tokens: "1",
    };
    expect(toLogRow(record, compilePreset("anthropic"))).toMatchObject({
      row: { input_tokens: 35, cache_read_tokens: 0, cache_write_tokens: 5, output_tokens: 1 },
    });
  });
});

describe("a custom mapping", () => {
  const record = {
    id: 7,
    at: "2026-03-01T12:00:00Z",
    model: "m",
    usage: { prompt_tokens: 100, completion_tokens: 9, cached: 40 },
    input_tokens: 1,
  };

  it("reads each mapped field from its column, `a.b` from inside an object column", () => {
    const preset = compilePreset({
      columns: {
        request_id: "id",
        timestamp: "at",
        input_tokens: "usage.prompt_tokens",
        output_tokens: "usage.completion_tokens",
        cache_read_tokens: "usage.cached",
      },
    });
    expect(toLogRow(record, preset)).toMatchObject({
      row: { request_id: "7", timestamp: Date.UTC(2026, 2, 1, 12), input_tokens: 100, output_tokens: 9, cache_read_tokens: 40 },
    });
    expect(preset.name).toBe("mapping");
    expect(preset.ignoredColumns()).toEqual(["input_tokens"]);
  });

  it("adds cache tokens to input with input_excludes_cache", () => {
    const preset = compilePreset({
      columns: { request_id: "id", timestamp: "at", input_tokens: "usage.prompt_tokens", cache_read_tokens: "usage.cached" },
      input_excludes_cache: true,
    });
    expect(toLogRow(record, preset)).toMatchObject({ row: { input_tokens: 140, cache_read_tokens: 40 } });
  });

  it("overrides a base preset field by field", () => {
    const preset = compilePreset({ base: "truefoundry", columns: { request_id: "RequestId", model: "ProviderModelName" } });
    const result = toLogRow({ ...TRUEFOUNDRY, RequestId: "req-9", ProviderModelName: "bedrock-prod/nova-lite" }, preset);
    expect(result).toMatchObject({ row: { request_id: "req-9", model: "bedrock-prod/nova-lite", input_tokens: 1200 } });
    expect(preset.ignoredColumns()).toEqual(["LatencyMs", "ModelId", "ModelName", "SpanId", "Streaming", "TraceId"]);
  });
});

describe("detectPreset", () => {
  it.each([
    [{ CreatedAt: "x", ModelName: "y" }, "truefoundry"],
    [{ CreatedAt: "x", model: "y" }, "canonical"],
    [{ cache_creation_input_tokens: 1 }, "anthropic"],
    [{ cache_read_input_tokens: "" }, "anthropic"],
    [{ usage: { input_tokens: 1 } }, "anthropic"],
    [{ usage: "n/a" }, "canonical"],
    [{ request_id: "r", input_tokens: 1, cache_read_tokens: 1 }, "canonical"],
  ])("%o → %s", (record, expected) => {
    expect(detectPreset(record)).toBe(expected);
  });
});

describe("the canonical preset's one-pass reader", () => {
  // A mapping over canonical with no moved columns reads every field through the general
  // getters and column check: the oracle for the canonical preset's single pass.
  const keyArb = fc.oneof(
    fc.constantFrom(...CANONICAL_FIELDS),
    fc.constantFrom(
      "input_token",
      "Model",
      "timestamps",
      "metadta",
      "user",
      "latency_ms",
      "0",
      "12",
      "__proto__",
      "constructor",
      "toString",
      "",
    ),
    fc.string({ maxLength: 12 }),
  );
  const valueArb = fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.integer(),
    fc.constant(null),
    fc.boolean(),
    fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
  );
  // Records as JSON.parse makes them (own "__proto__" keys included).
  const recordArb = fc
    .array(fc.tuple(keyArb, valueArb), { maxLength: 16 })
    .map((pairs) => JSON.parse(JSON.stringify(Object.fromEntries(pairs))) as Record<string, unknown>);

  it("reads the same values, reasons and ignored columns as the general path", () => {
    fc.assert(
      fc.property(fc.array(recordArb, { minLength: 1, maxLength: 20 }), (records) => {
        const fast = compilePreset("canonical");
        const general = compilePreset({ base: "canonical", columns: {} });
        for (const record of records) expect(fast.read(record)).toEqual(general.read(record));
        expect(fast.ignoredColumns()).toEqual(general.ignoredColumns());
      }),
      { numRuns: 300 },
    );
  });

  it("takes a misspelled column for a reject and lists an unknown one as ignored", () => {
    const preset = compilePreset("canonical");
    expect(preset.read({ request_id: "r1", input_token: 5 })).toBe("unknown column `input_token` (did you mean `input_tokens`?)");
    const values = preset.read({ request_id: "r1", latency_ms: 12, input_tokens: 5 });
    expect(values).toMatchObject({ request_id: "r1", input_tokens: 5, model: undefined });
    expect(preset.ignoredColumns()).toEqual(["latency_ms"]);
  });
});

describe("the price fields a file supplies", () => {
  const supplied = (preset: ReturnType<typeof compilePreset>) => priceFieldsOf(preset.suppliedPriceFields());

  it("are those some record had a value for: absent, null and empty text supply nothing", () => {
    const preset = compilePreset("canonical");
    expect(supplied(preset)).toEqual([]);
    preset.read({ request_id: "r1", region: null, batch: "", cache_read_tokens: 0 });
    expect(supplied(preset)).toEqual(["cache_read_tokens"]);
    preset.read({ request_id: "r2", region: "us-east-1", batch: false, queries: "2" });
    expect(supplied(preset)).toEqual(["cache_read_tokens", "region", "batch", "queries"]);
  });

  it("follow the preset's columns: the TrueFoundry export's documented columns supply none, its CacheHit is the gateway cache flag", () => {
    const documented = { ...TRUEFOUNDRY, CacheHit: true } as Record<string, unknown>;
    for (const column of ["CacheReadInputTokens", "CacheCreationInputTokens", "IsBatch"]) delete documented[column];
    const preset = compilePreset("truefoundry");
    const result = toLogRow(documented, preset);
    expect(result).toMatchObject({ row: { gateway_cache_hit: true, cache_read_tokens: 0, batch: false } });
    expect(supplied(preset)).toEqual([]);
    expect(preset.ignoredColumns()).not.toContain("CacheHit");
    toLogRow(TRUEFOUNDRY, preset);
    expect(supplied(preset)).toEqual(["cache_read_tokens", "cache_write_tokens", "batch"]);
  });

  it("include a field read from inside an object column by a mapping, and the anthropic usage object's cache fields", () => {
    const mapping = compilePreset({ columns: { cache_read_tokens: "usage.cached" } });
    mapping.read({ request_id: "r1", usage: { other: 1 } });
    expect(supplied(mapping)).toEqual([]);
    mapping.read({ request_id: "r2", usage: { cached: 3 } });
    expect(supplied(mapping)).toEqual(["cache_read_tokens"]);
    const anthropic = compilePreset("anthropic");
    anthropic.read({ usage: { input_tokens: 1, cache_creation_input_tokens: 2 } });
    expect(supplied(anthropic)).toEqual(["cache_write_tokens"]);
  });
});
