import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import type { CommitJournal } from "../schemas/commit-journal.schema.ts";
import { readJournal, removeJournal, JOURNAL_FILE } from "./journal.ts";
import { LOCK_FILE } from "./output-lock.ts";
import { rollForward } from "./roll-forward.ts";

/** What `repairOutputs` did. */
export interface Repair {
  /** The journal of the commit it completed, if there was one. */
  completed?: CommitJournal;
  /** Leftover entries it removed (staging and trash folders, temporary files). */
  removed: string[];
}

/**
 * Brings an output folder back to a committed state after a writer stopped. Call it only
 * while holding the folder's lock (output-lock.ts): the leftovers it removes could otherwise
 * belong to a live run.
 *
 *   - a journal (`.commit.json`) means the writer died after its commit point: its renames
 *     are completed (roll-forward.ts), then the journal is removed;
 *   - then what is left of dead runs goes: `.staging-*` (outputs never committed, or emptied
 *     by their commit), `.trash-*` (outputs already replaced), temporary journal and lock files.
 */
export async function repairOutputs(out: string): Promise<Repair> {
  const repair: Repair = { removed: [] };
  const journal = await readJournal(out);
  if (journal) {
    await rollForward(out, journal);
    await removeJournal(out);
    repair.completed = journal;
  }
  for (const entry of await readdir(out)) {
    if (isLeftover(entry)) {
      await rm(path.join(out, entry), { recursive: true, force: true });
      repair.removed.push(entry);
    }
  }
  return repair;
}

export function isLeftover(entry: string): boolean {
  return (
    entry.startsWith(".staging-") ||
    entry.startsWith(".trash-") ||
    (entry.startsWith(`${JOURNAL_FILE}.`) && entry.endsWith(".tmp")) ||
    entry.startsWith(`${LOCK_FILE}.stale-`)
  );
}

/** A warning line for a repair that completed a commit, else undefined (removing leftovers needs no mention). */
export function describeRepair(repair: Repair, shown: string): string | undefined {
  const journal = repair.completed;
  if (!journal) return undefined;
  return `${shown}: completed the commit of a run that stopped while moving its outputs in (pid ${journal.pid}, ${journal.paths.length} paths)`;
}
