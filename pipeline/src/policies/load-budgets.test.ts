import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeTempTree } from "../../test/temp-dir.ts";
import { formatProblem } from "../lib/errors.ts";
import { loadPolicies } from "./load-policies.ts";

async function load(text: string) {
  const dir = await writeTempTree({ "budgets.yaml": text });
  const { policies, problems } = await loadPolicies(dir);
  return { policies, problems: problems.map((p) => formatProblem({ ...p, file: p.file ? path.relative(dir, p.file) : p.file })) };
}

const GOOD = `type: gateway-budget-config
rules:
  - name: research-monthly
    mode: enforce
    limits:
      cost_per_month: 5000
      cost_per_day: "250.50"
    applies_to: team
    when:
      subjects:
        teams: { in: [research], not_in: [interns] }
        users: { not_in: [bot@example.com] }
      models: [openai-main/gpt-4.1]
      provider_accounts: [openai-main]
      metadata: { environment: production }
    alert_at: [50, 80, 100]
  - name: per-customer
    mode: audit
    limits: { cost_per_quarter: 0.000000001 }
    applies_to: metadata.customer_id
`;

describe("policies/budgets.yaml", () => {
  it("reads a good file: limits as their exact decimal text, defaults filled, the metadata keys the budget grain needs", async () => {
    const { policies, problems } = await load(GOOD);
    expect(problems).toEqual([]);
    expect(policies.budgets).toEqual([
      {
        name: "research-monthly",
        mode: "enforce",
        limits: { cost_per_month: "5000", cost_per_day: "250.50" },
        applies_to: "team",
        when: {
          subjects: { teams: { in: ["research"], not_in: ["interns"] }, users: { not_in: ["bot@example.com"] } },
          models: ["openai-main/gpt-4.1"],
          provider_accounts: ["openai-main"],
          metadata: { environment: "production" },
        },
        alert_at: [50, 80, 100],
      },
      { name: "per-customer", mode: "audit", limits: { cost_per_quarter: "0.000000001" }, applies_to: "metadata.customer_id", when: {}, alert_at: [100] },
    ]);
    expect(policies.budgetKeys).toEqual(["customer_id", "environment"]);
  });

  it("no file, or no rules: no budgets and no budget grain", async () => {
    const none = await loadPolicies(await writeTempTree({}));
    expect(none.policies.budgets).toEqual([]);
    expect(none.policies.budgetKeys).toBeUndefined();
    const empty = await load("rules: []\n");
    expect(empty.problems).toEqual([]);
    expect(empty.policies.budgetKeys).toBeUndefined();
  });

  const rule = (body: string) => `rules:\n  - name: r\n    mode: audit\n${body}`;
  it.each([
    ["an unknown top-level key", "rule:\n  - name: r\n", ["budgets.yaml:1 rules: is required: expected array, received undefined", expect.stringMatching(/^budgets\.yaml:1: unknown field `rule`\n {2}hint: /)]],
    ["another manifest type", "type: gateway-rate-limiting-config\nrules: []\n", [expect.stringMatching(/^budgets\.yaml:1 type: expected "gateway-budget-config"/)]],
    ["a typo in a rule", rule("    limits: {cost_per_month: 10}\n    apply_to: team\n"), [expect.stringMatching(/^budgets\.yaml:2\srules\[0\]:\sunknown\sfield\s`apply_to`\n/)]],
    ["a typo in a limit", rule("    limits: {cost_per_day: 1, cost_per_mnth: 10}\n"), [expect.stringMatching(/^budgets\.yaml:4 rules\[0\]\.limits: unknown field `cost_per_mnth`\n/)]],
    ["a typo in when", rule("    limits: {cost_per_day: 1}\n    when: {model: [a/b]}\n"), [expect.stringMatching(/^budgets\.yaml:5\srules\[0\]\.when:\sunknown\sfield\s`model`\n/)]],
    ["a typo in subjects", rule("    limits: {cost_per_day: 1}\n    when:\n      subjects:\n        team: {in: [a]}\n"), [expect.stringMatching(/^budgets\.yaml:6\srules\[0\]\.when\.subjects:\sunknown\sfield\s`team`\n/)]],
    ["no limit", rule("    limits: {}\n"), ["budgets.yaml:4 rules[0].limits: set at least one of cost_per_day, cost_per_week, cost_per_month, cost_per_quarter"]],
    ["a missing mode", "rules:\n  - name: r\n    limits: {cost_per_day: 1}\n", [expect.stringMatching(/^budgets\.yaml:2 rules\[0\]\.mode: .*expected one of "enforce"\|"audit"/)]],
    ["a bad mode", rule("    limits: {cost_per_day: 1}\n").replace("audit", "block"), [expect.stringMatching(/^budgets\.yaml:3 rules\[0\]\.mode: .*\n {2}hint: use one of: enforce, audit$/)]],
    ["a bad name", "rules:\n  - name: my rule\n    mode: audit\n    limits: {cost_per_day: 1}\n", [expect.stringMatching(/^budgets\.yaml:2 rules\[0\]\.name: must be letters, digits/)]],
    ["a negative limit", rule("    limits: {cost_per_day: -5}\n"), [expect.stringMatching(/^budgets\.yaml:4 rules\[0\]\.limits\.cost_per_day: `-5` is not an amount in USD\n {2}hint: write a plain positive decimal/)]],
    ["a zero limit", rule("    limits: {cost_per_day: 0.00}\n"), ["budgets.yaml:4 rules[0].limits.cost_per_day: must be more than 0\n  hint: remove the limit instead of setting it to 0"]],
    ["an exponent", rule("    limits: {cost_per_day: 5e3}\n"), [expect.stringMatching(/^budgets\.yaml:4 rules\[0\]\.limits\.cost_per_day: `5e3` is not an amount in USD/)]],
    ["NaN", rule("    limits: {cost_per_day: .nan}\n"), [expect.stringMatching(/^budgets\.yaml:4 rules\[0\]\.limits\.cost_per_day: `\.nan` is not an amount in USD/)]],
    ["sub-nano digits", rule("    limits: {cost_per_day: 0.0000000001}\n"), [expect.stringMatching(/^budgets\.yaml:4 rules\[0\]\.limits\.cost_per_day: `0\.0000000001` is not/)]],
    ["a limit as true", rule("    limits: {cost_per_day: true}\n"), [expect.stringMatching(/^budgets\.yaml:4 rules\[0\]\.limits\.cost_per_day: must be an amount in USD/)]],
    ["a bad scope", rule("    limits: {cost_per_day: 1}\n    applies_to: model\n"), [expect.stringMatching(/^budgets\.yaml:5 rules\[0\]\.applies_to: must be one of aggregate, user, team, virtual_account or metadata\.<key>/)]],
    ["alert_at falling", rule("    limits: {cost_per_day: 1}\n    alert_at: [80, 50]\n"), ["budgets.yaml:5 rules[0].alert_at: must be strictly rising, e.g. [50, 80, 100]"]],
    ["alert_at over 1000", rule("    limits: {cost_per_day: 1}\n    alert_at: [50, 1001]\n"), ["budgets.yaml:5 rules[0].alert_at[1]: must be a whole percent from 1 to 1000"]],
    ["alert_at fractional", rule("    limits: {cost_per_day: 1}\n    alert_at: [50.5]\n"), ["budgets.yaml:5 rules[0].alert_at[0]: must be a whole percent from 1 to 1000"]],
    ["an empty in", rule("    limits: {cost_per_day: 1}\n    when:\n      subjects:\n        users: {in: []}\n"), [expect.stringMatching(/^budgets\.yaml:7 rules\[0\]\.when\.subjects\.users\.in: /)]],
    ["a metadata value not a string", rule("    limits: {cost_per_day: 1}\n    when:\n      metadata: {prod: true}\n"), ["budgets.yaml:6 rules[0].when.metadata.prod: must be a string (quote numbers and true/false)"]],
    [
      "a duplicate name",
      "rules:\n  - {name: r, mode: audit, limits: {cost_per_day: 1}}\n  - {name: r, mode: audit, limits: {cost_per_day: 2}}\n",
      ["budgets.yaml:3 rules[1].name: rule `r` is defined twice\n  hint: give each rule its own name"],
    ],
    ["a `__proto__` key", rule("    limits: {cost_per_day: 1}\n    when:\n      metadata: {__proto__: x}\n"), [expect.stringMatching(/^budgets\.yaml:6 rules\[0\]\.when\.metadata\.__proto__: `__proto__` cannot be a key/)]],
  ])("%s: names file, line and field", async (_, text, expected) => {
    const { problems } = await load(text);
    expect(problems).toEqual(expected);
  });
});
