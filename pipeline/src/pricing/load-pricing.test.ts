import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeTempTree } from "../../test/temp-dir.ts";
import { formatProblem, sortProblems, type Problem } from "../lib/errors.ts";
import { loadPricing } from "./load-pricing.ts";

const BASE: Record<string, string> = {
  "catalog/providers/aws-bedrock/nova.yaml": "model: amazon.nova-lite-v1:0\ncosts:\n  input_cost_per_token: 6e-8\n  output_cost_per_token: 2.4e-7\n",
  "catalog/providers/openai/gpt-4o.yaml": "model: gpt-4o\ncosts:\n  input_cost_per_token: 0.0000025\n",
  "accounts/bedrock.yaml": "name: bedrock-prod\nprovider: aws-bedrock\nregion: us-west-2\nmodels:\n  - name: nova-lite\n    provider_model: amazon.nova-lite-v1:0\n    cost: public\n  - name: ft\n    cost: private\n",
  "private/acme.yaml": "prices:\n  - model: bedrock-prod/ft\n    effective_from: 2026-01-01\n    costs:\n      input_cost_per_token: 0.000002\n    source: MSA\n",
};

/** Problems of BASE with `files` added or replaced, with paths relative to the temp folder. */
async function problemsWith(files: Record<string, string>): Promise<Problem[]> {
  const dir = await writeTempTree({ ...BASE, ...files });
  const { problems } = await loadPricing(dir);
  return problems.map((p) => ({ ...p, file: p.file ? path.relative(dir, p.file) : p.file }));
}

describe("a valid pricing folder", () => {
  it("has no problems", async () => {
    expect(await problemsWith({})).toEqual([]);
  });
});

describe("mistakes are errors naming file, line and field, with a hint", () => {
  it("unknown provider folder, with a did-you-mean hint", async () => {
    const problems = await problemsWith({ "accounts/bedrock.yaml": BASE["accounts/bedrock.yaml"]!.replace("provider: aws-bedrock", "provider: aws-bedrok") });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: "accounts/bedrock.yaml", field: "provider", hint: "did you mean `aws-bedrock`?" });
    expect(problems[0]!.message).toMatch(/unknown provider `aws-bedrok`/);
  });

  it("a model name used twice in an account", async () => {
    const text = `${BASE["accounts/bedrock.yaml"]}  - name: nova-lite\n    cost: private\n`;
    const problems = await problemsWith({ "accounts/bedrock.yaml": text });
    expect(problems).toContainEqual(
      expect.objectContaining({ file: "accounts/bedrock.yaml", line: 10, field: "models[2].name", message: expect.stringMatching(/`nova-lite` is listed twice/) }),
    );
  });

  it("the same account name in two files", async () => {
    const problems = await problemsWith({ "accounts/copy.yaml": "name: bedrock-prod\nprovider: openai\nmodels: []\n" });
    expect(problems).toEqual([
      expect.objectContaining({ file: "accounts/copy.yaml", line: 1, field: "name", message: expect.stringMatching(/already defined in .*bedrock\.yaml/) }),
    ]);
  });

  it("overlapping private periods of the same model and region", async () => {
    const text = `${BASE["private/acme.yaml"]!.replace("effective_from: 2026-01-01", "effective_from: 2026-01-01\n    effective_to: 2026-07-01")}  - model: bedrock-prod/ft\n    effective_from: 2026-06-01\n    costs: {input_cost_per_token: 0.000001}\n    source: amendment\n`;
    const problems = await problemsWith({ "private/acme.yaml": text });
    expect(problems).toHaveLength(1);
    expect(formatProblem(problems[0]!)).toBe(
      "private/acme.yaml:9 prices[1].effective_from: bedrock-prod/ft (region *) from 2026-06-01 overlaps the period 2026-01-01 → 2026-07-01 of " +
        `${problems[0]!.message.split(" of ")[1]}\n  hint: end the earlier period with \`effective_to: 2026-06-01\` (exclusive) or move this one`,
    );
  });

  it("consecutive periods (effective_to = next effective_from) and other regions do not overlap", async () => {
    const text = `${BASE["private/acme.yaml"]!.replace("effective_from: 2026-01-01", "effective_from: 2026-01-01\n    effective_to: 2026-07-01")}  - model: bedrock-prod/ft\n    effective_from: 2026-07-01\n    costs: {input_cost_per_token: 0.000001}\n    source: a3\n  - model: bedrock-prod/ft\n    region: eu-west-1\n    effective_from: 2026-03-01\n    costs: {input_cost_per_token: 0.000001}\n    source: eu\n`;
    expect(await problemsWith({ "private/acme.yaml": text })).toEqual([]);
  });

  it("effective_to before effective_from", async () => {
    const text = BASE["private/acme.yaml"]!.replace("effective_from: 2026-01-01", "effective_from: 2026-07-01\n    effective_to: 2026-01-01");
    const problems = await problemsWith({ "private/acme.yaml": text });
    expect(problems.map(formatProblem)).toEqual(["private/acme.yaml:4 prices[0].effective_to: must be after effective_from (2026-07-01)"]);
  });

  it("a date that does not exist", async () => {
    const problems = await problemsWith({ "private/acme.yaml": BASE["private/acme.yaml"]!.replace("2026-01-01", "2026-02-30") });
    expect(problems.map(formatProblem)).toEqual([
      "private/acme.yaml:3 prices[0].effective_from: must be a UTC date (2026-01-01) or an ISO 8601 timestamp",
    ]);
  });

  it("a negative rate", async () => {
    const problems = await problemsWith({
      "catalog/providers/openai/gpt-4o.yaml": "model: gpt-4o\ncosts:\n  input_cost_per_token: -0.0000025\n",
    });
    expect(problems.map(formatProblem)).toEqual(["catalog/providers/openai/gpt-4o.yaml:3 costs.input_cost_per_token: must not be negative"]);
  });

  it("a rate that is absurd or cannot be held exactly: too large, a runaway exponent, too many decimal places", async () => {
    const problems = await problemsWith({
      "catalog/providers/openai/gpt-4o.yaml":
        "model: gpt-4o\ncosts:\n  input_cost_per_token: 1e400\n  output_cost_per_token: 2.5e6\n  input_cost_per_image: 1000000\n" +
        "  input_cost_per_request: 1e-100000000\n  cache_read_input_token_cost: 0.0000000000000000000000001\n" +
        "  tiered_pricing:\n    input:\n      - from: 99999999999999999999\n        cost_per_token: \"1e99999999999\"\n",
      "private/acme.yaml": BASE["private/acme.yaml"]!.replace("0.000002", "2e6"),
    });
    expect(sortProblems(problems).map(formatProblem)).toEqual([
      "catalog/providers/openai/gpt-4o.yaml:3 costs.input_cost_per_token: 1e400 USD per unit is too large: a rate must be below 1,000,000 USD per unit (check the exponent)",
      "catalog/providers/openai/gpt-4o.yaml:4 costs.output_cost_per_token: 2.5e6 USD per unit is too large: a rate must be below 1,000,000 USD per unit (check the exponent)",
      "catalog/providers/openai/gpt-4o.yaml:5 costs.input_cost_per_image: 1000000 USD per unit is too large: a rate must be below 1,000,000 USD per unit (check the exponent)",
      "catalog/providers/openai/gpt-4o.yaml:6 costs.input_cost_per_request: 1e-100000000 has more than 24 decimal places, which no rate table holds exactly",
      "catalog/providers/openai/gpt-4o.yaml:7 costs.cache_read_input_token_cost: 0.0000000000000000000000001 has more than 24 decimal places, which no rate table holds exactly",
      "catalog/providers/openai/gpt-4o.yaml:10 costs.tiered_pricing.input[0].from: must be a whole number of prompt tokens (at most 15 digits)",
      "catalog/providers/openai/gpt-4o.yaml:11 costs.tiered_pricing.input[0].cost_per_token: 1e99999999999 USD per unit is too large: a rate must be below 1,000,000 USD per unit (check the exponent)",
      "private/acme.yaml:5 prices[0].costs.input_cost_per_token: 2e6 USD per unit is too large: a rate must be below 1,000,000 USD per unit (check the exponent)",
    ]);
  });

  it("rates at the limits load: just below 10^6 USD per unit, 24 decimal places", async () => {
    expect(
      await problemsWith({
        "catalog/providers/openai/gpt-4o.yaml": "model: gpt-4o\ncosts:\n  input_cost_per_token: 0.000000000000000000000001\n  input_cost_per_image: 999999.99\n",
      }),
    ).toEqual([]);
  });

  it("a rate that is not a number", async () => {
    const problems = await problemsWith({ "private/acme.yaml": BASE["private/acme.yaml"]!.replace("0.000002", "two dollars") });
    expect(problems.map(formatProblem)).toEqual(["private/acme.yaml:5 prices[0].costs.input_cost_per_token: must be a number (USD per unit)"]);
  });

  it("a tier list out of order", async () => {
    const problems = await problemsWith({
      "catalog/providers/openai/gpt-4o.yaml":
        "model: gpt-4o\ncosts:\n  input_cost_per_token: 0.0000025\n  tiered_pricing:\n    input:\n      - from: 200000\n        cost_per_token: 0.000005\n      - from: 128000\n        cost_per_token: 0.000004\n",
    });
    expect(problems.map(formatProblem)).toEqual([
      "catalog/providers/openai/gpt-4o.yaml:8 costs.tiered_pricing.input[1].from: tiers must be in ascending order of `from` (128000 comes after 200000)",
    ]);
  });

  it("an unknown pricing_mode", async () => {
    const problems = await problemsWith({
      "catalog/providers/openai/gpt-4o.yaml": "model: gpt-4o\ncosts:\n  - region: '*'\n    tiered_pricing:\n      pricing_mode: progressive\n",
    });
    expect(problems).toEqual([
      expect.objectContaining({ line: 5, field: "costs[0].tiered_pricing.pricing_mode", hint: "use one of: cumulative, marginal" }),
    ]);
  });

  it("a typo in a private cost field (private files are strict; the catalog is not)", async () => {
    const problems = await problemsWith({ "private/acme.yaml": BASE["private/acme.yaml"]!.replace("input_cost_per_token", "input_cost_per_tokn") });
    expect(problems[0]).toMatchObject({
      file: "private/acme.yaml",
      line: 4,
      field: "prices[0].costs",
      message: "unknown field `input_cost_per_tokn`",
      hint: expect.stringMatching(/spelling/),
    });
  });

  it("a private price without a source", async () => {
    const problems = await problemsWith({ "private/acme.yaml": BASE["private/acme.yaml"]!.replace("    source: MSA\n", "") });
    expect(problems[0]).toMatchObject({ line: 2, field: "prices[0].source", message: expect.stringMatching(/^is required: must say where this price comes from/) });
  });

  it("a private price for a model no account declares private", async () => {
    const text = `${BASE["private/acme.yaml"]}  - model: bedrock-prod/nova-lite\n    effective_from: 2026-01-01\n    costs: {input_cost_per_token: 1.e-8}\n    source: x\n  - model: nobody/x\n    effective_from: 2026-01-01\n    costs: {input_cost_per_token: 1.e-8}\n    source: x\n`;
    const problems = await problemsWith({ "private/acme.yaml": text });
    expect(problems.map((p) => [p.line, p.field, p.message])).toEqual([
      [7, "prices[1].model", expect.stringMatching(/bedrock-prod\/nova-lite is declared `cost: public` in .*bedrock\.yaml/)],
      [11, "prices[2].model", "unknown provider account `nobody`"],
    ]);
  });

  it("a public model whose provider_model is not in the catalog", async () => {
    const problems = await problemsWith({ "accounts/bedrock.yaml": BASE["accounts/bedrock.yaml"]!.replace("provider_model: amazon.nova-lite-v1:0", "provider_model: amazon.nova-lite-v1") });
    expect(problems).toEqual([
      expect.objectContaining({ file: "accounts/bedrock.yaml", line: 5, field: "models[0].provider_model", hint: "did you mean `amazon.nova-lite-v1:0`?" }),
    ]);
  });

  it("a private model with no price at all is a warning", async () => {
    const problems = await problemsWith({ "private/acme.yaml": "prices: []\n" });
    expect(problems).toEqual([expect.objectContaining({ severity: "warning", field: "models[1].cost", line: 8 })]);
  });

  it("broken YAML names the line", async () => {
    const problems = await problemsWith({ "accounts/bedrock.yaml": "name: bedrock-prod\nprovider: [aws-bedrock\nmodels: []\n" });
    expect(problems[0]).toMatchObject({ file: "accounts/bedrock.yaml", message: expect.stringMatching(/^invalid YAML/) });
    expect(problems[0]!.line).toBeGreaterThanOrEqual(2);
  });

  it("a model id defined twice in one provider folder, and a region priced twice", async () => {
    const problems = await problemsWith({
      "catalog/providers/openai/nested/copy.yaml": "model: gpt-4o\ncosts:\n  - region: us\n    input_cost_per_token: 1\n  - region: us\n    input_cost_per_token: 2\n",
      "catalog/providers/aws-bedrock/regions.yaml": "model: r\ncosts:\n  - region: us\n    input_cost_per_token: 1\n  - region: us\n    input_cost_per_token: 2\n",
    });
    expect(problems.map(formatProblem)).toEqual([
      "catalog/providers/aws-bedrock/regions.yaml:5 costs[1].region: region `us` is already priced by costs[0]\n  hint: keep one cost entry per region",
      expect.stringMatching(/^catalog\/providers\/openai\/nested\/copy\.yaml:1 model: model `gpt-4o` is already defined by .*gpt-4o\.yaml/),
    ]);
  });

  it("lists every problem at once, across files", async () => {
    const problems = await problemsWith({
      "catalog/providers/openai/gpt-4o.yaml": "model: gpt-4o\ncosts:\n  input_cost_per_token: -1\n",
      "private/acme.yaml": BASE["private/acme.yaml"]!.replace("source: MSA", "source: MSA\n    colour: red"),
    });
    expect(problems.map((p) => p.file).sort()).toEqual(["catalog/providers/openai/gpt-4o.yaml", "private/acme.yaml"]);
  });
});

describe("catalog shapes", () => {
  it("loads v1 and v2 shapes, nested folders, every number spelling, and keeps unknown fields out of the way", async () => {
    const dir = await writeTempTree({
      ...BASE,
      "catalog/providers/openai/default.yaml": "defaultRegion: eastus\nparams: [{key: temperature, defaultValue: 0.7}]\n",
      "catalog/providers/openai/deep/er/v2.yaml":
        "model: v2\nmode: chat\nfuture_field: {anything: [1, 2]}\ncosts:\n  - region: '*'\n    input_cost_per_token: 6.e-8\n    brand_new_rate: 0.5\n    priority_pricing:\n      input_cost_per_token: 0.0000025\n",
      "catalog/providers/openai/nocost.yaml": "model: nocost\nmode: embedding\n",
    });
    const { book, problems } = await loadPricing(dir);
    expect(problems).toEqual([]);
    const openai = book.catalog.providers.get("openai")!;
    expect([...openai.models.keys()].sort()).toEqual(["gpt-4o", "nocost", "v2"]);
    expect(openai.defaults).toMatchObject({ defaultRegion: "eastus" });
    const v2 = openai.models.get("v2")!;
    expect(v2).toMatchObject({ shape: "v2", defaultRegion: "eastus", mode: "chat" });
    expect(v2.entries[0]!.rates.input_cost_per_token).toEqual({ coef: 6n, scale: 8 });
    expect(v2.entries[0]!.priority!.rates.input_cost_per_token).toEqual({ coef: 25n, scale: 7 });
    expect(openai.models.get("gpt-4o")).toMatchObject({ shape: "v1", entries: [expect.objectContaining({ region: "*" })] });
    expect(openai.models.get("nocost")).toMatchObject({ shape: "none", entries: [] });
  });
});
