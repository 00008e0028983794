import type { SimpleGit } from "simple-git";

/** The commit a ledger is read from, and the ref it came from (`costs-ledger` or `origin/costs-ledger`). */
export interface LedgerRef {
  ref: string;
  /** The ref as people write it: `costs-ledger`, `origin/costs-ledger`. */
  name: string;
  commit: string;
}

/** The ledger branch: the local `branch` when it exists, else `origin/branch`; undefined when neither does. */
export async function findLedgerRef(git: SimpleGit, branch: string): Promise<LedgerRef | undefined> {
  for (const ref of [`refs/heads/${branch}`, `refs/remotes/origin/${branch}`]) {
    const commit = await resolveCommit(git, ref);
    if (commit) return { ref, name: ref.replace(/^refs\/(heads|remotes)\//, ""), commit };
  }
  return undefined;
}

/** The commit `ref` points at, or undefined when there is no such ref. */
export async function resolveCommit(git: SimpleGit, ref: string): Promise<string | undefined> {
  const out = await git.raw(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]).catch(() => "");
  return out.trim() || undefined;
}
