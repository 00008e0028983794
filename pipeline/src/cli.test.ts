import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { PRICING_FIXTURE } from "../test/pricing-fixture.ts";
import { writeTempTree } from "../test/temp-dir.ts";
import { runCli } from "../test/run-cli.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(ROOT, "pipeline/bin/costs.js");

/** Runs the command line in-process with captured stdout/stderr. */
const run = (...argv: string[]) => runCli(ROOT, ...argv);

/** Runs the real executable, as `npm run costs --` does. */
async function spawn(...argv: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...argv], { cwd: ROOT });
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout, err: e.stderr };
  }
}

const GEMINI = ["quote", "--model", "gemini/gemini-2.5-pro", "--at", "2026-03-01T09:30:00Z", "--output-tokens", "1000"];

describe("costs quote on the project's pricing/", () => {
  it("a Gemini 2.5 Pro prompt of 200,001 tokens shows the long-context rates", async () => {
    const { code, out, err } = await spawn(...GEMINI, "--input-tokens", "200001");
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out).toMatch(/input\s+200001\s+0\.0000025\s+tiered_pricing\.input\[0\]\.cost_per_token\s+from 200000\s+0\.500002500/);
    expect(out).toMatch(/output\s+1000\s+0\.000015\s+tiered_pricing\.output\[0\]\.cost_per_token\s+from 200000\s+0\.015000000/);
    expect(out).toMatch(/cumulative mode, tier from 200000 applied \(prompt size 200001\)/);
    expect(out).toMatch(/price\s+public\s+pricing\/catalog\/providers\/google-gemini\/gemini-2\.5-pro\.yaml#costs/);
    expect(out).toMatch(/cost_usd\s+0\.515002500/);
  });

  it("a prompt of exactly 200,000 tokens shows the base rates", async () => {
    const { code, out } = await run(...GEMINI, "--input-tokens", "200000");
    expect(code).toBe(0);
    expect(out).toMatch(/input\s+200000\s+0\.00000125\s+input_cost_per_token\s+base\s+0\.250000000/);
    expect(out).toMatch(/output\s+1000\s+0\.00001\s+output_cost_per_token\s+base\s+0\.010000000/);
    expect(out).toMatch(/no tier reached \(base rates\)/);
    expect(out).toMatch(/cost_usd\s+0\.260000000/);
  });

  it("--json prints decimal strings, the price source and the ref", async () => {
    const { code, out } = await run(...GEMINI, "--input-tokens", "200001", "--json");
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json).toMatchObject({
      cost_usd: "0.515002500",
      list_cost_usd: "0.515002500",
      price_source: "public",
      price_ref: "pricing/catalog/providers/google-gemini/gemini-2.5-pro.yaml#costs",
      pricing_mode: "cumulative",
      tier: "from 200000",
      unpriced_reason: null,
    });
    expect(json.components.map((c: { component: string; cost_usd: string }) => [c.component, c.cost_usd])).toEqual([
      ["input", "0.500002500"],
      ["output", "0.015000000"],
    ]);
  });

  it("a private contract price shows its source and the list price beside it", async () => {
    const { out } = await run(
      "quote",
      "--model",
      "azure-ft/support-bot-ft",
      "--at",
      "2026-07-01",
      "--input-tokens",
      "1000",
      "--output-tokens",
      "1000",
      "--json",
    );
    expect(JSON.parse(out)).toMatchObject({
      price_source: "private",
      source_note: "MSA 2026, amendment 3",
      cost_usd: "0.009000000",
      list_cost_usd: "0.000750000",
      price_ref: "pricing/private/azure-ft.yaml#prices[1]",
    });
  });

  it("an unpriced call says why, in text and JSON", async () => {
    const text = await run(
      "quote",
      "--model",
      "bedrock-prod/nova-lite",
      "--at",
      "2026-03-01",
      "--region",
      "sa-east-1",
      "--input-tokens",
      "10",
    );
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/price\s+UNPRICED/);
    expect(text.out).toMatch(/reason\s+catalog model `amazon\.nova-lite-v1:0` has no cost entry for region `sa-east-1`/);
    const json = JSON.parse((await run("quote", "--model", "nobody/x", "--at", "2026-03-01", "--json")).out);
    expect(json).toMatchObject({
      price_source: "unpriced",
      cost_usd: null,
      unpriced_reason: expect.stringMatching(/unknown provider account `nobody`/),
    });
  });

  it("prices the non-token units from their flags", async () => {
    const dir = await writeTempTree(PRICING_FIXTURE);
    const { out } = await run(
      "quote",
      "--model",
      "acme-main/units",
      "--at",
      "2026-03-01",
      "--pricing-dir",
      dir,
      "--json",
      "--input-images",
      "3",
      "--output-images",
      "2",
      "--input-characters",
      "1000",
      "--input-seconds",
      "12.5",
      "--output-seconds",
      "10",
      "--queries",
      "4",
      "--pages",
      "7",
    );
    // 0.005 + 0.006 + 0.08 + 0.015 + 0.00125 + 0.002 + 0.008 + 0.007
    expect(JSON.parse(out).cost_usd).toBe("0.124250000");
  });

  it("explains 1-hour cache writes as their own component, and notes a price without a 1-hour rate", async () => {
    const dir = await writeTempTree(PRICING_FIXTURE);
    const quote = async (model: string) =>
      (
        await run(
          "quote",
          ...["--model", model, "--at", "2026-03-01", "--pricing-dir", dir, "--input-tokens", "3000"],
          ...["--cache-write-tokens", "3000", "--cache-write-1h-tokens", "1000"],
        )
      ).out;
    // 2000 × 3.75e-6 = 0.0075 at cache_creation_input_token_cost, 1000 × 6e-6 = 0.006 at the 1-hour rate
    const text = await quote("acme-main/cache1h");
    expect(text).toMatch(/cache_write\s+2000\s+0\.00000375\s+cache_creation_input_token_cost\s+base\s+0\.007500000/);
    expect(text).toMatch(/cache_write_1h\s+1000\s+0\.000006\s+cache_creation_input_token_cost_above_1hr\s+base\s+0\.006000000/);
    expect(await quote("acme-main/flat")).toContain("1000 1-hour cache write tokens priced at the 5-minute cache-write rate");
  });

  it("rejects bad numbers and cache above input with the flag named", async () => {
    expect(await run("quote", "--model", "gemini/gemini-2.5-pro", "--at", "yesterday")).toMatchObject({
      code: 1,
      err: expect.stringMatching(/^error: --at: not a timestamp: yesterday\n {2}hint: use ISO 8601/),
    });
    expect(await run(...GEMINI, "--input-tokens", "-5")).toMatchObject({
      code: 1,
      err: "error: --input-tokens: must be a whole number ≥ 0, got -5\n",
    });
    expect(await run(...GEMINI, "--input-tokens", "10", "--cache-read-tokens", "11")).toMatchObject({
      code: 1,
      err: expect.stringMatching(/^error: --cache-read-tokens: cache_read_tokens \+ cache_write_tokens \(11\) exceed input_tokens \(10\)/),
    });
  });
});

describe("costs validate", () => {
  it("passes on the project's pricing/", async () => {
    const { code, out, err } = await spawn("validate");
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out).toMatch(
      /^pricing: \d+ catalog files, \d+ models \(\d+ with costs\) from \d+ providers, 8 accounts, 3 private price periods\npolicies: 5 teams, 6 personal access tokens, 5 virtual accounts, 3 guardrails, 5 extracts, 2 budget rules\n0 errors, 0 warnings\n$/,
    );
  });

  it("lists every problem with file:line and exits 1", async () => {
    const dir = await writeTempTree({
      ...PRICING_FIXTURE,
      "accounts/acme-us.yaml": PRICING_FIXTURE["accounts/acme-us.yaml"]!.replace("provider: acme", "provider: acmee"),
      "private/contract.yaml": PRICING_FIXTURE["private/contract.yaml"]!.replace("effective_to: 2026-07-01", "effective_to: 2025-07-01"),
    });
    const { code, out, err } = await run("validate", "--pricing-dir", dir);
    expect(code).toBe(1);
    const lines = err.split("\n").filter((l) => l.startsWith("error:"));
    expect(lines).toEqual([
      `error: ${dir}/accounts/acme-us.yaml provider: unknown provider \`acmee\`: there is no folder ${dir}/catalog/providers/acmee`,
      `error: ${dir}/private/contract.yaml:5 prices[0].effective_to: must be after effective_from (2026-01-01)`,
    ]);
    expect(err).toMatch(/hint: did you mean `acme`\?/);
    expect(err).toMatch(/^warning: .*acme-main\.yaml:\d+ models\[11\]\.provider_model: catalog model `nocost` .* has no costs/m);
    expect(out).toMatch(/from 1 provider, 3 accounts, 0 private price periods\npolicies: .*\n2 errors, 1 warning\n$/);
  });

  it("stops with a clear error when the pricing folder does not exist", async () => {
    const { code, err } = await run("validate", "--pricing-dir", "/nonexistent/pricing");
    expect(code).toBe(1);
    expect(err).toMatch(/^error: \/nonexistent\/pricing\/catalog\/providers: catalog folder not found\n {2}hint: pass --pricing-dir/);
  });
});

describe("help and usage", () => {
  it.each([[[]], [["validate"]], [["quote"]]])("--help works for %j", async (command) => {
    const { code, out } = await run(...command, "--help");
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: costs/);
  });

  it("quote --help documents the contract's flags", async () => {
    const { out } = await run("quote", "--help");
    for (const flag of [
      "--model",
      "--at",
      "--region",
      "--input-tokens",
      "--output-tokens",
      "--cache-read-tokens",
      "--cache-write-tokens",
      "--cache-write-1h-tokens",
      "--input-audio-tokens",
      "--output-audio-tokens",
      "--batch",
      "--service-tier",
      "--pricing-dir",
      "--json",
      "--input-images",
      "--pages",
    ]) {
      expect(out).toContain(flag);
    }
  });

  it("site-data --help documents --pseudonymise-users, its salt and the variable that turns it on", async () => {
    const { code, out } = await run("site-data", "--help");
    expect(code).toBe(0);
    const help = out.replace(/\s+/g, " ");
    expect(help).toContain("--pseudonymise-users replace every user name the site shows or ships");
    expect(help).toContain("the salt from env SITE_USER_SALT (16+ characters); also on with env SITE_PSEUDONYMISE_USERS=true or 1");
  });

  it("an unknown option or command is a usage error (exit 2)", async () => {
    expect(await run("quote", "--model", "a/b", "--at", "2026-01-01", "--modle", "x")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/unknown option '--modle'/),
    });
    expect(await run("price")).toMatchObject({ code: 2, err: expect.stringMatching(/unknown command 'price'/) });
    expect(await run("quote", "--at", "2026-01-01")).toMatchObject({
      code: 2,
      err: expect.stringMatching(/required option '--model <account\/model>' not specified/),
    });
  });
});

describe("costs comment", () => {
  it("is registered: --dry-run prints the sticky comment without any request or token", async () => {
    const dir = await writeTempTree({ "comment.md": "## Pricing diff\n\nNo change.\n" });
    const { code, out } = await run("comment", "--repo", "acme/costs", "--pr", "7", "--body-file", `${dir}/comment.md`, "--dry-run");
    expect(code).toBe(0);
    expect(out).toContain("<!-- gateway-costs:pricing-diff -->");
    expect(out).toContain("## Pricing diff");
  });
});
