import type { SimpleGit } from "simple-git";
import { PipelineError } from "../../lib/errors.ts";
import { formatDayRanges } from "../../lib/format-day-ranges.ts";
import { toCanonicalJson } from "../../lib/to-canonical-json.ts";
import { fetchLedger } from "./fetch-ledger.ts";
import { resolveCommit, type LedgerRef } from "./find-ledger-ref.ts";
import { LEDGER_README } from "./ledger-readme.ts";
import { openLedgerRepo, type LedgerIdentity } from "./open-ledger-repo.ts";
import { planRecord, type DayChange, type DayChangeKind } from "./plan-record.ts";
import { pushLedger } from "./push-ledger.ts";
import { readLedger, type Ledger } from "./read-ledger.ts";
import { readPublishedDays } from "./read-published-days.ts";
import { writeLedgerCommit } from "./write-ledger-commit.ts";

export interface RecordOptions {
  data: string;
  repo: string;
  /** `--repo` as people wrote it, for messages. */
  repoShown: string;
  branch: string;
  /** Fetch the branch from this remote first, and push it there after. */
  push?: string;
  acceptChanges: boolean;
  allowMissingHistory: boolean;
  identity: LedgerIdentity;
  /** Never printed, in any encoding (tokens from the environment). */
  secrets: string[];
}

export interface RecordResult {
  /** The ledger the record started from (none: a new ledger). */
  base?: LedgerRef;
  counts: Record<DayChangeKind, number>;
  changes: DayChange[];
  unchanged: number;
  /** The new commit, when something changed. */
  commit?: string;
  /** Whether the branch was pushed (it is not when the remote already had it). */
  pushed: boolean;
}

const ZERO = "0".repeat(40);

/**
 * `costs ledger record`: one commit on the ledger branch with every day of the data that is
 * new or changed (plan-record.ts), written with git's plumbing so the repository's working
 * tree, index and current branch stay as they are; the branch is created as an orphan when
 * there is none (or starts from `origin/<branch>`). Nothing changed: no commit. With
 * `push`, the branch is fetched first and pushed after, as a fast-forward only.
 */
export async function recordLedger(options: RecordOptions): Promise<RecordResult> {
  const published = await readPublishedDays(options.data);
  const git = await openLedgerRepo(options.repo, options.repoShown, options.branch, options.identity);
  await refuseCheckedOut(git, options.branch);
  const local = await resolveCommit(git, `refs/heads/${options.branch}`);
  const remote = options.push ? await fetchLedger(git, options.push, options.branch, options.secrets) : undefined;
  const base = await chooseBase(git, options, local, remote);
  const ledger: Ledger = base ? await readLedger(git, options.repo, base) : { tree: new Map(), entries: new Map() };

  const plan = planRecord({
    days: published.days,
    entries: ledger.entries,
    restatements: published.restatements,
    generatedAt: published.generatedAt,
    acceptChanges: options.acceptChanges,
    allowMissingHistory: options.allowMissingHistory,
  });
  if (plan.problems.length > 0)
    throw new PipelineError(plan.problems.map((p) => ({ ...p, message: `${p.message}; nothing was recorded` })));
  const counts: Record<DayChangeKind, number> = { added: 0, changed: 0, restated: 0, dropped: 0 };
  for (const change of plan.changes) counts[change.kind]++;

  let commit: string | undefined;
  if (plan.changes.length > 0) {
    const files = new Map<string, Buffer>([["README.md", Buffer.from(LEDGER_README)]]);
    for (const change of plan.changes) {
      files.set(`days/${change.entry.date}.json`, Buffer.from(toCanonicalJson(change.entry)));
      if (change.rollup) files.set(`rollups/date=${change.entry.date}.json`, change.rollup);
    }
    commit = await writeLedgerCommit(git, options.repo, {
      parent: base?.commit,
      tree: ledger.tree,
      files,
      message: commitMessage(plan.changes, counts, published.generatedAt),
    });
    // Compare-and-swap: fails if the branch moved since it was read.
    await git.raw(["update-ref", "-m", "costs ledger record", `refs/heads/${options.branch}`, commit, local ?? ZERO]);
  }

  let pushed = false;
  const head = commit ?? base?.commit;
  if (options.push && head && head !== remote) {
    await pushLedger(git, options.push, options.branch, head, options.secrets);
    pushed = true;
  }
  return { base, counts, changes: plan.changes, unchanged: plan.unchanged, commit, pushed };
}

/**
 * The commit to build on. Without a remote to push to: the local branch, else
 * `origin/<branch>`. With one (just fetched): whichever of the local branch and the
 * remote's includes the other; when they have diverged the record stops, since its push
 * could not be a fast-forward.
 */
async function chooseBase(git: SimpleGit, options: RecordOptions, local?: string, remote?: string): Promise<LedgerRef | undefined> {
  const localRef = (commit: string): LedgerRef => ({ ref: `refs/heads/${options.branch}`, name: options.branch, commit });
  if (!options.push) {
    if (local) return localRef(local);
    const origin = await resolveCommit(git, `refs/remotes/origin/${options.branch}`);
    return origin ? { ref: `refs/remotes/origin/${options.branch}`, name: `origin/${options.branch}`, commit: origin } : undefined;
  }
  const remoteRef = (commit: string): LedgerRef => ({
    ref: `refs/remotes/${options.push}/${options.branch}`,
    name: `${options.push}/${options.branch}`,
    commit,
  });
  if (!remote) return local ? localRef(local) : undefined;
  if (!local || local === remote) return remoteRef(remote);
  if ((await mergeBase(git, local, remote)) === local) return remoteRef(remote);
  if ((await mergeBase(git, local, remote)) === remote) return localRef(local);
  throw new PipelineError({
    message: `the local ${options.branch} and ${options.push}/${options.branch} have diverged: a push could not be a fast-forward; nothing was recorded`,
    hint: `keep the remote's ledger: \`git branch -f ${options.branch} ${options.push}/${options.branch}\` (after checking what the local commits hold), then record again`,
  });
}

async function mergeBase(git: SimpleGit, a: string, b: string): Promise<string> {
  return (await git.raw(["merge-base", a, b]).catch(() => "")).trim();
}

/** Moving a branch that is checked out would leave that working tree's files out of step with it. */
async function refuseCheckedOut(git: SimpleGit, branch: string): Promise<void> {
  const listing = await git.raw(["worktree", "list", "--porcelain"]);
  const at = listing
    .split("\n\n")
    .find((block) => block.split("\n").includes(`branch refs/heads/${branch}`))
    ?.split("\n")[0]
    ?.replace(/^worktree /, "");
  if (at !== undefined)
    throw new PipelineError({
      message: `the ledger branch ${branch} is checked out in ${at}: costs ledger record does not move a checked-out branch`,
      hint: `switch that working tree to another branch (\`git -C ${at} switch -\`), then record again`,
    });
}

/** `Ledger: 1 day added, 1 restated (data of 2026-07-16T02:31:07.000Z)` and the days of each kind. */
function commitMessage(changes: DayChange[], counts: Record<DayChangeKind, number>, generatedAt: string): string {
  const kinds = (Object.keys(counts) as DayChangeKind[]).filter((k) => counts[k] > 0);
  const total = changes.length;
  const subject = `Ledger: ${kinds.map((k, i) => `${counts[k]}${i === 0 ? ` day${counts[k] === 1 ? "" : "s"}` : ""} ${k}`).join(", ")} (data of ${generatedAt})`;
  const body = kinds.map(
    (k) =>
      `${k}: ${formatDayRanges(
        changes.filter((c) => c.kind === k).map((c) => c.entry.date),
        50,
      )}`,
  );
  const restated = changes
    .filter((c) => c.kind === "restated")
    .map((c) => {
      const r = c.entry.restatements.at(-1)!;
      return `  ${c.entry.date} (${r.reason}): cost_usd ${r.old.cost_usd} → ${r.new.cost_usd}, rows ${r.old.rows} → ${r.new.rows}${r.pricing_commit ? `, pricing ${r.pricing_commit.slice(0, 12)}` : ""}`;
    });
  return [subject, "", ...body, ...restated, "", `${total} day${total === 1 ? "" : "s"} written by costs ledger record.`].join("\n");
}
