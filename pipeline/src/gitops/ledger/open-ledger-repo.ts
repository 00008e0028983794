import { simpleGit, type SimpleGit } from "simple-git";
import { PipelineError } from "../../lib/errors.ts";
import { exists } from "../../lib/exists.ts";

/** Who the ledger's commits are by. */
export interface LedgerIdentity {
  name: string;
  email: string;
}

export const DEFAULT_LEDGER_IDENTITY: LedgerIdentity = { name: "costs ledger", email: "costs-ledger@users.noreply.github.com" };

/**
 * simple-git on the repository `repo` (a working tree or a bare repository), checking that
 * it is one and that `branch` is a valid branch name. simple-git 4 removes every `GIT_*`
 * variable from git's environment, so the commit identity goes in as `-c user.name=…
 * -c user.email=…`.
 */
export async function openLedgerRepo(repo: string, shown: string, branch: string, identity = DEFAULT_LEDGER_IDENTITY): Promise<SimpleGit> {
  if (!(await exists(repo)))
    throw new PipelineError({ field: "--repo", message: `${shown} does not exist`, hint: "pass the git repository with --repo" });
  const git = simpleGit({ baseDir: repo, config: [`user.name=${identity.name}`, `user.email=${identity.email}`] });
  try {
    await git.raw(["rev-parse", "--git-dir"]);
  } catch {
    throw new PipelineError({
      field: "--repo",
      message: `${shown} is not a git repository`,
      hint: "run in the project's clone, or pass it with --repo",
    });
  }
  // check-ref-format prints the name back when it is a valid branch name (and fails otherwise).
  const valid =
    /^[A-Za-z0-9]/.test(branch) &&
    (await git.raw(["check-ref-format", "--branch", branch]).then(
      (out) => out.trim() === branch,
      () => false,
    ));
  if (!valid)
    throw new PipelineError({
      field: "--branch",
      message: `\`${branch}\` is not a valid branch name`,
      hint: "the default is costs-ledger",
    });
  return git;
}
