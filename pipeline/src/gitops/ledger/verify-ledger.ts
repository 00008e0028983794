import { readFile } from "node:fs/promises";
import path from "node:path";
import { isSystemError } from "../../lib/system-error.ts";
import { compareDataWithLedger, type LedgerComparison } from "./compare-data-with-ledger.ts";
import { findLedgerRef, type LedgerRef } from "./find-ledger-ref.ts";
import { listDataDays } from "./list-data-days.ts";
import { openLedgerRepo } from "./open-ledger-repo.ts";
import { readLedger } from "./read-ledger.ts";

export interface VerifyResult {
  /** The ledger read (none: there is no ledger yet). */
  ledger?: LedgerRef;
  comparison?: LedgerComparison;
  /** Days `<data>/restatements.json` lists: their files may differ from the ledger's until the next record. */
  restated: Set<string>;
}

/**
 * `costs ledger verify`: the data folder (as restored before a run) against the ledger
 * (local branch, else `origin/<branch>`): published days it lacks, days whose files differ.
 * Deciding what fails is the command's part.
 */
export async function verifyLedger(options: { data: string; repo: string; repoShown: string; branch: string }): Promise<VerifyResult> {
  const git = await openLedgerRepo(options.repo, options.repoShown, options.branch);
  const ledger = await findLedgerRef(git, options.branch);
  const restated = await restatedDays(options.data);
  if (!ledger) return { restated };
  const { entries } = await readLedger(git, options.repo, ledger);
  const comparison = await compareDataWithLedger(options.data, entries, await listDataDays(options.data));
  return { ledger, comparison, restated };
}

/** The days of `<data>/restatements.json`, read loosely: `costs ledger record` checks the file itself. */
async function restatedDays(data: string): Promise<Set<string>> {
  try {
    const json = JSON.parse(await readFile(path.join(data, "restatements.json"), "utf8")) as unknown;
    return new Set(
      Array.isArray(json) ? json.map((r) => (r as { date?: unknown }).date).filter((d): d is string => typeof d === "string") : [],
    );
  } catch (error) {
    if (isSystemError(error) || error instanceof SyntaxError) return new Set();
    throw error;
  }
}
