import { lstat, mkdir, rename } from "node:fs/promises";
import path from "node:path";
import type { CommitJournal } from "../schemas/commit-journal.schema.ts";
import { syncDir } from "./sync-to-disk.ts";

/** Called after each rename: `trash <path>` (the old one moved aside) or `move <path>` (the new one in). */
export type OnRename = (what: string) => void;

/**
 * Moves the journal's paths from its staging folder into `out`, in order: for each path
 * whose staged copy is still there, the path in `out` (if any) is renamed into the trash
 * folder, then the staged one renamed in. Idempotent: a path already moved in (its staged
 * copy gone) is skipped, so it completes a commit interrupted at any point, and running it
 * twice changes nothing. Nothing is deleted here.
 */
export async function rollForward(out: string, journal: CommitJournal, onRename: OnRename = () => {}): Promise<void> {
  const parents = new Set<string>([out]);
  for (const relative of journal.paths) {
    const staged = path.join(out, journal.staging, relative);
    if (!(await present(staged))) continue;
    const target = path.join(out, relative);
    await mkdir(path.dirname(target), { recursive: true });
    if (await present(target)) {
      const old = path.join(out, journal.trash, relative);
      await mkdir(path.dirname(old), { recursive: true });
      await rename(target, old);
      onRename(`trash ${relative}`);
    }
    await rename(staged, target);
    onRename(`move ${relative}`);
    parents.add(path.dirname(target));
  }
  for (const dir of parents) await syncDir(dir);
}

/** Whether a path exists (a dangling symbolic link counts). */
async function present(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}
