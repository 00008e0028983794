import path from "node:path";
import { displayPath, PipelineError } from "../lib/errors.ts";
import type { Io } from "../lib/io.ts";
import { createGithubClient } from "../gitops/create-github-client.ts";
import { openSyncPullRequest } from "../gitops/open-sync-pr.ts";
import { syncCatalog } from "../gitops/sync-catalog.ts";

export interface CatalogSyncOptions {
  from: string;
  ref?: string;
  pricingDir: string;
  openPr?: boolean;
  repo?: string;
  base: string;
  remote: string;
}

export interface CatalogSyncEnv {
  GITHUB_TOKEN?: string;
  GITHUB_API_URL?: string;
  GITHUB_REPOSITORY?: string;
}

/** `costs catalog sync`: refreshes the vendored catalog, says what changed, and with --open-pr opens or updates one pull request. */
export async function catalogSyncCommand(
  options: CatalogSyncOptions,
  io: Io,
  env: CatalogSyncEnv = process.env,
  now: () => Date = () => new Date(),
): Promise<number> {
  const repoName = options.repo ?? env.GITHUB_REPOSITORY;
  if (options.openPr) {
    if (!repoName || !/^[^/\s]+\/[^/\s]+$/.test(repoName)) {
      throw new PipelineError({
        field: "--repo",
        message: "--open-pr needs the repository as OWNER/NAME",
        hint: "pass --repo, or run in GitHub Actions (GITHUB_REPOSITORY)",
      });
    }
    if (!env.GITHUB_TOKEN)
      throw new PipelineError({
        message: "--open-pr needs GITHUB_TOKEN in the environment",
        hint: "the workflow passes secrets.GITHUB_TOKEN (contents: write, pull-requests: write)",
      });
  }
  const from = /^[a-z]+:\/\//i.test(options.from) || options.from.includes("@") ? options.from : path.resolve(io.cwd, options.from);
  const pricingDir = path.resolve(io.cwd, options.pricingDir);
  const result = await syncCatalog({ from, ref: options.ref, pricingDir, now });
  const catalog = displayPath(path.join(pricingDir, "catalog"), io.cwd);
  io.out(
    `${catalog}: ${result.files.toLocaleString("en")} files, ${result.models.toLocaleString("en")} models (${result.withCosts.toLocaleString("en")} with costs) from upstream ${result.commit.slice(0, 12)}\n` +
      `${result.changes.length === 0 ? "no price changed" : `${result.changes.length} change${result.changes.length === 1 ? "" : "s"} written to ${catalog}/CHANGELOG.md`}\n`,
  );
  if (!options.openPr) {
    io.out("next: run `costs validate`, then open a pull request so reviewers see the pricing diff\n");
    return 0;
  }
  const [owner, repo] = repoName!.split("/") as [string, string];
  const token = env.GITHUB_TOKEN!;
  const pr = await openSyncPullRequest({
    repoDir: io.cwd,
    catalogDir: path.join(pricingDir, "catalog"),
    remote: options.remote,
    owner,
    repo,
    base: options.base,
    commit: result.commit,
    changes: result.changes,
    client: createGithubClient({ baseUrl: env.GITHUB_API_URL, token, warn: (m) => io.err(`${m}\n`) }),
    token,
    identity: { name: "gateway-costs catalog sync", email: "gateway-costs@users.noreply.github.com" },
  });
  io.out(
    pr.action === "unchanged" ? "catalog unchanged: no pull request\n" : `${pr.action} pull request #${pr.number} on ${owner}/${repo}\n`,
  );
  return 0;
}
