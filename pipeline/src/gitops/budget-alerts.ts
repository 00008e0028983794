import { createHash } from "node:crypto";
import type { BudgetFigures, BudgetReport } from "../schemas/budget-report.schema.ts";
import type { GithubClient } from "./create-github-client.ts";
import { postComment, renderCommentBody } from "./post-comment.ts";
import { cell } from "../lib/markdown-cell.ts";

/** The label every budget alert issue carries (created when the repository lacks it). */
export const BUDGET_LABEL = "budget";
/** First line of the sticky comment that holds an alert's current figures. */
export const FIGURES_MARKER = "<!-- costs-budget-figures -->";

/** First line of the final comment of a closed alert. */
export const CLOSED_MARKER = "<!-- costs-budget-closed -->";

export interface RepoTarget {
  owner: string;
  repo: string;
}

/** What one run did to one alert issue. */
export interface AlertAction {
  action: "opened" | "updated" | "unchanged" | "closed";
  issue: number;
  rule: string;
  scope: string;
  period: string;
}

/** One breached budget: a rule × scope value × limit period over its current period. */
interface Alert {
  key: string;
  marker: string;
  rule: string;
  budget: BudgetFigures;
}

/** Scope values that go into the marker as written; anything else (or longer) goes in as a sha256 prefix. */
const PLAIN_SCOPE = /^[A-Za-z0-9_.@+()-]{1,64}$/;
const MARKER =
  /<!-- costs-budget rule=([A-Za-z0-9_.-]+) scope=([A-Za-z0-9_.@+()-]+|sha256:[0-9a-f]{16}) period=(day|week|month|quarter):(\d{4}-\d{2}-\d{2}) -->/;

/** The marker's scope: the value itself when plain and short, else `sha256:` and 16 hex digits of its hash (never raw attacker text). */
export function markerScope(scope: string): string {
  if (PLAIN_SCOPE.test(scope) && !scope.includes("--")) return scope;
  return `sha256:${createHash("sha256").update(scope, "utf8").digest("hex").slice(0, 16)}`;
}

/** The hidden marker that finds an alert's issue again. */
export function alertMarker(rule: string, scope: string, period: string, start: string): string {
  return `<!-- costs-budget rule=${rule} scope=${markerScope(scope)} period=${period}:${start} -->`;
}

/** A budget is breached once its current period reached any `alert_at` threshold (the lowest one counts). */
export function isBreached(budget: BudgetFigures): boolean {
  return budget.current.alerts.some((a) => a.reached_on !== null);
}

/**
 * Opens, updates and closes the `budget` issues of `report` (see docs/github.md, "Budget
 * alerts"): one issue per breached rule × scope × limit period × current period, found again
 * by its marker; one sticky comment with the figures, edited only when they changed; an
 * issue of an ended period closed with a final comment. Sends no write request when nothing changed.
 */
export async function syncBudgetAlerts(client: GithubClient, target: RepoTarget, report: BudgetReport): Promise<AlertAction[]> {
  const { owner, repo } = target;
  const alerts = new Map<string, Alert>();
  /** rule × scope × limit period → the current budget, breached or not. */
  const current = new Map<string, { rule: string; budget: BudgetFigures }>();
  for (const rule of report.rules) {
    for (const budget of rule.budgets) {
      const series = `${rule.name} ${markerScope(budget.scope)} ${budget.period}`;
      current.set(series, { rule: rule.name, budget });
      if (!isBreached(budget)) continue;
      const marker = alertMarker(rule.name, budget.scope, budget.period, budget.current.start);
      alerts.set(marker, { key: series, marker, rule: rule.name, budget });
    }
  }

  const issues = await client.paginate(client.rest.issues.listForRepo, { owner, repo, labels: BUDGET_LABEL, state: "open", per_page: 100 });
  const open = new Map<string, { number: number; series: string; start: string }>();
  for (const issue of issues) {
    if (issue.pull_request) continue;
    const m = MARKER.exec(issue.body ?? "");
    if (!m) continue;
    const marker = m[0];
    if (!open.has(marker)) open.set(marker, { number: issue.number, series: `${m[1]} ${m[2]} ${m[3]}`, start: m[4]! });
  }

  const actions: AlertAction[] = [];
  let labelChecked = false;
  for (const alert of alerts.values()) {
    const { budget } = alert;
    const base = { rule: alert.rule, scope: budget.scope, period: `${budget.period}:${budget.current.start}` };
    const figures = renderFigures(alert.rule, budget);
    const found = open.get(alert.marker);
    if (!found) {
      if (!labelChecked) await ensureLabel(client, target);
      labelChecked = true;
      const { data } = await client.rest.issues.create({
        owner,
        repo,
        title: alertTitle(alert.rule, budget),
        body: `${alert.marker}\n${renderIssueBody(alert.rule, budget)}`,
        labels: [BUDGET_LABEL],
      });
      await client.rest.issues.createComment({ owner, repo, issue_number: data.number, body: renderCommentBody(figures, FIGURES_MARKER) });
      actions.push({ action: "opened", issue: data.number, ...base });
      continue;
    }
    // The figures' sticky comment, edited in place only when they changed (recreated if someone deleted it).
    const posted = await postComment(client, { owner, repo, issueNumber: found.number }, figures, FIGURES_MARKER);
    actions.push({ action: posted.action === "unchanged" ? "unchanged" : "updated", issue: found.number, ...base });
  }

  // Issues of an ended period: closed once the same rule × scope × limit is under every threshold now
  // (a scope with no spend in the current period is under them too); issues of a removed rule stay open.
  const starts = new Map<string, string>();
  for (const rule of report.rules) for (const limit of rule.limits) starts.set(`${rule.name} ${limit.period}`, limit.start);
  for (const [marker, issue] of open) {
    if (alerts.has(marker)) continue;
    const [rule, scope, period] = issue.series.split(" ") as [string, string, BudgetFigures["period"]];
    const start = starts.get(`${rule} ${period}`);
    const now = current.get(issue.series)?.budget;
    if (start === undefined || start <= issue.start || (now && isBreached(now))) continue;
    const figures = now
      ? `is at ${now.current.percent_used}% of $${now.limit_usd} through ${report.at} ($${now.current.spent_usd} spent)`
      : `has no spend through ${report.at}`;
    const body =
      `${CLOSED_MARKER}\nThe ${period} that started on ${issue.start} has ended. The current ${period} (from ${start}) ` +
      `${figures}, under every alert threshold: closing.\n`;
    await client.rest.issues.createComment({ owner, repo, issue_number: issue.number, body });
    await client.rest.issues.update({ owner, repo, issue_number: issue.number, state: "closed", state_reason: "completed" });
    actions.push({ action: "closed", issue: issue.number, rule, scope: now?.scope ?? scope, period: `${period}:${issue.start}` });
  }
  return actions;
}

/** Creates the `budget` label when the repository does not have it. */
async function ensureLabel(client: GithubClient, target: RepoTarget): Promise<void> {
  try {
    await client.rest.issues.getLabel({ ...target, name: BUDGET_LABEL });
  } catch (error) {
    if ((error as { status?: number }).status !== 404) throw error;
    await client.rest.issues.createLabel({
      ...target,
      name: BUDGET_LABEL,
      color: "d93f0b",
      description: "A budget of policies/budgets.yaml reached an alert threshold",
    });
  }
}

/**
 * The issue title: stable for the whole period (the figures live in the sticky comment).
 * GitHub shows a title as plain text (no markdown, no mention), so the scope is only kept
 * to one line of printable text, at most 120 characters.
 */
export function alertTitle(rule: string, budget: BudgetFigures): string {
  const scope = Array.from(budget.scope, (c) => (/\p{Cc}|[\u2028\u2029]/u.test(c) ? " " : c))
    .join("")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 120);
  return `Budget ${rule}: ${scope} reached its ${ADJECTIVE[budget.period]} alert threshold (${budget.current.start})`;
}

const ADJECTIVE: Record<BudgetFigures["period"], string> = { day: "daily", week: "weekly", month: "monthly", quarter: "quarterly" };

function renderIssueBody(rule: string, budget: BudgetFigures): string {
  return (
    `Budget rule \`${rule}\` of \`policies/budgets.yaml\`, scope ${cell(budget.scope)}, limit $${budget.limit_usd} per ${budget.period} ` +
    `(${budget.current.start} … ${budget.current.end}, UTC).\n\n` +
    "The nightly run (`costs budgets --notify`) keeps the figures in the comment below up to date and closes this issue " +
    "once a new period starts under every alert threshold.\n"
  );
}

/** The sticky comment's markdown (after FIGURES_MARKER): the figures only (no run date), so an unchanged budget makes an identical body. */
export function renderFigures(rule: string, budget: BudgetFigures): string {
  const c = budget.current;
  const reached = c.alerts.filter((a) => a.reached_on !== null).map((a) => `${a.percent}% on ${a.reached_on}`);
  const rows = [
    `| Rule | \`${rule}\` |`,
    `| Scope | ${cell(budget.scope)} |`,
    `| Period | ${c.start} … ${c.end} (${budget.period}, UTC; day ${c.elapsed_days} of ${c.days}) |`,
    `| Spent | $${c.spent_usd} of $${budget.limit_usd} (${c.percent_used}%) |`,
    `| Remaining | $${c.remaining_usd} |`,
    `| Thresholds reached | ${reached.join(", ")} |`,
    `| Forecast to period end | $${budget.forecast_usd} (run rate) |`,
    `| Crossed on | ${c.crossed_on ?? (budget.will_cross_on ? `not yet; run rate crosses on ${budget.will_cross_on}` : "not yet")} |`,
    `| Requests | ${c.requests} (${c.unpriced_requests} unpriced, not in the spend) |`,
  ];
  if (c.blocked) rows.push(`| Would be blocked (enforce) | ${c.blocked.requests} requests, $${c.blocked.cost_usd} after ${c.crossed_on} |`);
  return `| Figure | Value |\n|---|---|\n${rows.join("\n")}\n${c.partial_data ? "\nThe data starts after the period's first day: the spend is short of the real one.\n" : ""}`;
}
