import { readFile } from "node:fs/promises";
import path from "node:path";
import { computeBudgets } from "../budgets/compute-budgets.ts";
import { readBudgetDays } from "../budgets/read-budget-days.ts";
import { budgetsToMarkdown, budgetsToTable } from "../budgets/render-budgets.ts";
import { createGithubClient, githubError } from "../gitops/create-github-client.ts";
import { syncBudgetAlerts } from "../gitops/budget-alerts.ts";
import { PipelineError } from "../lib/errors.ts";
import { lockContext, type Io } from "../lib/io.ts";
import { readOutputs } from "../outputs/read-outputs.ts";
import { loadPoliciesOrThrow } from "../policies/load-policies.ts";
import { BudgetReportSchema, type BudgetReport } from "../schemas/budget-report.schema.ts";

export interface BudgetsOptions {
  data: string;
  policiesDir: string;
  at?: string;
  format: string;
  /** Open, update and close the `budget` alert issues on GitHub (docs/github.md, "Budget alerts"). */
  notify?: boolean;
  /** `OWNER/NAME`; GITHUB_REPOSITORY when absent. */
  repo?: string;
  /** With --notify: a saved `costs budgets --format json` report instead of the day rollups (the nightly's alert job). */
  report?: string;
}

/** The environment variables `--notify` reads (injected; cli.ts passes process.env). */
export interface BudgetsEnv {
  GITHUB_API_URL?: string;
  GITHUB_TOKEN?: string;
  GITHUB_REPOSITORY?: string;
}

const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

const FORMATS = ["table", "json", "markdown"];

/**
 * `costs budgets`: every rule of policies/budgets.yaml against the day rollups (never the
 * rows): spend in the current and previous periods, % used, forecast, crossing day and, for
 * `enforce` rules, what the gateway would have blocked. The report goes to stdout, a summary to stderr.
 */
export async function budgetsCommand(options: BudgetsOptions, io: Io, env: BudgetsEnv = process.env): Promise<number> {
  const repoName = options.repo ?? env.GITHUB_REPOSITORY ?? "";
  const token = env.GITHUB_TOKEN ?? "";
  if (options.notify) {
    if (!REPO.test(repoName))
      throw new PipelineError({
        field: "--repo",
        message: `must be OWNER/NAME (or set GITHUB_REPOSITORY), got \`${repoName.slice(0, 80)}\``,
      });
    if (token === "")
      throw new PipelineError({
        message: "GITHUB_TOKEN is not set",
        hint: "--notify needs a token that may write issues (in a workflow: `GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}` with `issues: write`)",
      });
  }
  if (!FORMATS.includes(options.format)) {
    throw new PipelineError({ field: "--format", message: `must be table, json or markdown, got ${options.format.slice(0, 40)}` });
  }
  if (options.report !== undefined) {
    if (!options.notify) throw new PipelineError({ field: "--report", message: "only goes with --notify" });
    const report = await readReport(path.resolve(io.cwd, options.report), options.report);
    return notifyAlerts(report, repoName, token, io, env);
  }
  const policies = await loadPoliciesOrThrow(path.resolve(io.cwd, options.policiesDir));
  const data = path.resolve(io.cwd, options.data);
  const {
    at,
    data: range,
    days,
  } = await readOutputs(data, lockContext(io, "costs budgets"), () =>
    readBudgetDays(data, policies.budgets, options.at, (line) => io.err(`${line}\n`)),
  );
  // Validated as it is written: the JSON is what the site and `--notify` read.
  const report = BudgetReportSchema.parse(computeBudgets(policies.budgets, days, at, range));
  if (options.format === "json") io.out(`${JSON.stringify(report, null, 2)}\n`);
  else io.out(options.format === "markdown" ? budgetsToMarkdown(report) : budgetsToTable(report));
  const budgets = report.rules.reduce((n, r) => n + r.budgets.length, 0);
  const crossed = report.rules.reduce((n, r) => n + r.budgets.filter((b) => b.status === "crossed").length, 0);
  io.err(
    `budgets: ${report.rules.length} rule${report.rules.length === 1 ? "" : "s"}, ${budgets} budget${budgets === 1 ? "" : "s"} (${crossed} crossed) at ${at}, ` +
      `from ${days.length} day rollup${days.length === 1 ? "" : "s"}\n`,
  );
  if (options.notify) await notifyAlerts(report, repoName, token, io, env);
  return 0;
}

async function notifyAlerts(report: BudgetReport, repoName: string, token: string, io: Io, env: BudgetsEnv): Promise<number> {
  const [owner, repo] = repoName.split("/") as [string, string];
  const client = createGithubClient({ baseUrl: env.GITHUB_API_URL, token, warn: (m) => io.err(`warning: ${m}\n`) });
  let actions;
  try {
    actions = await syncBudgetAlerts(client, { owner, repo }, report);
  } catch (error) {
    throw githubError(error, [token]);
  }
  for (const a of actions) io.err(`budget alert ${a.action}: ${repoName}#${a.issue} (rule ${a.rule}, ${a.period})\n`);
  if (actions.length === 0) io.err(`budget alerts: nothing breached, no open alert on ${repoName}\n`);
  return 0;
}

async function readReport(file: string, shown: string): Promise<BudgetReport> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new PipelineError({ file: shown, message: `cannot be read: ${(error as NodeJS.ErrnoException).code ?? "error"}` });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PipelineError({ file: shown, message: "is not JSON", hint: "write it with `costs budgets --format json`" });
  }
  const parsed = BudgetReportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PipelineError({ file: shown, field: issue.path.join("."), message: `is not a budget report: ${issue.message}` });
  }
  return parsed.data;
}
