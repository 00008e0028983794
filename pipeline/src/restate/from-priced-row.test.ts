import { describe, expect, it } from "vitest";
import { fromPricedRow, RESTATE_COLUMNS, type RestateColumns } from "./from-priced-row.ts";

/** One priced row as readParquet gives it back: int64 as bigint, money as nano-USD bigint, JSON columns as text. */
function columns(over: Partial<Record<(typeof RESTATE_COLUMNS)[number], unknown>> = {}): RestateColumns {
  const row: Record<string, unknown> = {
    request_id: "req-1",
    timestamp: Date.UTC(2026, 6, 8, 9, 30),
    model: "azure-ft/support-bot-ft",
    region: "eastus",
    subject_type: "VirtualAccount",
    subject: "checkout-service",
    pat_name: null,
    teams: '["payments","search"]',
    input_tokens: 1200n,
    cache_read_tokens: 200n,
    cache_write_tokens: 50n,
    cache_write_1h_tokens: 40n,
    output_tokens: 300n,
    reasoning_tokens: 10n,
    input_audio_tokens: 0n,
    output_audio_tokens: 0n,
    input_images: null,
    output_images: null,
    input_characters: null,
    input_seconds: "12.50",
    output_seconds: null,
    queries: null,
    pages: "3",
    batch: true,
    service_tier: "priority",
    status_code: 200,
    virtual_model: null,
    metadata: '{"cost_center":"CC-1042","environment":"production"}',
    metadata_overrides: '["cost_center"]',
    reported_cost_usd: 4_321_000n,
    gateway_cache_hit: true,
    cost_usd: 4_300_000n,
    list_cost_usd: null,
    pricing_version: "sha256:old",
    source_file: "data/sample/truefoundry-export.csv",
    source_line: 88n,
    ...over,
  };
  return Object.fromEntries(RESTATE_COLUMNS.map((c) => [c, [row[c]]])) as RestateColumns;
}

describe("fromPricedRow", () => {
  it("gives back the log row the priced row was priced from, with its lineage and earlier overrides", () => {
    expect(fromPricedRow(columns(), 0)).toEqual({
      row: {
        request_id: "req-1",
        timestamp: Date.UTC(2026, 6, 8, 9, 30),
        model: "azure-ft/support-bot-ft",
        region: "eastus",
        subject_type: "VirtualAccount",
        subject: "checkout-service",
        pat_name: null,
        teams: ["payments", "search"],
        input_tokens: 1200,
        cache_read_tokens: 200,
        cache_write_tokens: 50,
        cache_write_1h_tokens: 40,
        output_tokens: 300,
        reasoning_tokens: 10,
        input_audio_tokens: 0,
        output_audio_tokens: 0,
        input_images: null,
        output_images: null,
        input_characters: null,
        input_seconds: "12.50",
        output_seconds: null,
        queries: null,
        pages: "3",
        batch: true,
        service_tier: "priority",
        status_code: 200,
        virtual_model: null,
        metadata: { cost_center: "CC-1042", environment: "production" },
        reported_cost_usd: "0.004321000",
        gateway_cache_hit: true,
      },
      file: "data/sample/truefoundry-export.csv",
      line: 88,
      overrides: ["cost_center"],
    });
  });

  it("reads absent optional cells as the ingest stage would have (null status, no reported cost, empty metadata)", () => {
    const { row } = fromPricedRow(columns({ status_code: null, reported_cost_usd: null, metadata: null, batch: false }), 0);
    expect([row.status_code, row.reported_cost_usd, row.metadata, row.batch]).toEqual([null, null, {}, false]);
  });

  it("reads a partition written before gateway_cache_hit existed as no cache hit", () => {
    const old = columns();
    delete old.gateway_cache_hit;
    expect(fromPricedRow(old, 0).row.gateway_cache_hit).toBe(false);
    expect(fromPricedRow(columns({ gateway_cache_hit: false }), 0).row.gateway_cache_hit).toBe(false);
  });

  it("reads a partition written before cache_write_1h_tokens existed as 5-minute writes only", () => {
    const old = columns();
    delete old.cache_write_1h_tokens;
    expect(fromPricedRow(old, 0).row.cache_write_1h_tokens).toBe(0);
  });

  it("throws on cells no priced row can hold", () => {
    expect(() => fromPricedRow(columns({ teams: '{"a":1}' }), 0)).toThrow("teams is not a JSON list of text");
    expect(() => fromPricedRow(columns({ metadata: '{"a":1}' }), 0)).toThrow("metadata is not a JSON object of text values");
    expect(() => fromPricedRow(columns({ metadata_overrides: "[" }), 0)).toThrow(SyntaxError);
    expect(() => fromPricedRow(columns({ request_id: null }), 0)).toThrow("request_id, model or timestamp is missing");
  });
});
