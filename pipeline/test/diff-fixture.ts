import { cp } from "node:fs/promises";
import path from "node:path";
import type { PricingDiff } from "../src/schemas/pricing-diff.schema.ts";
import { git } from "./git.ts";
import { PRICING_FIXTURE } from "./pricing-fixture.ts";
import { runCli } from "./run-cli.ts";
import { writeTempTree } from "./temp-dir.ts";

const GOLDEN = path.join(import.meta.dirname, "e2e/golden");

/**
 * A real git repository for `costs diff`: the pricing fixture and the golden policies
 * committed on `main` as `message`, the golden logs beside them (not committed) and `out/`
 * priced by `costs run` with those rules. Returns its path; the test commits its change on top.
 */
export async function goldenRepo(message: string): Promise<string> {
  const repo = await writeTempTree(Object.fromEntries(Object.entries(PRICING_FIXTURE).map(([k, v]) => [`pricing/${k}`, v])));
  await cp(path.join(GOLDEN, "policies"), path.join(repo, "policies"), { recursive: true });
  await cp(path.join(GOLDEN, "logs"), path.join(repo, "logs"), { recursive: true });
  await git(repo, "init", "-q", "-b", "main");
  await git(repo, "add", "pricing", "policies");
  await git(repo, "commit", "-q", "-m", message);
  const run = await runCli(repo, "run", "--logs", "logs", "--out", "out", "--no-progress");
  if (run.code !== 0) throw new Error(`costs run in the golden repository exited with ${run.code}: ${run.err}`);
  return repo;
}

/** A pricing diff with no rate changes and an impact of `change_usd` / `change_share` on 2,000 USD of usage. */
export function diffWithImpact(change_usd: string, change_share: string | null): PricingDiff {
  return {
    base: { ref: "main", commit: "a".repeat(40) },
    head: { ref: "pr", commit: "b".repeat(40) },
    rate_changes: [],
    models_added: [],
    models_removed: [],
    regions_added: [],
    regions_removed: [],
    tier_changes: [],
    mode_changes: [],
    policy_changes: [],
    budgets: [],
    impact: {
      days: 30,
      from: "2026-06-01",
      to: "2026-06-30",
      rows: 12,
      base_cost_usd: "2000.000000000",
      head_cost_usd: "2000.000000000",
      change_usd,
      change_share,
      by_model: [],
      by_team: [],
    },
    restatement: null,
  };
}
