/**
 * `costs budgets --format table|markdown`: the report (BudgetReport) for people. Amounts
 * are rounded to the cent, half to even (the JSON keeps the nano-USD). Scope values come
 * from the logs (user names, metadata values): markdown escapes them.
 */
import { formatTable } from "../lib/format-table.ts";
import { cell } from "../lib/markdown-cell.ts";
import { divideHalfEven, parseNano } from "../pricing/money.ts";
import type { BudgetFigures, BudgetReport, BudgetRuleReport } from "../schemas/budget-report.schema.ts";

const HEADER = ["scope", "period", "limit", "spent", "used", "forecast", "crossed", "blocked after", "unpriced", "previous period"];
/** Columns aligned right: the amounts and counts. */
const RIGHT = new Set([2, 3, 4, 5, 8]);

/** `1234.5` USD as "$1,234.50". */
export function usd(text: string): string {
  const cents = divideHalfEven(parseNano(text), 10_000_000n);
  const negative = cents < 0n;
  const digits = (negative ? -cents : cents).toString().padStart(3, "0");
  const whole = BigInt(digits.slice(0, -2)).toLocaleString("en");
  return `${negative ? "-" : ""}$${whole}.${digits.slice(-2)}`;
}

/** A log value as a terminal shows it: control characters and bidirectional overrides (which could fake output or reorder it) become `�`. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this line replaces
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, "\ufffd");
}

function cells(b: BudgetFigures): string[] {
  const c = b.current;
  const p = b.previous;
  const crossed = c.crossed_on ? c.crossed_on : b.will_cross_on ? `will cross ${b.will_cross_on}` : "—";
  const blocked = c.blocked ? `${c.blocked.requests.toLocaleString("en")} req / ${usd(c.blocked.cost_usd)}` : "—";
  return [
    printable(b.scope),
    `${b.period} ${c.start === c.end ? c.start : `${c.start} … ${c.end}`}${c.partial_data ? " (partial data)" : ""}`,
    usd(b.limit_usd),
    usd(c.spent_usd),
    `${c.percent_used} %`,
    usd(b.forecast_usd),
    crossed,
    blocked,
    c.unpriced_requests === 0 ? "—" : c.unpriced_requests.toLocaleString("en"),
    `${usd(p.spent_usd)} (${p.percent_used} %${p.crossed_on ? `, crossed ${p.crossed_on}` : ""}${p.partial_data ? ", partial data" : ""})`,
  ];
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString("en")} ${noun}${n === 1 ? "" : "s"}`;
}

function ruleHeading(rule: BudgetRuleReport): string {
  const limits = rule.limits.map((l) => `${usd(l.limit_usd)} per ${l.period}`).join(", ");
  return `${rule.name} (${rule.mode}, ${rule.applies_to === "aggregate" ? "all matching calls together" : `per ${rule.applies_to}`}): ${limits}`;
}

/** Notes under a rule: unpriced calls left out of the spend, calls without a scope value. */
function ruleNotes(rule: BudgetRuleReport): string[] {
  const notes: string[] = [];
  const unpriced = rule.budgets.reduce((n, b) => n + (b.period === rule.limits[0]?.period ? b.current.unpriced_requests : 0), 0);
  if (unpriced > 0)
    notes.push(`${count(unpriced, "unpriced request")} not in the spend (current ${rule.limits[0]!.period}: their cost is unknown)`);
  for (const l of rule.limits) {
    if (l.without_scope.requests > 0)
      notes.push(
        `${count(l.without_scope.requests, "matching request")} (${usd(l.without_scope.cost_usd)}) this ${l.period} without a ${rule.applies_to}: in no budget`,
      );
  }
  return notes;
}

export function budgetsToTable(report: BudgetReport): string {
  const out = [`Budgets at ${report.at} (data ${report.data.first_day} … ${report.data.last_day}; UTC periods, weeks start Monday)`, ""];
  if (report.rules.length === 0) out.push('No budget rules: add policies/budgets.yaml (policies/README.md, "Budgets").', "");
  for (const rule of report.rules) {
    out.push(ruleHeading(rule));
    if (rule.budgets.length === 0) out.push("  no matching calls in the current or previous period");
    else
      out.push(
        ...formatTable([HEADER, ...rule.budgets.map(cells)], RIGHT)
          .split("\n")
          .map((l) => `  ${l}`),
      );
    for (const note of ruleNotes(rule)) out.push(`  ${note}`);
    out.push("");
  }
  return `${out.join("\n").trimEnd()}\n`;
}

export function budgetsToMarkdown(report: BudgetReport): string {
  const out = [
    `## Budgets at ${report.at}`,
    "",
    `Data ${report.data.first_day} … ${report.data.last_day}; UTC calendar periods, weeks start on Monday.`,
    "",
  ];
  if (report.rules.length === 0) out.push("No budget rules.", "");
  for (const rule of report.rules) {
    out.push(`### ${cell(ruleHeading(rule))}`, "");
    if (rule.budgets.length === 0) out.push("No matching calls in the current or previous period.", "");
    else {
      out.push(`| ${HEADER.join(" | ")} |`, `|${HEADER.map((_, i) => (RIGHT.has(i) ? "---:" : "---")).join("|")}|`);
      for (const b of rule.budgets) out.push(`| ${cells(b).map(cell).join(" | ")} |`);
      out.push("");
    }
    for (const note of ruleNotes(rule)) out.push(`- ${cell(note)}`);
    if (ruleNotes(rule).length > 0) out.push("");
  }
  return `${out.join("\n").trimEnd()}\n`;
}
