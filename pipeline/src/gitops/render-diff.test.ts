import { describe, expect, it } from "vitest";
import type { PricingDiff } from "../schemas/pricing-diff.schema.ts";
import { renderDiffMarkdown } from "./render-diff.ts";

/** A diff whose every text comes from a pull request's pricing files, written by someone hostile. */
const HOSTILE =
  "![pixel](https://evil.example/t.png) [click](https://evil.example) @acme/finance <img src=x> | *bold* _it_ `code` #1 ~~s~~";

const diff: PricingDiff = {
  base: { ref: "main", commit: "a".repeat(40) },
  head: { ref: "pr", commit: "b".repeat(40) },
  rate_changes: [
    {
      model: "acme/m",
      region: "*",
      effective_from: "2026-07-01",
      effective_to: null,
      field: "input_cost_per_token",
      old: "0.000001",
      new: "0.000002",
      change_share: "1.000000",
      source: HOSTILE,
    },
  ],
  models_added: [],
  models_removed: [],
  regions_added: [],
  regions_removed: [],
  tier_changes: [],
  mode_changes: [],
  policy_changes: [{ file: "policies/teams.yaml", kind: "changed", name: HOSTILE, detail: HOSTILE }],
  budgets: [
    {
      rule: "team-monthly",
      change: "added",
      mode: "enforce",
      applies_to: "team",
      window: { from: "2026-06-01", to: "2026-06-30", days: 30 },
      limits: [
        {
          period: "month",
          limit_usd: "15.000000000",
          scopes: 4,
          crossings: 3,
          scopes_crossed: 3,
          first_crossed_on: "2026-06-12",
          first_scope: HOSTILE,
          after_requests: 1234,
          after_usd: "56.780000000",
          peak_share: "2.100000",
        },
        {
          period: "day",
          limit_usd: "2.500000000",
          scopes: 4,
          crossings: 0,
          scopes_crossed: 0,
          first_crossed_on: null,
          first_scope: null,
          after_requests: 0,
          after_usd: "0.000000000",
          peak_share: "0.623456",
        },
      ],
    },
    { rule: "user-daily", change: "changed", mode: "audit", applies_to: "user", window: null, limits: [] },
  ],
  impact: null,
  restatement: {
    since: "2026-07-05",
    until: "2026-07-09",
    days: 5,
    change_usd: "-0.054911000",
    reason: `private prices of ${HOSTILE} change`,
  },
};

describe("renderDiffMarkdown", () => {
  const markdown = renderDiffMarkdown(diff);

  it("never lets text from the pricing files format, link, load an image or mention anyone", () => {
    expect(markdown).not.toContain("![");
    expect(markdown).not.toMatch(/(^|[^\\])\]\(/);
    expect(markdown).not.toMatch(/(^|[^\\])@acme/);
    expect(markdown).not.toContain("<img");
    expect(markdown).toContain(
      "\\!\\[pixel\\](https://evil.example/t.png) \\[click\\](https://evil.example) \\@acme/finance &lt;img src=x&gt; \\| \\*bold\\* \\_it\\_ \\`code\\` \\#1 \\~\\~s\\~\\~",
    );
    // A table row keeps its 8 cells: the `|` in the text is escaped.
    const row = markdown.split("\n").find((l) => l.startsWith("| acme/m"))!;
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(8);
  });

  it("says what each new or changed budget rule would have done to the window's usage, hostile scope values escaped", () => {
    expect(markdown).toContain("### Budget rules, simulated on recent usage");
    expect(markdown).toContain(
      "- **team-monthly** (added, enforce), $15 a month per team: would have been crossed on 2026-06-12 (3 times in the last 30 days of usage (2026-06-01 to 2026-06-30)); 1,234 requests / $56.780000000 after the crossing would have been blocked; 3 of 4 team values affected, first \\!\\[pixel\\]",
    );
    expect(markdown).toContain(
      "- **team-monthly** (added, enforce), $2.5 a day per team: not crossed in the last 30 days of usage (2026-06-01 to 2026-06-30); the highest spend reached 62.35 % of the limit (4 scope values with calls).",
    );
    expect(markdown).toContain("- **user-daily** (changed, audit): not simulated (no usage given: `costs diff --usage data`).");
  });

  it("says which days the nightly restates after merge, and the change from the re-priced usage", () => {
    expect(markdown).not.toContain("Days already published are not restated");
    expect(markdown).toContain(
      "**Restatement:** after merge, the nightly restates **2026-07-05 … 2026-07-09** (5 days, **-0.054911000 USD** from the re-priced usage): private prices of \\!\\[pixel\\]",
    );
  });

  it("says that nothing is restated, and why, when no day already priced changes", () => {
    const one = { since: "2026-07-05", until: "2026-07-05", days: 1, change_usd: null, reason: "r" };
    expect(renderDiffMarkdown({ ...diff, restatement: one })).toContain(
      "**Restatement:** after merge, the nightly restates **2026-07-05** (1 day, change in cost not computed without priced usage): r.",
    );
    const forward = {
      since: null,
      until: null,
      days: null,
      change_usd: null,
      reason: "only catalog (public) prices change: they apply forward only",
    };
    expect(renderDiffMarkdown({ ...diff, restatement: forward })).toContain(
      "**Restatement:** nothing is restated: only catalog (public) prices change: they apply forward only.",
    );
    expect(renderDiffMarkdown({ ...diff, restatement: null })).toContain(
      "**Restatement:** none: no price changes, so no day already published changes.",
    );
  });
});
