import path from "node:path";
import { displayPath, PipelineError, type Problem } from "../lib/errors.ts";
import { formatDayRanges } from "../lib/format-day-ranges.ts";
import { lockContext, type Io } from "../lib/io.ts";
import { formatNano, parseNano } from "../pricing/money.ts";
import type { LedgerEntry } from "../schemas/ledger-entry.schema.ts";
import { DEFAULT_LEDGER_IDENTITY } from "../gitops/ledger/open-ledger-repo.ts";
import { recordLedger } from "../gitops/ledger/record-ledger.ts";
import { restoreLedger } from "../gitops/ledger/restore-ledger.ts";
import { verifyLedger } from "../gitops/ledger/verify-ledger.ts";

export interface LedgerOptions {
  data: string;
  repo: string;
  branch: string;
}

export interface LedgerRecordOptions extends LedgerOptions {
  push?: string;
  acceptChanges?: boolean;
  allowMissingHistory?: boolean;
}

export interface LedgerVerifyOptions extends LedgerOptions {
  acceptChanges?: boolean;
  allowMissingHistory?: boolean;
}

export interface LedgerEnv {
  /** The ledger commits' author and committer (default: costs ledger). */
  GIT_AUTHOR_NAME?: string;
  GIT_AUTHOR_EMAIL?: string;
  /** Tokens that may appear in git's messages: never printed. */
  GITHUB_TOKEN?: string;
  GH_TOKEN?: string;
}

/** `costs ledger record`: records the data's days on the ledger branch (one commit, or none), and pushes it with --push. */
export async function ledgerRecordCommand(options: LedgerRecordOptions, io: Io, env: LedgerEnv = process.env): Promise<number> {
  const where = resolve(options, io);
  const result = await recordLedger({
    ...where,
    branch: options.branch,
    push: options.push,
    acceptChanges: options.acceptChanges === true,
    allowMissingHistory: options.allowMissingHistory === true,
    identity: { name: env.GIT_AUTHOR_NAME || DEFAULT_LEDGER_IDENTITY.name, email: env.GIT_AUTHOR_EMAIL || DEFAULT_LEDGER_IDENTITY.email },
    secrets: [env.GITHUB_TOKEN, env.GH_TOKEN].filter((s): s is string => !!s),
  });
  const pushed = result.pushed ? `, pushed to ${options.push}` : options.push ? ` (${options.push} already has it)` : "";
  if (!result.commit) {
    io.out(
      `${options.branch}: nothing to record: the ${count(result.unchanged, "day")} of ${where.dataShown} are recorded as they are${pushed}\n`,
    );
    return 0;
  }
  const kinds = (Object.entries(result.counts) as Array<[string, number]>).filter(([, n]) => n > 0).map(([kind, n]) => `${n} ${kind}`);
  io.out(
    `${options.branch}: recorded ${count(result.changes.length, "day")} of ${where.dataShown} (${kinds.join(", ")}; ${result.unchanged} unchanged) in commit ${result.commit.slice(0, 12)}${result.base ? ` after ${result.base.name}` : ", a new ledger"}${pushed}\n`,
  );
  for (const change of result.changes) {
    if (change.kind === "restated") {
      const r = change.entry.restatements.at(-1)!;
      io.out(
        `  ${change.entry.date} restated (${r.reason}): cost_usd ${r.old.cost_usd} → ${r.new.cost_usd}, rows ${r.old.rows} → ${r.new.rows}${r.pricing_commit ? `, pricing commit ${r.pricing_commit.slice(0, 12)}` : ""}\n`,
      );
    }
  }
  const dropped = result.changes.filter((c) => c.kind === "dropped").map((c) => c.entry);
  if (dropped.length > 0)
    io.err(
      `warning: recorded ${count(dropped.length, "day")} as dropped (published without them, --allow-missing-history): ${formatDayRanges(dropped.map((e) => e.date))}, ${costOf(dropped)} USD; \`costs ledger restore\` still brings back their rollups\n`,
    );
  return 0;
}

/**
 * `costs ledger verify`: fails (exit 1) when the data lacks days the ledger recorded as
 * published, or holds other files for them than the ledger recorded, unless told to go on
 * (--allow-missing-history, --accept-changes: then a warning). One line when all is well.
 */
export async function ledgerVerifyCommand(options: LedgerVerifyOptions, io: Io): Promise<number> {
  const where = resolve(options, io);
  const result = await verifyLedger({ ...where, branch: options.branch });
  if (!result.ledger || !result.comparison) {
    io.out(
      `ledger: no ledger yet (no ${options.branch} branch, nor origin/${options.branch}): nothing to check; \`costs ledger record\` starts it\n`,
    );
    return 0;
  }
  const { comparison: c, ledger } = result;
  const problems: Problem[] = [];
  if (c.missing.length > 0) {
    const days = formatDayRanges(c.missing.map((e) => e.date));
    if (options.allowMissingHistory)
      io.err(
        `warning: publishing without ${count(c.missing.length, "day")} the ledger (${ledger.name}) recorded as published: ${days}; ${costOf(c.missing)} USD disappears from the reported totals (the ledger keeps their entries and rollups: \`costs ledger restore\` brings them back)\n`,
      );
    else
      problems.push({
        message: `the ledger (${ledger.name}) recorded ${count(c.missing.length, "day")} as published that ${where.dataShown} lacks (neither priced/date=D nor rollups/date=D.json): ${days}; publishing now would drop ${costOf(c.missing)} USD from the reported totals`,
        hint: `restore the history first (the priced-data artifact of an earlier nightly into ${where.dataShown}/priced, or \`aws s3 sync s3://BUCKET/priced ${where.dataShown}/priced\` from your history bucket); or run \`costs ledger restore\` to bring back those days' rollups from the ledger (their totals and aggregates, without rows); or, to publish without them, run again with --allow-missing-history (in the nightly: Run workflow with allow_missing_history)`,
      });
  }
  const differing = c.differing.filter((d) => !result.restated.has(d.date));
  if (differing.length > 0) {
    const shown = differing
      .slice(0, 5)
      .map((d) => `${d.date} (${d.reason})`)
      .join(", ");
    const list = `${shown}${differing.length > 5 ? `, … and ${differing.length - 5} more days` : ""}`;
    if (options.acceptChanges)
      io.err(`warning: going on with files that differ from those the ledger recorded, without a restatement, for ${list}\n`);
    else
      problems.push({
        message: `${where.dataShown} holds other files than the ledger (${ledger.name}) recorded, without a restatement, for ${count(differing.length, "day")}: ${list}`,
        hint: "restore the history the ledger recorded (the latest successful nightly's artifact, or your history bucket); if these files are meant to replace the published ones, run again with --accept-changes (the next `costs ledger record --accept-changes` then records any changed totals as restatements, reason re-run)",
      });
  }
  if (problems.length > 0) throw new PipelineError(problems);
  const present = c.withRows + c.rollupOnly;
  io.out(
    `ledger OK (${ledger.name}): ${where.dataShown} holds ${present} of the ${count(c.recorded.length, "day")} recorded (${c.withRows} with rows, ${c.rollupOnly} rollup-only)${c.dropped > 0 ? `; ${count(c.dropped, "day")} dropped earlier` : ""}${c.missing.length > 0 ? `; ${c.missing.length} missing, allowed` : ""}${differing.length > 0 ? `; ${differing.length} with other files, accepted` : ""}\n`,
  );
  return 0;
}

/** `costs ledger restore`: brings back the rollups of the days the data lacks from the ledger. */
export async function ledgerRestoreCommand(options: LedgerOptions, io: Io): Promise<number> {
  const where = resolve(options, io);
  const result = await restoreLedger({ ...where, branch: options.branch, lock: lockContext(io, "costs ledger restore") });
  if (!result.ledger) {
    io.out(`ledger: no ledger yet (no ${options.branch} branch, nor origin/${options.branch}): nothing to restore\n`);
    return 0;
  }
  if (result.restored.length === 0) {
    io.out(`nothing to restore: ${where.dataShown} holds every day ${result.ledger.name} recorded (${result.recorded})\n`);
    return 0;
  }
  io.out(
    `restored the rollups of ${count(result.restored.length, "day")} from ${result.ledger.name} into ${where.dataShown}/rollups/: ${formatDayRanges(result.restored.map((e) => e.date))} (${costOf(result.restored)} USD); \`costs run\` counts them as rollup-only days (totals and aggregates, no rows)\n`,
  );
  return 0;
}

function resolve(options: LedgerOptions, io: Io) {
  const data = path.resolve(io.cwd, options.data);
  const repo = path.resolve(io.cwd, options.repo);
  return { data, dataShown: displayPath(data, io.cwd) || ".", repo, repoShown: displayPath(repo, io.cwd) || "." };
}

function costOf(entries: LedgerEntry[]): string {
  return formatNano(entries.reduce((sum, e) => sum + parseNano(e.cost_usd), 0n));
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
