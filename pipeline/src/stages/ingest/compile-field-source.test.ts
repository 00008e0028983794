import { describe, expect, it } from "vitest";
import type { ColumnMapping } from "../../schemas/column-mapping.schema.ts";
import { compilePreset } from "./compile-preset.ts";
import { templateParts } from "./compile-field-source.ts";
import { toLogRow } from "./to-log-row.ts";

/** A LiteLLM-style spend-log row as a CSV reader gives it (every cell text). */
const LITELLM = {
  request_id: "r1",
  start_time: "1772366400",
  custom_llm_provider: "openai",
  model_group: "gpt-4o",
  service_tier: "batch",
  cost: "12.5",
  metadata: '{"usage_object":{"prompt_tokens":100,"completion_tokens":20,"prompt_tokens_details":{"cached_tokens":40}}}',
  SpanAttributes: "{'gen_ai.request.model':'gpt-4o-2024-08-06','env':'prod'}",
  request_tags: "['a']",
};

const MAPPING: ColumnMapping = {
  columns: {
    timestamp: { column: "start_time", unit: "epoch_seconds" },
    model: { template: "{custom_llm_provider}/{model_group}" },
    region: { value: "eastus" },
    batch: { column: "service_tier", map: { batch: true }, default: false },
    reported_cost_usd: { column: "cost", unit: "cents" },
    input_tokens: { column: "metadata", path: ["usage_object", "prompt_tokens"] },
    output_tokens: { column: "metadata", path: ["usage_object", "completion_tokens"] },
    cache_read_tokens: { column: "metadata", path: ["usage_object", "prompt_tokens_details", "cached_tokens"] },
    virtual_model: { column: "SpanAttributes", path: ["gen_ai.request.model"] },
    metadata: { value: "{}" },
  },
  ignore: ["request_tags", "custom_llm_provider", "model_group"],
  provider_aliases: { openai: "openai-main" },
};

function read(mapping: ColumnMapping, record: Record<string, unknown>) {
  return toLogRow(record, compilePreset(mapping));
}

describe("the object forms of a column mapping", () => {
  it("builds a row from templates, constants, value maps, units, JSON-text paths, dotted keys and provider aliases", () => {
    const preset = compilePreset(MAPPING);
    expect(toLogRow(LITELLM, preset)).toMatchObject({
      row: {
        request_id: "r1",
        timestamp: Date.UTC(2026, 2, 1, 12),
        model: "openai-main/gpt-4o",
        region: "eastus",
        batch: true,
        reported_cost_usd: "0.125",
        input_tokens: 100,
        output_tokens: 20,
        cache_read_tokens: 40,
        virtual_model: "gpt-4o-2024-08-06",
      },
    });
    // Template columns are read; `ignore:` only matters for columns nothing reads.
    expect(preset.ignoredColumns()).toEqual(["request_tags"]);
  });

  it("uses the map's default for other values, and leaves absent values absent", () => {
    expect(read(MAPPING, { ...LITELLM, service_tier: "default" })).toMatchObject({ row: { batch: false } });
    expect(read(MAPPING, { ...LITELLM, service_tier: "\\N" })).toMatchObject({ row: { batch: false } });
    // Case matters: `Batch` is not `batch`.
    expect(read(MAPPING, { ...LITELLM, service_tier: "Batch" })).toMatchObject({ row: { batch: false } });
  });

  it("passes an unmapped value on when there is no default", () => {
    const mapping: ColumnMapping = { columns: { service_tier: { column: "tier", map: { on_demand: "default" } } } };
    const base = { request_id: "r", timestamp: "2026-03-01T00:00:00Z", model: "a/b" };
    expect(read(mapping, { ...base, tier: "on_demand" })).toMatchObject({ row: { service_tier: "default" } });
    expect(read(mapping, { ...base, tier: "flex" })).toMatchObject({ row: { service_tier: "flex" } });
  });

  it("leaves a template absent when a column it names is absent", () => {
    const { virtual_model: _, ...noVirtual } = MAPPING.columns;
    expect(read({ ...MAPPING, columns: noVirtual }, { ...LITELLM, custom_llm_provider: "" })).toEqual({
      reason: "missing model",
      field: "model",
    });
  });

  it("keeps a model whose provider has no alias, or no provider at all", () => {
    expect(read(MAPPING, { ...LITELLM, custom_llm_provider: "azure" })).toMatchObject({ row: { model: "azure/gpt-4o" } });
    const plain: ColumnMapping = { columns: {}, provider_aliases: { openai: "openai-main" } };
    expect(read(plain, { request_id: "r", timestamp: "2026-03-01T00:00:00Z", model: "gpt-4o" })).toMatchObject({
      row: { model: "gpt-4o" },
    });
    expect(read(plain, { request_id: "r", timestamp: "2026-03-01T00:00:00Z", model: "openai/o3" })).toMatchObject({
      row: { model: "openai-main/o3" },
    });
  });

  it.each([
    ["epoch_seconds", 1772366400, Date.UTC(2026, 2, 1, 12)],
    ["epoch_seconds", "1772366400.123", Date.UTC(2026, 2, 1, 12) + 123],
    ["epoch_ms", "1772366400123", Date.UTC(2026, 2, 1, 12) + 123],
    ["epoch_us", "1772366400123999", Date.UTC(2026, 2, 1, 12) + 123],
    ["epoch_ns", "1772366400123999999", Date.UTC(2026, 2, 1, 12) + 123],
  ] as const)("converts %s %s exactly", (unit, value, ms) => {
    const mapping: ColumnMapping = { columns: { timestamp: { column: "t", unit } } };
    expect(read(mapping, { request_id: "r", model: "a/b", t: value })).toMatchObject({ row: { timestamp: ms } });
  });

  it.each([
    ["12.5", "0.125"],
    [12.5, "0.125"],
    ["0.0001", "0.000001"],
    ["-3", "-0.03"],
    ["1e2", "1.00"],
  ])("converts %s cents to %s USD exactly", (cents, usd) => {
    const mapping: ColumnMapping = { columns: { reported_cost_usd: { column: "c", unit: "cents" } } };
    const result = read(mapping, { request_id: "r", model: "a/b", timestamp: "2026-03-01T00:00:00Z", c: cents });
    expect(result).toMatchObject({ row: { reported_cost_usd: usd } });
  });

  it("rejects a value a unit or path cannot read, naming the field", () => {
    const base = { request_id: "r", model: "a/b", timestamp: "2026-03-01T00:00:00Z" };
    expect(read({ columns: { reported_cost_usd: { column: "c", unit: "cents" } } }, { ...base, c: "$1" })).toEqual({
      reason: 'reported_cost_usd must be a decimal number of cents, got "$1"',
    });
    expect(read({ columns: { timestamp: { column: "t", unit: "epoch_ms" } } }, { ...base, t: "-5" })).toEqual({
      reason: 'timestamp must be a whole number of milliseconds since 1970, got "-5"',
    });
    expect(read({ columns: { input_tokens: { column: "u", path: ["n"] } } }, { ...base, u: "{n: 1" })).toEqual({
      reason: "input_tokens: the column holds text that is not JSON or a ClickHouse map/array",
    });
    // A path that leads nowhere is an absent value.
    expect(read({ columns: { input_tokens: { column: "u", path: ["x", "y"] } } }, { ...base, u: { x: 5 } })).toMatchObject({
      row: { input_tokens: 0 },
    });
  });

  it("reads a path into an object column and into list indexes", () => {
    const mapping: ColumnMapping = { columns: { teams: { column: "t", path: ["names"] }, subject: { column: "s", path: [0] } } };
    const record = { request_id: "r", model: "a/b", timestamp: "2026-03-01T00:00:00Z", t: { names: ["x", "y"] }, s: '["alice"]' };
    expect(read(mapping, record)).toMatchObject({ row: { teams: ["x", "y"], subject: "alice" } });
  });
});

describe("unknown columns of a mapping", () => {
  const base = { request_id: "r", model: "a/b", timestamp: "2026-03-01T00:00:00Z", input_tokens: 5 };

  it("rejects a likely misspelling by default, and ignores other columns", () => {
    const preset = compilePreset({ columns: {} });
    expect(toLogRow({ ...base, input_token: 5 }, preset)).toEqual({
      reason: "unknown column `input_token` (did you mean `input_tokens`?)",
    });
    // `object` is two edits from `subject`: the case for `ignore:` and `warn`.
    expect(toLogRow({ ...base, object: "x" }, preset)).toEqual({ reason: "unknown column `object` (did you mean `subject`?)" });
    expect(toLogRow({ ...base, latency_ms: 5 }, preset)).toHaveProperty("row");
  });

  it("never takes an `ignore:` column for a misspelling", () => {
    const preset = compilePreset({ columns: {}, ignore: ["input_token"] });
    expect(toLogRow({ ...base, input_token: 5 }, preset)).toHaveProperty("row");
    expect(preset.ignoredColumns()).toEqual(["input_token"]);
  });

  it("warn: never rejects, and lists the likely misspellings", () => {
    const preset = compilePreset({ columns: {}, unknown_columns: "warn" });
    expect(toLogRow({ ...base, input_token: 5, object: "x" }, preset)).toHaveProperty("row");
    expect(preset.ignoredColumns()).toEqual(["input_token", "object"]);
    expect(preset.suspectColumns()).toEqual(["input_token", "object"]);
  });

  it("reject: every column neither read, ignored nor known is a reject", () => {
    const preset = compilePreset({ columns: {}, unknown_columns: "reject", ignore: ["object"] });
    expect(toLogRow({ ...base, object: "x" }, preset)).toHaveProperty("row");
    expect(toLogRow({ ...base, SpanKind: "x" }, preset)).toEqual({
      reason: "unknown column `SpanKind` (not read by the mapping: list it under `ignore:`)",
    });
  });
});

describe("templateParts", () => {
  it("splits text and placeholders, with {{ and }} for braces", () => {
    expect(templateParts("{a}/{b.c}{{x}}")).toEqual([{ column: "a" }, { text: "/" }, { column: "b.c" }, { text: "{x}" }]);
  });
  it.each([
    ["{a", "unclosed `{` at position 1"],
    ["a}", "`}` without `{` at position 2 (write `}}` for a brace)"],
    ["x{}", "empty `{}` at position 2"],
  ])("refuses %s", (template, message) => {
    expect(() => templateParts(template)).toThrow(message);
  });
});
