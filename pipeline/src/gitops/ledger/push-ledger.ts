import type { SimpleGit } from "simple-git";
import { PipelineError } from "../../lib/errors.ts";
import { gitMessage } from "./fetch-ledger.ts";

/**
 * Pushes `commit` to `branch` on `remote` as a fast-forward (never forced): when the remote
 * moved meanwhile (another run recorded), the push is refused and so is this record.
 */
export async function pushLedger(git: SimpleGit, remote: string, branch: string, commit: string, secrets: string[]): Promise<void> {
  try {
    await git.raw(["push", remote, `${commit}:refs/heads/${branch}`]);
  } catch (error) {
    const text = String((error as Error).message ?? error);
    const rejected = /\[rejected\]|non-fast-forward|fetch first/.test(text);
    throw new PipelineError({
      message: rejected
        ? `cannot push ${branch} to ${remote}: the remote's ${branch} has commits this record does not include (not a fast-forward)`
        : `cannot push ${branch} to ${remote}: ${gitMessage(error, secrets)}`,
      hint: rejected
        ? "another run recorded meanwhile: run `costs ledger record --push` again (it fetches first); never force-push the ledger"
        : "check the remote's credentials: in GitHub Actions the job needs `permissions: contents: write`",
    });
  }
  // Keep the remote-tracking ref in step (git does this itself only for a configured fetch refspec).
  await git.raw(["update-ref", `refs/remotes/${remote}/${branch}`, commit]);
}
