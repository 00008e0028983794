import path from "node:path";
import { writeTempTree } from "../../../test/temp-dir.ts";
import { loadPoliciesOrThrow, type PolicyBook } from "../../policies/load-policies.ts";
import { loadPricingOrThrow, type PricingBook } from "../../pricing/load-pricing.ts";
import type { LogRow } from "../../schemas/log-row.ts";
import { ChunkProcessor } from "../chunk-processor.ts";

/**
 * A tiny pricing folder with round rates, for costs worked out by hand:
 * - `acme-main/small`: 1 µUSD per input token (1,000 nano), 0.1 µUSD per cache read (100 nano),
 *   2 µUSD per output token (2,000 nano);
 * - `acme-main/huge`: 0.01 USD per input token, so 10^11 tokens cost 10^9 USD, over what the
 *   DECIMAL(18,9) money columns hold.
 * Any other model is unpriced.
 */
export const TINY_PRICING: Record<string, string> = {
  "pricing/catalog/providers/acme/small.yaml":
    "model: small\ncosts:\n  input_cost_per_token: 0.000001\n  cache_read_input_token_cost: 1.e-7\n  output_cost_per_token: 0.000002\n",
  "pricing/catalog/providers/acme/huge.yaml": "model: huge\ncosts:\n  input_cost_per_token: 0.01\n",
  "pricing/accounts/acme-main.yaml":
    "name: acme-main\nprovider: acme\nmodels:\n  - {name: small, cost: public}\n  - {name: huge, cost: public}\n",
};

export interface TestProcessor {
  processor: ChunkProcessor;
  book: PricingBook;
  policies: PolicyBook;
  pricingDir: string;
  policiesDir: string;
}

/** A ChunkProcessor over TINY_PRICING and the given `policies/` files (none: the defaults), pricing version `v-test`. */
export async function createProcessor(
  options: { policies?: Record<string, string>; since?: string; until?: string } = {},
): Promise<TestProcessor> {
  const policyFiles = Object.fromEntries(Object.entries(options.policies ?? {}).map(([name, text]) => [`policies/${name}`, text]));
  const dir = await writeTempTree({ ...TINY_PRICING, ...policyFiles });
  const pricingDir = path.join(dir, "pricing");
  const policiesDir = path.join(dir, "policies");
  const book = await loadPricingOrThrow(pricingDir);
  const policies = await loadPoliciesOrThrow(policiesDir);
  const processor = new ChunkProcessor({
    book,
    policies,
    refBase: dir,
    pricingVersion: "v-test",
    since: options.since,
    until: options.until,
  });
  return { processor, book, policies, pricingDir, policiesDir };
}

/** A canonical log row: `acme-main/small`, no tokens, user `ann`, at 2026-03-01T12:00Z, with `over` applied. */
export function logRow(over: Partial<LogRow>): LogRow {
  return {
    request_id: "r",
    timestamp: Date.UTC(2026, 2, 1, 12),
    model: "acme-main/small",
    region: null,
    subject_type: "user",
    subject: "ann",
    pat_name: null,
    teams: [],
    input_tokens: 0,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
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
    ...over,
  };
}
