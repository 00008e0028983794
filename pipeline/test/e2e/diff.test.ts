/**
 * `costs diff` on a real git repository: a base commit and a head commit that changes a
 * private price, a regional rate, a tier and a team's tags; the impact is the golden log's
 * priced usage re-priced with both sides. Costs worked out by hand in the comments.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { PricingDiffSchema } from "../../src/schemas/pricing-diff.schema.ts";
import { runCli } from "../run-cli.ts";
import { git } from "../git.ts";
import { goldenRepo } from "../diff-fixture.ts";

let repo: string;
let commits: { base: string; head: string };

async function edit(file: string, from: string, to: string) {
  const full = path.join(repo, file);
  const text = await readFile(full, "utf8");
  if (!text.includes(from)) throw new Error(`${file} has no ${from}`);
  await writeFile(full, text.replace(from, to));
}

beforeAll(async () => {
  // usage priced with the base rules
  repo = await goldenRepo("base pricing");
  commits = { base: await git(repo, "rev-parse", "HEAD"), head: "" };

  await edit("pricing/private/contract.yaml", "input_cost_per_token: 0.0000018", "input_cost_per_token: 0.0000016");
  await edit("pricing/catalog/providers/acme/regional.yaml", "input_cost_per_token: 6.9e-8", "input_cost_per_token: 7.2e-8");
  await edit(
    "pricing/catalog/providers/acme/tiers/cumul.yaml",
    "- {from: 1000, cost_per_token: 0.000002}",
    "- {from: 1000, cost_per_token: 0.0000025}",
  );
  await edit("policies/teams.yaml", "tags: {cost_center: CC-2001}", "tags: {cost_center: CC-2002}");
  await git(repo, "commit", "-q", "-am", "head pricing");
  commits.head = await git(repo, "rev-parse", "HEAD");
});

describe("costs diff", () => {
  it("reports every changed rate, tier and policy, and the impact on priced usage", async () => {
    const result = await runCli(repo, "diff", "--base", "HEAD~1", "--head", "HEAD", "--usage", "out", "--format", "json");
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    const diff = PricingDiffSchema.parse(JSON.parse(result.out));
    expect(diff.base).toEqual({ ref: "HEAD~1", commit: commits.base });
    expect(diff.head).toEqual({ ref: "HEAD", commit: commits.head });
    expect(diff.rate_changes).toEqual([
      {
        model: "acme-us/regional",
        region: "eu-west-1",
        effective_from: null,
        effective_to: null,
        field: "input_cost_per_token",
        old: "0.000000069",
        new: "0.000000072",
        change_share: "0.043478",
        source: "pricing/catalog/providers/acme/regional.yaml",
      },
      {
        model: "priv/ft",
        region: "*",
        effective_from: "2026-07-01",
        effective_to: null,
        field: "input_cost_per_token",
        old: "0.0000018",
        new: "0.0000016",
        change_share: "-0.111111",
        source: "MSA 2026, amendment 3",
      },
    ]);
    expect(diff.tier_changes).toEqual([
      { model: "acme-main/cumul", region: "*", component: "input", from: 1000, old: "0.000002", new: "0.0000025" },
    ]);
    expect([diff.models_added, diff.models_removed, diff.regions_added, diff.regions_removed, diff.mode_changes]).toEqual([
      [],
      [],
      [],
      [],
      [],
    ]);
    expect(diff.policy_changes).toEqual([
      {
        file: "policies/teams.yaml",
        kind: "changed",
        name: "search",
        detail: 'team changed: tags {"cost_center":"CC-2001"} → {"cost_center":"CC-2002"}',
      },
    ]);
    // r03 (cumul, 1,001 input tokens): 1001 × 0.0000025 − 1001 × 0.000002 = +0.0005005
    // r11 (priv/ft from 2026-07-01, 1,000 input tokens): 1000 × 0.0000016 − 1000 × 0.0000018 = −0.0002
    expect(diff.impact).toEqual({
      days: 2,
      from: "2026-06-30",
      to: "2026-07-01",
      rows: 19,
      base_cost_usd: "0.121699000",
      head_cost_usd: "0.121999500",
      change_usd: "0.000300500",
      change_share: "0.002469",
      by_model: [
        {
          key: "acme-main/cumul",
          base_cost_usd: "0.002502000",
          head_cost_usd: "0.003002500",
          change_usd: "0.000500500",
          change_share: "0.200040",
        },
        {
          key: "priv/ft",
          base_cost_usd: "0.019000000",
          head_cost_usd: "0.018800000",
          change_usd: "-0.000200000",
          change_share: "-0.010526",
        },
      ],
      by_team: [
        {
          key: "payments",
          base_cost_usd: "0.015502000",
          head_cost_usd: "0.016002500",
          change_usd: "0.000500500",
          change_share: "0.032286",
        },
        {
          key: "unassigned",
          base_cost_usd: "0.096167000",
          head_cost_usd: "0.095967000",
          change_usd: "-0.000200000",
          change_share: "-0.002080",
        },
      ],
    });
    // priv/ft's amendment 3 (from 2026-07-01, open-ended) is re-rated: once merged, the nightly
    // restates the days of usage with its calls from then on, 2026-07-01 (r11: −0.0002); the
    // catalog and tier changes apply forward only.
    expect(diff.restatement).toEqual({
      since: "2026-07-01",
      until: "2026-07-01",
      days: 1,
      change_usd: "-0.000200000",
      reason:
        "private prices of priv/ft change from 2026-07-01 on, and the priced usage has calls of that model in that range; catalog (public) price changes apply forward only (they have no effective date), except to the restated days, which are priced with the whole current pricing",
    });
  });

  it("renders the pull-request comment from the JSON (golden file)", async () => {
    const result = await runCli(repo, "diff", "--base", commits.base, "--head", "main", "--usage", "out", "--days", "1");
    expect(result.code).toBe(0);
    const markdown = result.out
      .replaceAll(commits.base, "<base>")
      .replaceAll(commits.base.slice(0, 7), "<base>")
      .replaceAll(commits.head.slice(0, 7), "<head>");
    await expect(markdown).toMatchFileSnapshot("diff/comment.md");
  });

  it("a missing ref explains how to fetch it", async () => {
    const result = await runCli(repo, "diff", "--base", "origin/main", "--head", "HEAD");
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^error: unknown git ref `origin\/main` in .*\n {2}hint: fetch it first \(CI checkouts are shallow/);
  });
});
