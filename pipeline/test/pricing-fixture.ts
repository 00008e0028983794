/**
 * A small pricing folder covering every rule of SPEC 4.4, with round rates so the
 * expected costs in the tests can be worked out by hand.
 */
export const PRICING_FIXTURE: Record<string, string> = {
  "catalog/providers/acme/flat.yaml": `
model: flat
costs:
  input_cost_per_token: 0.000001
  output_cost_per_token: 0.000002
  cache_read_input_token_cost: 1.e-7
  cache_creation_input_token_cost: 0.00000125
  input_cost_per_token_batches: 5.e-7
  output_cost_per_token_batches: 0.000001
  input_cost_per_request: 0.005
`,
  "catalog/providers/acme/cache1h.yaml": `
model: cache1h
costs:
  - region: "*"
    input_cost_per_token: 0.000003
    output_cost_per_token: 0.000015
    cache_read_input_token_cost: 3.e-7
    cache_creation_input_token_cost: 0.00000375
    cache_creation_input_token_cost_above_1hr: 0.000006
    priority_pricing:
      cache_creation_input_token_cost_above_1hr: 0.0000075
`,
  "catalog/providers/acme/nobatch.yaml": `
model: nobatch
costs:
  input_cost_per_token: 0.000003
  output_cost_per_token: 0.000015
`,
  "catalog/providers/acme/tiers/cumul.yaml": `
model: cumul
costs:
  input_cost_per_token: 0.000001
  output_cost_per_token: 0.000004
  cache_read_input_token_cost: 1.e-7
  input_cost_per_token_batches: 5.e-7
  output_cost_per_token_batches: 0.000002
  tiered_pricing:
    input:
      - {from: 1000, cost_per_token: 0.000002}
      - {from: 5000, cost_per_token: 0.000003}
    output:
      - {from: 1000, cost_per_token: 0.000005}
      - {from: 5000, cost_per_token: 0.000006}
`,
  "catalog/providers/acme/tiers/marg.yaml": `
model: marg
mode: chat
costs:
  - region: "*"
    input_cost_per_token: 0.000001
    output_cost_per_token: 0.000004
    tiered_pricing:
      pricing_mode: marginal
      input:
        - {from: 1000, cost_per_token: 0.000002}
        - {from: 5000, cost_per_token: 0.000003}
      output:
        - {from: 100, cost_per_token: 0.000005}
`,
  "catalog/providers/acme/regional.yaml": `
model: regional
costs:
  - region: us-east-1
    input_cost_per_token: 6e-8
    output_cost_per_token: 2.4e-7
  - region: eu-west-1
    input_cost_per_token: 6.9e-8
    output_cost_per_token: 2.76e-7
`,
  "catalog/providers/acme/regional-star.yaml": `
model: regional-star
costs:
  - region: "*"
    input_cost_per_token: 8.e-7
    output_cost_per_token: 0.0000032
  - region: eu-west-1
    input_cost_per_token: 9.2e-7
    output_cost_per_token: 0.00000368
`,
  "catalog/providers/acme/defreg.yaml": `
model: defreg
defaultRegion: eu-west-1
costs:
  - region: "*"
    input_cost_per_token: 2.e-7
  - region: eu-west-1
    input_cost_per_token: 1.e-7
`,
  "catalog/providers/acme/prio.yaml": `
model: prio
costs:
  - region: "*"
    input_cost_per_token: 0.000002
    output_cost_per_token: 0.000008
    tiered_pricing:
      input: [{from: 1000, cost_per_token: 0.000004}]
    priority_pricing:
      input_cost_per_token: 0.0000035
      output_cost_per_token: 0.000014
      tiered_pricing:
        input: [{from: 1000, cost_per_token: 0.000007}]
`,
  "catalog/providers/acme/prio-notiers.yaml": `
model: prio-notiers
costs:
  - region: "*"
    input_cost_per_token: 0.000002
    output_cost_per_token: 0.000008
    tiered_pricing:
      input: [{from: 1000, cost_per_token: 0.000004}]
    priority_pricing:
      input_cost_per_token: 0.0000035
      output_cost_per_token: 0.000014
`,
  "catalog/providers/acme/audio.yaml": `
model: audio
costs:
  input_cost_per_token: 0.0000025
  output_cost_per_token: 0.00001
  input_cost_per_audio_token: 0.00004
  output_cost_per_audio_token: 0.00008
`,
  "catalog/providers/acme/units.yaml": `
model: units
costs:
  input_cost_per_request: 0.005
  input_cost_per_image: 0.002
  output_cost_per_image: 0.04
  input_cost_per_character: 0.000015
  input_cost_per_second: 0.0001
  output_cost_per_second: 0.0002
  input_cost_per_query: 0.002
  input_cost_per_page: 0.001
`,
  "catalog/providers/acme/halfeven.yaml": `
model: halfeven
costs:
  input_cost_per_token: 1.5e-10
  output_cost_per_token: 1.5e-10
`,
  "catalog/providers/acme/embed.yaml": `
model: embed
costs:
  input_cost_per_token: 2.e-8
`,
  "catalog/providers/acme/nocost.yaml": `
model: nocost
mode: chat
`,
  "catalog/providers/acme/default.yaml": `
params: [{key: max_tokens, defaultValue: 256}]
`,
  "accounts/acme-main.yaml": `
name: acme-main
provider: acme
models:
  - {name: flat, cost: public}
  - {name: nobatch, cost: public}
  - {name: cumul, cost: public}
  - {name: marg, cost: public}
  - {name: defreg, cost: public}
  - {name: prio, cost: public}
  - {name: prio-notiers, cost: public}
  - {name: audio, cost: public}
  - {name: units, cost: public}
  - {name: halfeven, cost: public}
  - {name: embed, cost: public}
  - {name: nocost, cost: public}
  - {name: alias, provider_model: flat, cost: public}
  - {name: cache1h, cost: public}
`,
  "accounts/acme-us.yaml": `
name: acme-us
provider: acme
region: us-east-1
models:
  - {name: regional, cost: public}
  - {name: regional-star, cost: public}
`,
  "accounts/priv.yaml": `
name: priv
provider: acme
models:
  - {name: ft, provider_model: flat, cost: private}
  - {name: ft-nolist, cost: private}
`,
  "private/contract.yaml": `
prices:
  - model: priv/ft
    effective_from: 2026-01-01
    effective_to: 2026-07-01
    costs: {input_cost_per_token: 0.000002, output_cost_per_token: 0.000008}
    source: "MSA 2026, amendment 2"
  - model: priv/ft
    effective_from: 2026-07-01
    costs: {input_cost_per_token: 0.0000018, output_cost_per_token: 0.0000072}
    source: "MSA 2026, amendment 3"
  - model: priv/ft
    region: eu-west-1
    effective_from: 2026-01-01
    costs: {input_cost_per_token: 0.0000021, output_cost_per_token: 0.0000084}
    source: "MSA 2026, EU annex"
  - model: priv/ft-nolist
    effective_from: 2026-01-01T00:00:00Z
    costs: {input_cost_per_token: 0.000001}
    source: "quote Q-17"
`,
};

/** The gateway models of PRICING_FIXTURE, one per pricing rule it exercises. */
export const FIXTURE_MODELS = [
  "acme-main/flat",
  "acme-main/nobatch",
  "acme-main/cache1h",
  "acme-main/cumul",
  "acme-main/marg",
  "acme-main/defreg",
  "acme-main/prio",
  "acme-main/prio-notiers",
  "acme-main/audio",
  "acme-main/units",
  "acme-main/halfeven",
  "acme-main/embed",
  "acme-us/regional",
  "acme-us/regional-star",
  "priv/ft",
  "priv/ft-nolist",
];
