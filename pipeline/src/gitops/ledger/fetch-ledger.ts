import type { SimpleGit } from "simple-git";
import { PipelineError } from "../../lib/errors.ts";
import { shortMessage } from "../redact-secrets.ts";
import { resolveCommit } from "./find-ledger-ref.ts";

/**
 * Fetches `branch` from the remote `remote` into `refs/remotes/<remote>/<branch>` and
 * returns its commit; undefined when the remote has no such branch (a new ledger). A remote
 * that cannot be reached is an error: taking it for "no ledger" would start a second one.
 * Messages never carry `secrets` (in any encoding) or credentials from a URL.
 */
export async function fetchLedger(git: SimpleGit, remote: string, branch: string, secrets: string[]): Promise<string | undefined> {
  await checkRemote(git, remote);
  let listed: string;
  try {
    listed = await git.raw(["ls-remote", "--heads", remote, `refs/heads/${branch}`]);
  } catch (error) {
    throw new PipelineError({
      message: `cannot read ${branch} from the remote ${remote}: ${gitMessage(error, secrets)}`,
      hint: "check the remote's URL and credentials (in GitHub Actions: the job's checkout token)",
    });
  }
  if (!listed.trim()) return undefined;
  try {
    await git.raw(["fetch", "--no-tags", remote, `+refs/heads/${branch}:refs/remotes/${remote}/${branch}`]);
  } catch (error) {
    throw new PipelineError({ message: `cannot fetch ${branch} from ${remote}: ${gitMessage(error, secrets)}` });
  }
  return resolveCommit(git, `refs/remotes/${remote}/${branch}`);
}

/** `remote` must be a remote of the repository (a name such as `origin`, not a URL). */
export async function checkRemote(git: SimpleGit, remote: string): Promise<void> {
  const remotes = (await git.raw(["remote"])).split("\n").filter(Boolean);
  if (!remotes.includes(remote))
    throw new PipelineError({
      field: "--push",
      message: `the repository has no remote named \`${shortMessage(remote, [])}\``,
      hint: remotes.length > 0 ? `its remotes: ${remotes.join(", ")}` : "add one with `git remote add origin URL`",
    });
}

/** git's error in one line, redacted: its `fatal:` or `error:` line, else its first line. */
export function gitMessage(error: unknown, secrets: string[]): string {
  const lines = String((error as Error).message ?? error)
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
  return shortMessage(lines.find((line) => /^(fatal|error):/.test(line)) ?? lines[0] ?? "git failed", secrets);
}
