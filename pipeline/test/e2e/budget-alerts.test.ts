/**
 * `costs budgets --notify` end to end: JSON Lines logs through `costs run`, then the alert
 * issues against the loopback fake GitHub, asserting the exact request sequence of each run.
 * One model costs exactly $0.001 per input token (a call of N thousand tokens costs $N);
 * the rule gives each user $10 a month and alerts at 50 % and 100 %.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertMarker, markerScope } from "../../src/gitops/budget-alerts.ts";
import { startFakeGithub, type FakeGithub } from "../fake-github.ts";
import { writeTempTree } from "../temp-dir.ts";

const TOKEN = "ghs_budgetALERTtoken42";
const RULES = `rules:
  - name: user-month
    mode: audit
    limits: {cost_per_month: 10}
    applies_to: user
    alert_at: [50, 100]
`;
let n = 0;
const call = (day: string, usd: number) =>
  JSON.stringify({
    request_id: `r${++n}`,
    timestamp: `${day}T09:00:00Z`,
    model: "acme-main/dollar",
    subject_type: "user",
    subject: "alice@example.com",
    teams: ["research"],
    input_tokens: usd * 1000,
    output_tokens: 0,
  });

let dir = "";
let github: FakeGithub;
const env = () => ({ GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url, GITHUB_REPOSITORY: "acme/costs" });

async function runDay(name: string, lines: string[]): Promise<void> {
  await writeFile(path.join(dir, `${name}.jsonl`), `${lines.join("\n")}\n`);
  const { main } = await import("../../src/cli.ts");
  let err = "";
  const io = { out: () => {}, err: (s: string) => (err += s), cwd: dir };
  const code = await main(
    ["run", "--logs", `${name}.jsonl`, "--pricing-dir", "pricing", "--policies-dir", "policies", "--out", "data", "--no-progress"],
    io,
  );
  expect(code, err).toBe(0);
}

/** `costs budgets --notify` with the fake's environment; returns stderr and the requests it made. */
async function notify(): Promise<{ err: string; requests: string[] }> {
  const { budgetsCommand } = await import("../../src/commands/budgets.ts");
  github.requests.length = 0;
  let err = "";
  const io = { out: () => {}, err: (s: string) => (err += s), cwd: dir };
  expect(await budgetsCommand({ data: "data", policiesDir: "policies", format: "json", notify: true }, io, env())).toBe(0);
  expect(err).not.toContain(TOKEN);
  expect(github.requests.every((r) => r.authorization === `token ${TOKEN}`)).toBe(true);
  return { err, requests: github.requests.map((r) => `${r.method} ${r.path}`) };
}

beforeAll(async () => {
  dir = await writeTempTree({
    "pricing/catalog/providers/acme/dollar.yaml": "model: dollar\ncosts:\n  input_cost_per_token: 0.001\n  output_cost_per_token: 0\n",
    "pricing/accounts/acme-main.yaml": "name: acme-main\nprovider: acme\nmodels:\n  - {name: dollar, cost: public}\n",
    "policies/budgets.yaml": RULES,
  });
  github = await startFakeGithub({ token: TOKEN });
}, 60_000);
afterAll(async () => github?.close());

describe("costs budgets --notify (loopback fake GitHub)", () => {
  it("opens (creating the label), updates, leaves alone, then closes one issue per breached budget", async () => {
    const marker = "<!-- costs-budget rule=user-month scope=alice@example.com period=month:2026-04-01 -->";

    // April 1–2: $3 + $3 = $6 of $10, 60 %: the 50 % threshold is reached.
    await runDay("logs-1", [call("2026-04-01", 3), call("2026-04-02", 3)]);
    const opened = await notify();
    expect(opened.requests).toEqual([
      "GET /repos/acme/costs/issues",
      "GET /repos/acme/costs/labels/budget",
      "POST /repos/acme/costs/labels",
      "POST /repos/acme/costs/issues",
      "POST /repos/acme/costs/issues/1/comments",
    ]);
    expect(github.requests[0]!.query).toMatchObject({ labels: "budget", state: "open" });
    expect(github.repoLabels("acme/costs")).toEqual(["budget"]);
    const [issue] = github.issues();
    expect(issue).toMatchObject({
      number: 1,
      state: "open",
      title: "Budget user-month: alice@example.com reached its monthly alert threshold (2026-04-01)",
    });
    expect(issue!.body.split("\n")[0]).toBe(marker);
    expect(github.labels("acme/costs#1")).toEqual(["budget"]);
    const first = github.comments("acme/costs#1");
    expect(first).toHaveLength(1);
    expect(first[0]!.body).toMatch(/^<!-- costs-budget-figures -->\n/);
    expect(first[0]!.body).toContain("| Spent | $6.000000000 of $10.000000000 (60.00%) |");
    expect(first[0]!.body).toContain("| Thresholds reached | 50% on 2026-04-02 |");
    expect(opened.err).toContain("budget alert opened: acme/costs#1 (rule user-month, month:2026-04-01)\n");

    // April 3: +$5 → $11, 110 %: the same issue, its one sticky comment edited in place.
    await runDay("logs-2", [call("2026-04-03", 5)]);
    const updated = await notify();
    expect(updated.requests).toEqual([
      "GET /repos/acme/costs/issues",
      "GET /repos/acme/costs/issues/1/comments",
      `PATCH /repos/acme/costs/issues/comments/${first[0]!.id}`,
    ]);
    const second = github.comments("acme/costs#1");
    expect(second.map((c) => c.id)).toEqual([first[0]!.id]);
    expect(second[0]!.body).toContain("| Spent | $11.000000000 of $10.000000000 (110.00%) |");
    expect(second[0]!.body).toContain("| Thresholds reached | 50% on 2026-04-02, 100% on 2026-04-03 |");
    expect(second[0]!.body).toContain("| Crossed on | 2026-04-03 |");

    // The same data again: reads only, no write request.
    const again = await notify();
    expect(again.requests).toEqual(["GET /repos/acme/costs/issues", "GET /repos/acme/costs/issues/1/comments"]);
    expect(github.comments("acme/costs#1")).toEqual(second);
    expect(again.err).toContain("budget alert unchanged: acme/costs#1");

    // May 1: $1 of $10, 10 %: April's issue gets a final comment and is closed; nothing new is opened.
    await runDay("logs-3", [call("2026-05-01", 1)]);
    const closed = await notify();
    expect(closed.requests).toEqual([
      "GET /repos/acme/costs/issues",
      "POST /repos/acme/costs/issues/1/comments",
      "PATCH /repos/acme/costs/issues/1",
    ]);
    expect(github.requests[2]!.body).toEqual({ state: "closed", state_reason: "completed" });
    expect(github.issues()).toEqual([expect.objectContaining({ number: 1, state: "closed" })]);
    const last = github.comments("acme/costs#1").at(-1)!;
    expect(last.body).toBe(
      "<!-- costs-budget-closed -->\nThe month that started on 2026-04-01 has ended. The current month (from 2026-05-01) " +
        "is at 10.00% of $10.000000000 through 2026-05-01 ($1.000000000 spent), under every alert threshold: closing.\n",
    );

    // Closed issues are not listed again: a further run with the same data writes nothing.
    expect((await notify()).requests).toEqual(["GET /repos/acme/costs/issues"]);

    // The nightly's alert job reads the saved report (--report) instead of the data: the same requests.
    const { budgetsCommand } = await import("../../src/commands/budgets.ts");
    let json = "";
    const quiet = { out: (s: string) => (json += s), err: () => {}, cwd: dir };
    expect(await budgetsCommand({ data: "data", policiesDir: "policies", format: "json" }, quiet, {})).toBe(0);
    await writeFile(path.join(dir, "report.json"), json);
    github.requests.length = 0;
    const options = { data: "missing", policiesDir: "missing", format: "table", notify: true, report: "report.json" };
    expect(await budgetsCommand(options, quiet, env())).toBe(0);
    expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /repos/acme/costs/issues"]);
    await writeFile(path.join(dir, "bad.json"), '{"report_version": 2}');
    await expect(budgetsCommand({ ...options, report: "bad.json" }, quiet, env())).rejects.toThrow(/bad\.json.*report_version/);
  }, 120_000);

  it("the marker carries a plain scope as written and anything else as a sha256 prefix, never raw text", () => {
    expect(markerScope("alice@example.com")).toBe("alice@example.com");
    for (const hostile of ["x --> <img src=x onerror=alert(1)>", "a".repeat(65), "team a", "x--y", "ünïcode"]) {
      expect(markerScope(hostile)).toMatch(/^sha256:[0-9a-f]{16}$/);
      const marker = alertMarker("r", hostile, "day", "2026-04-01");
      expect(marker).toMatch(/^<!-- costs-budget rule=r scope=sha256:[0-9a-f]{16} period=day:2026-04-01 -->$/);
    }
    expect(markerScope("team a")).not.toBe(markerScope("team b"));
  });
});
