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
  impact: null,
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

  it("says that days already published are not restated", () => {
    expect(markdown).toContain("_Days already published are not restated");
  });
});
