import path from "node:path";
import { displayPath, PipelineError } from "../lib/errors.ts";
import { formatTable } from "../lib/format-table.ts";
import type { Io } from "../lib/io.ts";
import { formatTimestamp, parseTimestamp } from "../lib/parse-timestamp.ts";
import { InvalidCallError, UNIT_RATES, type Call, type UnitField } from "../pricing/call.ts";
import { loadPricingOrThrow } from "../pricing/load-pricing.ts";
import { formatDecimal, formatNano, isDecimalText, parseDecimal } from "../pricing/money.ts";
import { priceCall, type PricedCall } from "../pricing/price-call.ts";

export interface QuoteOptions {
  model: string;
  at: string;
  region?: string;
  inputTokens?: string;
  outputTokens?: string;
  cacheReadTokens?: string;
  cacheWriteTokens?: string;
  cacheWrite1hTokens?: string;
  inputAudioTokens?: string;
  outputAudioTokens?: string;
  batch?: boolean;
  serviceTier?: string;
  pricingDir: string;
  json?: boolean;
  units: Partial<Record<UnitField, string>>;
}

/** `costs quote`: prices one call and explains every component. Returns the exit code. */
export async function quote(options: QuoteOptions, io: Io): Promise<number> {
  const call = toCall(options);
  const book = await loadPricingOrThrow(path.resolve(io.cwd, options.pricingDir));
  let priced: PricedCall;
  try {
    priced = priceCall(book, call);
  } catch (error) {
    if (error instanceof InvalidCallError) {
      throw new PipelineError({ field: `--${error.field.replaceAll("_", "-")}`, message: error.message });
    }
    throw error;
  }
  const relative = (ref: string | null) => (ref ? displayPath(path.resolve(io.cwd, ref), io.cwd) : ref);
  priced = { ...priced, price_ref: relative(priced.price_ref) };
  if (priced.price_source === "public" && priced.source_note) priced.source_note = relative(priced.source_note);
  io.out(options.json ? `${JSON.stringify(toJson(call, priced), null, 2)}\n` : render(call, priced));
  return 0;
}

function toCall(options: QuoteOptions): Call {
  const at = parseTimestamp(options.at);
  if (at === undefined) {
    throw new PipelineError({
      field: "--at",
      message: `not a timestamp: ${options.at}`,
      hint: "use ISO 8601, e.g. 2026-03-01T12:00:00Z (UTC when no offset)",
    });
  }
  const call: Call = {
    model: options.model,
    timestamp: at,
    region: options.region ?? null,
    input_tokens: count("--input-tokens", options.inputTokens),
    output_tokens: count("--output-tokens", options.outputTokens),
    cache_read_tokens: count("--cache-read-tokens", options.cacheReadTokens),
    cache_write_tokens: count("--cache-write-tokens", options.cacheWriteTokens),
    cache_write_1h_tokens: count("--cache-write-1h-tokens", options.cacheWrite1hTokens),
    input_audio_tokens: count("--input-audio-tokens", options.inputAudioTokens),
    output_audio_tokens: count("--output-audio-tokens", options.outputAudioTokens),
    batch: options.batch ?? false,
    service_tier: options.serviceTier ?? null,
  };
  for (const { field } of UNIT_RATES) {
    const text = options.units[field];
    if (text === undefined) continue;
    if (!isDecimalText(text) || text.trim().startsWith("-")) {
      throw new PipelineError({ field: `--${field.replaceAll("_", "-")}`, message: `must be a number ≥ 0, got ${text}` });
    }
    call[field] = parseDecimal(text);
  }
  return call;
}

function count(flag: string, text: string | undefined): number {
  if (text === undefined) return 0;
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(Number(text))) {
    throw new PipelineError({ field: flag, message: `must be a whole number ≥ 0, got ${text}` });
  }
  return Number(text);
}

const money = (nano: bigint | null) => (nano === null ? null : formatNano(nano));

function toJson(call: Call, priced: PricedCall) {
  return {
    model: call.model,
    at: formatTimestamp(call.timestamp),
    price_source: priced.price_source,
    cost_usd: money(priced.cost_nano),
    list_cost_usd: money(priced.list_cost_nano),
    unpriced_reason: priced.unpriced_reason,
    list_unpriced_reason: priced.list_unpriced_reason,
    price_ref: priced.price_ref,
    source_note: priced.source_note,
    provider_account: priced.provider_account,
    provider: priced.provider,
    provider_model: priced.provider_model,
    region: priced.region,
    region_from: priced.region_from,
    region_entry: priced.region_entry,
    pricing_mode: priced.pricing_mode,
    tier: priced.tier,
    components: priced.components.map((c) => ({
      component: c.component,
      quantity: formatDecimal(c.quantity),
      cost_usd: formatNano(c.cost_nano),
      brackets: c.brackets.map((b) => ({
        quantity: formatDecimal(b.quantity),
        rate: formatDecimal(b.rate),
        rate_field: b.rate_field,
        tier: b.tier,
      })),
    })),
    notes: priced.notes,
  };
}

function render(call: Call, priced: PricedCall): string {
  const lines: string[] = [`${call.model} at ${formatTimestamp(call.timestamp)}`];
  const facts: string[][] = [];
  if (priced.provider_account) {
    facts.push(["account", `${priced.provider_account} (provider ${priced.provider}, provider_model ${priced.provider_model ?? "none"})`]);
  }
  if (priced.region || priced.region_entry) {
    const from = priced.region_from ? ` (from ${priced.region_from})` : "";
    facts.push(["region", `${priced.region ?? "none"}${from}${priced.region_entry ? `, cost entry region "${priced.region_entry}"` : ""}`]);
  }
  if (priced.price_source === "unpriced") {
    facts.push(["price", "UNPRICED"]);
    facts.push(["reason", priced.unpriced_reason ?? ""]);
  } else {
    facts.push(["price", `${priced.price_source}  ${priced.price_ref}`]);
    if (priced.price_source === "private") facts.push(["source", priced.source_note ?? ""]);
    facts.push([
      "tiers",
      priced.pricing_mode
        ? `${priced.pricing_mode} mode, ${priced.tier === "base" ? "no tier reached (base rates)" : `tier ${priced.tier} applied`} (prompt size ${call.input_tokens})`
        : "none apply",
    ]);
  }
  lines.push(
    ...formatTable(facts)
      .split("\n")
      .map((l) => `  ${l}`),
  );
  if (priced.components.length > 0) {
    const rows = [["component", "quantity", "rate (USD)", "rate field", "tier", "cost_usd"]];
    for (const c of priced.components) {
      c.brackets.forEach((b, i) => {
        rows.push([
          i === 0 ? c.component : "",
          formatDecimal(b.quantity),
          formatDecimal(b.rate),
          b.rate_field,
          b.tier,
          i === c.brackets.length - 1 ? formatNano(c.cost_nano) : "",
        ]);
      });
    }
    lines.push(
      "",
      ...formatTable(rows, new Set([1, 5]))
        .split("\n")
        .map((l) => `  ${l}`),
    );
  }
  lines.push("");
  const totals = [
    ["cost_usd", money(priced.cost_nano) ?? "unpriced"],
    ["list_cost_usd", money(priced.list_cost_nano) ?? `none${priced.list_unpriced_reason ? ` (${priced.list_unpriced_reason})` : ""}`],
  ];
  lines.push(
    ...formatTable(totals)
      .split("\n")
      .map((l) => `  ${l}`),
  );
  for (const note of priced.notes) lines.push(`  note: ${note}`);
  return `${lines.join("\n")}\n`;
}
