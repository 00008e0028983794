import { describe, expect, it } from "vitest";
import type { LogRow } from "../../schemas/log-row.ts";
import { compilePreset } from "./compile-preset.ts";
import { toLogRow } from "./to-log-row.ts";

const BASE = { request_id: "r1", timestamp: "2026-03-01T12:00:00Z", model: "openai-main/gpt-4o" };
const NOON = Date.UTC(2026, 2, 1, 12);

const EMPTY_ROW: LogRow = {
  request_id: "r1",
  timestamp: NOON,
  model: "openai-main/gpt-4o",
  region: null,
  subject_type: null,
  subject: null,
  pat_name: null,
  teams: [],
  input_tokens: 0,
  cache_read_tokens: 0,
  cache_write_tokens: 0,
  cache_write_1h_tokens: 0,
  output_tokens: 0,
  reasoning_tokens: 0,
  input_audio_tokens: 0,
  output_audio_tokens: 0,
  input_images: null,
  output_images: null,
  input_characters: null,
  input_seconds: null,
  output_seconds: null,
  queries: null,
  pages: null,
  batch: false,
  service_tier: null,
  status_code: null,
  virtual_model: null,
  metadata: {},
  reported_cost_usd: null,
  gateway_cache_hit: false,
};

function convert(fields: Record<string, unknown>) {
  return toLogRow({ ...BASE, ...fields }, compilePreset("canonical"));
}

function rowOf(fields: Record<string, unknown>): LogRow {
  const result = convert(fields);
  if (!("row" in result)) throw new Error(`rejected: ${result.reason}`);
  return result.row;
}

describe("toLogRow with the canonical preset", () => {
  it("builds a full row from JSON values", () => {
    const row = rowOf({
      region: "eu-west-1",
      subject_type: "user",
      subject: "alice@example.com",
      pat_name: "alice-ci",
      teams: ["payments", "search"],
      input_tokens: 1000,
      cache_read_tokens: 200,
      cache_write_tokens: 100,
      cache_write_1h_tokens: 40,
      output_tokens: 300,
      reasoning_tokens: 50,
      input_audio_tokens: 10,
      output_audio_tokens: 20,
      input_images: 2,
      output_images: "1",
      input_characters: "12.5",
      input_seconds: 0.25,
      output_seconds: "3",
      queries: 1,
      pages: "4",
      batch: true,
      service_tier: "priority",
      status_code: 200,
      metadata: { cost_center: "CC-1042", retries: 2, cached: false, nested: { a: [1] }, gone: null },
      reported_cost_usd: 0.00123,
    });
    expect(row).toEqual({
      ...EMPTY_ROW,
      region: "eu-west-1",
      subject_type: "user",
      subject: "alice@example.com",
      pat_name: "alice-ci",
      teams: ["payments", "search"],
      input_tokens: 1000,
      cache_read_tokens: 200,
      cache_write_tokens: 100,
      cache_write_1h_tokens: 40,
      output_tokens: 300,
      reasoning_tokens: 50,
      input_audio_tokens: 10,
      output_audio_tokens: 20,
      input_images: "2",
      output_images: "1",
      input_characters: "12.5",
      input_seconds: "0.25",
      output_seconds: "3",
      queries: "1",
      pages: "4",
      batch: true,
      service_tier: "priority",
      status_code: 200,
      metadata: { cost_center: "CC-1042", retries: "2", cached: "false", nested: '{"a":[1]}' },
      reported_cost_usd: "0.00123",
    });
  });

  it("builds the same row from CSV text, where empty cells are absent", () => {
    const csv = Object.fromEntries(Object.keys(EMPTY_ROW).map((key) => [key, ""]));
    expect(rowOf({ ...csv, ...BASE })).toEqual(EMPTY_ROW);
    expect(
      rowOf({
        ...csv,
        ...BASE,
        request_id: " r1 ",
        input_tokens: "1000",
        cache_read_tokens: "200",
        output_tokens: "12.0",
        teams: '["payments"," search ",""]',
        metadata: '{"k":"v","n":1}',
        batch: "TRUE",
        status_code: "429",
        reported_cost_usd: "6.e-8",
        subject_type: "VirtualAccount",
      }),
    ).toEqual({
      ...EMPTY_ROW,
      input_tokens: 1000,
      cache_read_tokens: 200,
      output_tokens: 12,
      teams: ["payments", "search"],
      metadata: { k: "v", n: "1" },
      batch: true,
      status_code: 429,
      reported_cost_usd: "6.e-8",
      subject_type: "virtualaccount",
    });
  });

  it.each([
    ["2026-03-01T12:00:00Z", NOON],
    ["2026-03-01 12:00:00", NOON],
    ["2026-03-01T14:00:00+02:00", NOON],
    ["2026-03-01 12:00:00.123456+00", NOON + 123],
    ["2026-03-01 07:00:00-05", NOON],
    ["2026-03-01 12:00:00 UTC", NOON],
    ["2026-03-01", Date.UTC(2026, 2, 1)],
    [NOON, NOON],
    [String(NOON), NOON],
    [BigInt(NOON), NOON],
    [new Date(NOON), NOON],
  ])("reads the timestamp %o", (timestamp, expected) => {
    expect(rowOf({ timestamp }).timestamp).toBe(expected);
  });

  it.each([
    [{ request_id: undefined }, "missing request_id", "request_id"],
    [{ request_id: "  " }, "missing request_id", "request_id"],
    [{ request_id: { id: 1 } }, 'request_id must be text, got {"id":1}', "request_id"],
    [{ timestamp: undefined }, "missing timestamp", "timestamp"],
    [{ timestamp: "" }, "missing timestamp", "timestamp"],
    [{ timestamp: "2026-02-30T10:00:00Z" }, "invalid timestamp: 2026-02-30T10:00:00Z", "timestamp"],
    [{ timestamp: "yesterday" }, "invalid timestamp: yesterday", "timestamp"],
    [{ timestamp: 1772366400 }, "invalid timestamp: 1772366400", "timestamp"],
    [{ timestamp: 1.5 }, "invalid timestamp: 1.5", "timestamp"],
    [{ model: null }, "missing model", "model"],
    [{ input_tokens: -5 }, "input_tokens must be ≥ 0, got -5", "input_tokens"],
    [{ output_tokens: "-3" }, "output_tokens must be ≥ 0, got -3", "output_tokens"],
    [{ input_tokens: "abc" }, 'input_tokens must be a whole number, got "abc"', "input_tokens"],
    [{ input_tokens: 1.5 }, "input_tokens must be a whole number, got 1.5", "input_tokens"],
    [{ input_tokens: "1.5" }, 'input_tokens must be a whole number, got "1.5"', "input_tokens"],
    [{ input_tokens: true }, "input_tokens must be a whole number, got true", "input_tokens"],
    [{ input_tokens: 2 ** 53 }, "input_tokens is too large: at most 999,999,999,999 per row, got 9007199254740992", "input_tokens"],
    [{ input_tokens: 4e15 }, "input_tokens is too large: at most 999,999,999,999 per row, got 4000000000000000", "input_tokens"],
    [{ output_tokens: "1000000000000" }, "output_tokens is too large: at most 999,999,999,999 per row, got 1000000000000", "output_tokens"],
    [
      { output_tokens: "99999999999999999999999" },
      'output_tokens is too large: at most 999,999,999,999 per row, got "99999999999999999999999"',
      "output_tokens",
    ],
    [
      { cache_read_tokens: 10n ** 20n },
      "cache_read_tokens is too large: at most 999,999,999,999 per row, got 100000000000000000000",
      "cache_read_tokens",
    ],
    [{ timestamp: "2026-03-01T12:00:00+99:00" }, "invalid timestamp: 2026-03-01T12:00:00+99:00", "timestamp"],
    [{ timestamp: "2026-03-01T12:00:00-14:30" }, "invalid timestamp: 2026-03-01T12:00:00-14:30", "timestamp"],
    [{ timestamp: "2026-03-01 12:00:00+15" }, "invalid timestamp: 2026-03-01 12:00:00+15", "timestamp"],
    [{ input_images: "1e400" }, 'input_images must be below 10^12 with at most 18 decimal places, got "1e400"', "input_images"],
    [
      { input_seconds: "1e100000000" },
      'input_seconds must be below 10^12 with at most 18 decimal places, got "1e100000000"',
      "input_seconds",
    ],
    [{ queries: "1e-19" }, 'queries must be below 10^12 with at most 18 decimal places, got "1e-19"', "queries"],
    [{ pages: 1e300 }, 'pages must be below 10^12 with at most 18 decimal places, got "1e+300"', "pages"],
    [
      { reported_cost_usd: "1e400" },
      'reported_cost_usd must be below 10^9 USD with at most 30 decimal places, got "1e400"',
      "reported_cost_usd",
    ],
    [
      { reported_cost_usd: -4e9 },
      'reported_cost_usd must be below 10^9 USD with at most 30 decimal places, got "-4000000000"',
      "reported_cost_usd",
    ],
    [{ reported_cost_usd: Number.POSITIVE_INFINITY }, "reported_cost_usd must be a decimal number, got Infinity", "reported_cost_usd"],
    [
      { input_tokens: 100, cache_read_tokens: 60, cache_write_tokens: 50 },
      "cache_read_tokens + cache_write_tokens (110) exceed input_tokens (100)",
      "cache_read_tokens",
    ],
    [
      { input_tokens: 100, cache_write_tokens: 50, cache_write_1h_tokens: 51 },
      "cache_write_1h_tokens (51) exceed cache_write_tokens (50)",
      "cache_write_1h_tokens",
    ],
    [{ output_tokens: 5, reasoning_tokens: 6 }, "reasoning_tokens (6) exceed output_tokens (5)", "reasoning_tokens"],
    [{ output_tokens: 5, output_audio_tokens: 6 }, "output_audio_tokens (6) exceed output_tokens (5)", "output_audio_tokens"],
    [
      { input_tokens: 100, cache_read_tokens: 60, input_audio_tokens: 50 },
      "input_audio_tokens (50) exceed the uncached input tokens (40)",
      "input_audio_tokens",
    ],
    [{ input_images: "-1" }, "input_images must be ≥ 0, got -1", "input_images"],
    [{ pages: "two" }, 'pages must be a number ≥ 0, got "two"', "pages"],
    [{ input_seconds: Number.NaN }, "input_seconds must be a number ≥ 0, got NaN", "input_seconds"],
    [{ batch: "yes" }, 'batch must be true or false, got "yes"', "batch"],
    [{ batch: 2 }, "batch must be true or false, got 2", "batch"],
    [{ pat_name: true }, "pat_name must be text, got true", "pat_name"],
    [{ status_code: "OK" }, 'status_code must be a whole number, got "OK"', "status_code"],
    [{ teams: "[bad" }, 'teams must be a JSON array, a ClickHouse array or a comma-separated list, got "[bad"', "teams"],
    [{ teams: [{ name: "x" }] }, 'teams must be a list of team names, got [{"name":"x"}]', "teams"],
    [{ metadata: "[1,2]" }, "metadata must be a JSON object", "metadata"],
    [{ metadata: "k=v" }, "metadata must be a JSON object or a ClickHouse map", "metadata"],
    [{ metadata: 5 }, "metadata must be a JSON object", "metadata"],
    [{ reported_cost_usd: "$0.10" }, 'reported_cost_usd must be a decimal number, got "$0.10"', "reported_cost_usd"],
  ])("rejects %o: %s", (fields, reason, field) => {
    expect(convert(fields)).toEqual({ reason, field });
  });

  it("reads ClickHouse cells: \\N is absent in any field, Array(String) teams and Map(String, String) metadata", () => {
    const row = rowOf({
      region: "\\N",
      input_tokens: "\\N",
      input_images: "\\N",
      batch: "\\N",
      status_code: "\\N",
      reported_cost_usd: "\\N",
      teams: "['pay\\'ments', 'search']",
      metadata: "{'env':'prod','note':'a,b'}",
    });
    expect(row).toMatchObject({
      region: null,
      input_tokens: 0,
      input_images: null,
      batch: false,
      status_code: null,
      reported_cost_usd: null,
      teams: ["pay'ments", "search"],
      metadata: { env: "prod", note: "a,b" },
    });
    expect(convert({ timestamp: "\\N" })).toEqual({ reason: "missing timestamp", field: "timestamp" });
    expect(convert({ model: " \\N " })).toEqual({ reason: "missing model", field: "model" });
    expect(convert({ teams: "['a'," })).toMatchObject({ field: "teams" });
    expect(convert({ metadata: "{'a':b}" })).toEqual({ reason: "metadata must be a JSON object or a ClickHouse map", field: "metadata" });
  });

  it("takes offsets up to ±14:00 and limits at their largest", () => {
    expect(rowOf({ timestamp: "2026-03-01T12:00:00+14:00" }).timestamp).toBe(NOON - 14 * 3_600_000);
    expect(rowOf({ timestamp: "2026-03-01T12:00:00-12:00" }).timestamp).toBe(NOON + 12 * 3_600_000);
    expect(rowOf({ input_tokens: 999_999_999_999, output_tokens: "999999999999" })).toMatchObject({
      input_tokens: 999_999_999_999,
      output_tokens: 999_999_999_999,
    });
    expect(rowOf({ input_images: "999999999999.999999999999999999", reported_cost_usd: "-999999999.999999999" })).toMatchObject({
      input_images: "999999999999.999999999999999999",
      reported_cost_usd: "-999999999.999999999",
    });
  });

  it("rejects metadata nested past the limit, and any record too deep to walk, without a crash", () => {
    let deep: unknown = "leaf";
    for (let i = 0; i < 33; i++) deep = { k: deep };
    expect(convert({ metadata: { ok: "1", bomb: deep } })).toEqual({
      reason: "metadata.bomb is nested more than 32 levels deep",
      field: "metadata",
    });
    let fine: unknown = "leaf";
    for (let i = 0; i < 31; i++) fine = [fine];
    expect(rowOf({ metadata: { fine } }).metadata.fine).toBe(`${"[".repeat(31)}"leaf"${"]".repeat(31)}`);
    // 10,000 levels (JSON.parse reads it; walking it recursively would overflow the stack).
    const text = `{"x":${"[".repeat(10_000)}${"]".repeat(10_000)}}`;
    expect(convert({ metadata: text })).toEqual({ reason: "metadata.x is nested more than 32 levels deep", field: "metadata" });
    expect(convert({ request_id: JSON.parse(text) })).toEqual({
      reason: "request_id must be text, got a deeply nested value",
      field: "request_id",
    });
  });

  it("reads token counts from numbers, digit text, BigInt and absent values", () => {
    expect(rowOf({ input_tokens: "12", cache_read_tokens: 3n, cache_write_tokens: null, output_tokens: "" })).toMatchObject({
      input_tokens: 12,
      cache_read_tokens: 3,
      cache_write_tokens: 0,
      output_tokens: 0,
    });
  });

  it("keeps non-token units as the exact decimal text", () => {
    expect(rowOf({ input_characters: "0.10", output_seconds: 1e-7, queries: "1e3" })).toMatchObject({
      input_characters: "0.10",
      output_seconds: "1e-7",
      queries: "1e3",
    });
  });

  it("reads teams from a comma-separated list, trimming and dropping empty and repeated names", () => {
    expect(rowOf({ teams: " payments, search,,payments " }).teams).toEqual(["payments", "search"]);
  });

  it("reads batch spellings", () => {
    expect([true, "true", "TRUE", "1", 1, false, "false", "0", 0, "", null].map((batch) => rowOf({ batch }).batch)).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it("takes a virtual-model parent row's virtual_model as its model when it has none", () => {
    expect(rowOf({ model: null, virtual_model: "router/smart" })).toMatchObject({ model: "router/smart", virtual_model: "router/smart" });
    expect(rowOf({ virtual_model: "router/smart" })).toMatchObject({ model: "openai-main/gpt-4o", virtual_model: "router/smart" });
  });

  it("rejects a row with a likely misspelled column, and ignores other unknown columns", () => {
    const preset = compilePreset("canonical");
    expect(toLogRow({ ...BASE, input_token: 5, latency_ms: 20 }, preset)).toEqual({
      reason: "unknown column `input_token` (did you mean `input_tokens`?)",
    });
    expect(toLogRow({ ...BASE, Model: "x" }, preset)).toEqual({ reason: "unknown column `Model` (did you mean `model`?)" });
    expect(toLogRow({ ...BASE, latency_ms: 20, trace_url: "x" }, preset)).toMatchObject({ row: { request_id: "r1" } });
    expect(preset.ignoredColumns()).toEqual(["latency_ms", "trace_url"]);
  });
});
