import path from "node:path";
import { computeBudgets } from "../budgets/compute-budgets.ts";
import { readBudgetDays } from "../budgets/read-budget-days.ts";
import { budgetsToMarkdown, budgetsToTable } from "../budgets/render-budgets.ts";
import { PipelineError } from "../lib/errors.ts";
import { lockContext, type Io } from "../lib/io.ts";
import { readOutputs } from "../outputs/read-outputs.ts";
import { loadPoliciesOrThrow } from "../policies/load-policies.ts";
import { BudgetReportSchema } from "../schemas/budget-report.schema.ts";

export interface BudgetsOptions {
  data: string;
  policiesDir: string;
  at?: string;
  format: string;
}

const FORMATS = ["table", "json", "markdown"];

/**
 * `costs budgets`: every rule of policies/budgets.yaml against the day rollups (never the
 * rows): spend in the current and previous periods, % used, forecast, crossing day and, for
 * `enforce` rules, what the gateway would have blocked. The report goes to stdout, a summary to stderr.
 */
export async function budgetsCommand(options: BudgetsOptions, io: Io): Promise<number> {
  if (!FORMATS.includes(options.format)) {
    throw new PipelineError({ field: "--format", message: `must be table, json or markdown, got ${options.format.slice(0, 40)}` });
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
  return 0;
}
