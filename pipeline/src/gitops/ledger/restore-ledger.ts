import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { PipelineError, type Problem } from "../../lib/errors.ts";
import { sha256Text } from "../../lib/hash.ts";
import { lockOutputs, type LockOptions } from "../../outputs/output-lock.ts";
import type { LedgerEntry } from "../../schemas/ledger-entry.schema.ts";
import { catBlobs } from "../cat-blobs.ts";
import { findLedgerRef, type LedgerRef } from "./find-ledger-ref.ts";
import { listDataDays } from "./list-data-days.ts";
import { openLedgerRepo } from "./open-ledger-repo.ts";
import { readLedger } from "./read-ledger.ts";

export interface RestoreResult {
  ledger?: LedgerRef;
  /** The days whose rollups were written into `<data>/rollups/`. */
  restored: LedgerEntry[];
  /** Days the ledger recorded (dropped ones included). */
  recorded: number;
}

/**
 * `costs ledger restore`: for every day the ledger recorded (dropped ones too) that the data
 * has neither rows nor a rollup of, writes the ledger's copy of its rollup into
 * `<data>/rollups/` (checked against the entry's sha256, written to a temporary name and
 * renamed, under the output folder's lock). `costs run` then counts those days as
 * rollup-only days: their totals and aggregates, without rows.
 */
export async function restoreLedger(options: {
  data: string;
  repo: string;
  repoShown: string;
  branch: string;
  lock: LockOptions;
}): Promise<RestoreResult> {
  const git = await openLedgerRepo(options.repo, options.repoShown, options.branch);
  const ledger = await findLedgerRef(git, options.branch);
  if (!ledger) return { restored: [], recorded: 0 };
  const { tree, entries } = await readLedger(git, options.repo, ledger);
  const held = await listDataDays(options.data);
  const missing = [...entries.values()]
    .filter((e) => !held.partitions.has(e.date) && !held.rollups.has(e.date))
    .sort((a, b) => a.date.localeCompare(b.date));
  if (missing.length === 0) return { ledger, restored: [], recorded: entries.size };

  const problems: Problem[] = [];
  const blobs = missing.map((e) => tree.get(`rollups/date=${e.date}.json`));
  for (const [i, entry] of missing.entries())
    if (blobs[i]?.type !== "blob")
      problems.push({ file: `${ledger.name}:rollups/date=${entry.date}.json`, message: "missing from the ledger" });
  if (problems.length > 0) throw new PipelineError(problems);
  const contents = await catBlobs(
    options.repo,
    blobs.map((b) => b!.sha),
  );
  for (const [i, entry] of missing.entries())
    if (sha256Text(contents[i]!) !== entry.rollup_sha256)
      problems.push({
        file: `${ledger.name}:rollups/date=${entry.date}.json`,
        message: `its sha256 is not the one days/${entry.date}.json records`,
        hint: "the ledger branch was edited by hand: revert that commit",
      });
  if (problems.length > 0) throw new PipelineError(problems);

  const lock = await lockOutputs(options.data, options.lock);
  try {
    const folder = path.join(options.data, "rollups");
    await mkdir(folder, { recursive: true });
    for (const [i, entry] of missing.entries()) {
      const target = path.join(folder, `date=${entry.date}.json`);
      const temporary = `${target}.restore-${process.pid}`;
      try {
        await writeFile(temporary, contents[i]!);
        await rename(temporary, target);
      } finally {
        await rm(temporary, { force: true });
      }
    }
  } finally {
    await lock.release();
  }
  return { ledger, restored: missing, recorded: entries.size };
}
