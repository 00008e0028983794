import { rm } from "node:fs/promises";
import path from "node:path";
import { PipelineError } from "../lib/errors.ts";
import { loadPricing, type PricingBook } from "../pricing/load-pricing.ts";
import type { PricingDiff } from "../schemas/pricing-diff.schema.ts";
import { diffBudgets } from "./diff-budgets.ts";
import { diffImpact } from "./diff-impact.ts";
import { diffPolicies } from "./diff-policies.ts";
import { diffPricing } from "./diff-pricing.ts";
import { readTreeAtRef } from "./read-tree-at-ref.ts";
import { privatePriceChanges, restatementWindow } from "./restatement-window.ts";

export interface PricingDiffOptions {
  /** The git repository (working tree root). */
  repo: string;
  base: string;
  head: string;
  /** A pipeline output folder with priced partitions, for the impact; none: no impact. */
  usage?: string;
  days: number;
  /** Folders inside the repository. */
  pricingPath: string;
  policiesPath: string;
  /** Today's UTC date (YYYY-MM-DD): days before it may be priced already (the restatement window ends yesterday). */
  today: string;
}

/** `costs diff` without rendering: reads pricing/ and policies/ at both refs and compares them. */
export async function pricingDiff(options: PricingDiffOptions): Promise<PricingDiff> {
  const paths = [options.pricingPath, options.policiesPath];
  const base = await readTreeAtRef(options.repo, options.base, paths);
  const head = await readTreeAtRef(options.repo, options.head, paths);
  try {
    const baseBook = await load(path.join(base.dir, options.pricingPath), options.base);
    const headBook = await load(path.join(head.dir, options.pricingPath), options.head);
    const changes = diffPricing(baseBook, headBook);
    const privateChanges = privatePriceChanges(baseBook, headBook);
    const usage = options.usage ? await diffImpact(options.usage, options.days, baseBook, headBook, privateChanges) : undefined;
    return {
      base: { ref: options.base, commit: base.commit },
      head: { ref: options.head, commit: head.commit },
      ...changes,
      policy_changes: await diffPolicies(path.join(base.dir, options.policiesPath), path.join(head.dir, options.policiesPath)),
      budgets: await diffBudgets(
        path.join(base.dir, options.policiesPath),
        path.join(head.dir, options.policiesPath),
        { base: options.base, head: options.head },
        options.usage,
        options.days,
      ),
      impact: usage?.impact ?? null,
      restatement: restatementWindow({ changes: privateChanges, diff: changes, today: options.today, usage: usage?.usage }),
    };
  } finally {
    await rm(base.dir, { recursive: true, force: true });
    await rm(head.dir, { recursive: true, force: true });
  }
}

async function load(dir: string, ref: string): Promise<PricingBook> {
  const { book, problems } = await loadPricing(dir);
  const errors = problems.filter((p) => p.severity !== "warning");
  if (errors.length > 0) {
    throw new PipelineError(
      errors.map((p) => ({
        ...p,
        file: p.file ? `${ref}:${path.relative(path.dirname(dir), p.file)}` : undefined,
        hint: p.hint ?? `the pricing at ${ref} does not validate`,
      })),
    );
  }
  return book;
}
