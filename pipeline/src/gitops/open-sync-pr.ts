import path from "node:path";
import { simpleGit } from "simple-git";
import { PipelineError } from "../lib/errors.ts";
import { githubError, type GithubClient } from "./create-github-client.ts";
import { shortMessage } from "./redact-secrets.ts";

/** The one branch (and pull request) catalog syncs go to: each sync updates it. */
export const SYNC_BRANCH = "costs/catalog-sync";

export interface OpenSyncPrOptions {
  /** The project's git working tree. */
  repoDir: string;
  /** The catalog folder inside it (pricing/catalog). */
  catalogDir: string;
  remote: string;
  owner: string;
  repo: string;
  base: string;
  /** Upstream commit synced. */
  commit: string;
  changes: string[];
  client: GithubClient;
  token: string;
  identity: { name: string; email: string };
}

export interface OpenSyncPrResult {
  action: "created" | "updated" | "unchanged";
  number?: number;
}

/**
 * Commits the synced catalog on `costs/catalog-sync` (from the current commit), force-pushes
 * it, and opens the pull request or updates the one already open for that branch (SPEC 8).
 * With nothing changed in the catalog, or the remote branch already holding the same
 * catalog, no push or pull-request call is made. The
 * working tree is put back on the branch it was on.
 */
export async function openSyncPullRequest(options: OpenSyncPrOptions): Promise<OpenSyncPrResult> {
  const git = simpleGit({
    baseDir: options.repoDir,
    config: [`user.name=${options.identity.name}`, `user.email=${options.identity.email}`],
  });
  const catalog = path.relative(options.repoDir, options.catalogDir).split(path.sep).join("/");
  const status = await git.status([catalog]);
  if (status.isClean()) return { action: "unchanged" };
  const original = status.current;
  await git.checkout(["-B", SYNC_BRANCH]);
  await git.add([catalog]);
  await git.commit(`Sync pricing catalog from upstream ${options.commit.slice(0, 12)}`, [catalog]);
  try {
    // The branch on the remote already holds exactly these catalog files (SOURCE.yaml's sync
    // time and the changelog aside): nothing to push or update.
    const remoteRef = `refs/remotes/${options.remote}/${SYNC_BRANCH}`;
    const fetched = await git.fetch(options.remote, `+refs/heads/${SYNC_BRANCH}:${remoteRef}`).then(
      () => true,
      () => false,
    );
    if (fetched && (await git.raw(["diff", "--name-only", remoteRef, "HEAD", "--", `${catalog}/providers`])).trim() === "")
      return { action: "unchanged" };
    await git.push(options.remote, SYNC_BRANCH, ["--force"]);
  } catch (error) {
    // git's message and the remote (a URL may carry credentials) are printed without the token in any form.
    const said = shortMessage(String((error as Error).message).split("\n")[0]!, [options.token]);
    throw new PipelineError({
      message: `cannot push ${SYNC_BRANCH} to ${shortMessage(options.remote, [options.token])}: ${said}`,
      hint: "the workflow needs `contents: write`",
    });
  } finally {
    if (original && original !== SYNC_BRANCH) await git.checkout(original);
  }
  const title = `Sync pricing catalog from upstream ${options.commit.slice(0, 12)}`;
  const body = [
    `Refreshes \`${catalog}/\` from the upstream catalog at \`${options.commit}\` (recorded in \`${catalog}/SOURCE.yaml\`).`,
    "",
    options.changes.length === 0 ? "No published price changed." : "### Price changes",
    "",
    ...options.changes.slice(0, 300).map((c) => `- ${c}`),
    ...(options.changes.length > 300 ? [`- … and ${options.changes.length - 300} more (see \`${catalog}/CHANGELOG.md\`)`] : []),
    "",
    "The pricing review on this pull request shows what these changes do to recent spend.",
  ].join("\n");
  try {
    const open = await options.client.rest.pulls.list({
      owner: options.owner,
      repo: options.repo,
      head: `${options.owner}:${SYNC_BRANCH}`,
      state: "open",
    });
    const existing = open.data[0];
    if (existing) {
      await options.client.rest.pulls.update({ owner: options.owner, repo: options.repo, pull_number: existing.number, title, body });
      return { action: "updated", number: existing.number };
    }
    const created = await options.client.rest.pulls.create({
      owner: options.owner,
      repo: options.repo,
      head: SYNC_BRANCH,
      base: options.base,
      title,
      body,
    });
    return { action: "created", number: created.data.number };
  } catch (error) {
    throw githubError(error, [options.token]);
  }
}
