import { PRICING_FIXTURE } from "../../../test/pricing-fixture.ts";

/**
 * The hand-made pricing fixture of the engine's tests, plus the corners the rate table
 * and the SQL must get right too: rates with 23 decimals (as the upstream catalog has)
 * beside 9-decimal rates in one component, marginal tiers starting at 0, cache tiers
 * borrowed from the input tiers, an input-only batch rate, a priority overlay with its own
 * marginal tiers, an empty region entry, audio under priority, and a private model with
 * regional periods, priority and tiers whose list price comes from a regional catalog entry.
 */
export const EXPORT_PRICING: Record<string, string> = {
  ...PRICING_FIXTURE,
  "catalog/providers/acme/deep.yaml": `
model: deep
costs:
  - region: "*"
    input_cost_per_token: 0.00000030001999999999996
    output_cost_per_token: 0.000009999990000000002
    cache_read_input_token_cost: 3.e-8
    input_cost_per_token_batches: 1.5e-7
    tiered_pricing:
      pricing_mode: marginal
      input:
        - {from: 100, cost_per_token: 0.0000004}
        - {from: 300, cost_per_token: 0.00000050000000000000001}
      cache_read: [{from: 0, cost_per_token: 4.e-8}]
  - region: eu-west-1
    input_cost_per_token: 0.000001
    output_cost_per_token: 0.000002
    priority_pricing:
      input_cost_per_token: 0.000002
      tiered_pricing:
        pricing_mode: marginal
        input: [{from: 50, cost_per_token: 0.000003}]
        output: [{from: 50, cost_per_token: 0.000004}]
  - region: ap-south-1
`,
  "catalog/providers/acme/cachetiers.yaml": `
model: cachetiers
costs:
  input_cost_per_token: 0.000001
  output_cost_per_token: 0.000002
  cache_creation_input_token_cost: 0.0000015
  tiered_pricing:
    input:
      - {from: 100, cost_per_token: 0.000003}
      - {from: 400, cost_per_token: 0.000007}
    cache_write: [{from: 50, cost_per_token: 0.000005}]
`,
  "catalog/providers/acme/voice.yaml": `
model: voice
costs:
  - region: "*"
    input_cost_per_token: 0.0000025
    output_cost_per_token: 0.00001
    input_cost_per_audio_token: 0.00004
    input_cost_per_second: 0.0001
    priority_pricing:
      input_cost_per_audio_token: 0.00007
      output_cost_per_audio_token: 0.00015
`,
  "accounts/extra.yaml": `
name: extra
provider: acme
models:
  - {name: deep, cost: public}
  - {name: cachetiers, cost: public}
  - {name: voice, cost: public}
`,
  "accounts/priv-eu.yaml": `
name: priv_eu
provider: acme
region: eu-west-1
models:
  - {name: contract, provider_model: regional, cost: private}
  - {name: nothing-yet, provider_model: regional-star, cost: private}
`,
  "private/priv-eu.yaml": `
prices:
  - model: priv_eu/contract
    effective_from: 2026-02-01T12:00:00Z
    effective_to: 2026-05-01
    costs:
      input_cost_per_token: 0.0000011
      output_cost_per_token: 0.0000044
      cache_read_input_token_cost: 2.5e-7
      input_cost_per_token_batches: 5.5e-7
      output_cost_per_token_batches: 0.0000022
      tiered_pricing:
        input: [{from: 2000, cost_per_token: 0.0000022}]
        output: [{from: 2000, cost_per_token: 0.0000088}]
      priority_pricing:
        output_cost_per_token: 0.000007
    source: "EU contract 2026"
  - model: priv_eu/contract
    region: us-east-1
    effective_from: 2026-03-01
    costs:
      input_cost_per_token: 0.0000009
      output_cost_per_token: 0.0000036
      input_cost_per_request: 0.0025
    source: "US annex"
`,
};
