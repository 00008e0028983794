/**
 * The Budgets page (issue 15): one site built from a generated log of 40 days (2026-06-01 …
 * 2026-07-10) with the repository's policies/budgets.yaml (a team monthly `enforce` rule
 * and a per-user daily `audit` rule). A user named `<img src=x onerror=alert(1)>` spends
 * over the daily limit, a user whose calls are all on an unpriced model has no cost, one
 * team crosses its monthly limit mid-July. Every figure on the page is compared with
 * `costs budgets --format json` run on the same data (not with numbers written here); the
 * burn-down charts must draw marks, the page must not overflow 375 px, log values stay
 * text. Served on 127.0.0.1 and driven with Debian's chromium at 375 and 1440 px;
 * screenshots in test-artifacts/screenshots/.
 *
 * Without /usr/bin/chromium the suite is skipped with a printed reason, except with
 * CI=true, where a missing browser fails.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { BudgetReportSchema, type BudgetReport } from "../../src/schemas/budget-report.schema.ts";
import { SiteBudgetsSchema } from "../../src/schemas/site-data.schema.ts";
import { buildSite, ROOT, type BuiltSite } from "./build-site.ts";
import { describeInChromium } from "./describe-in-chromium.ts";
import { chartReports, overflowReport } from "./in-page.ts";
import { launchChromium, type Browser } from "./launch-chromium.ts";
import { serveStatic, type StaticServer } from "./serve-static.ts";
import { closeSiteFixture } from "./site-fixture.ts";
import { openPage } from "./watch-page.ts";

const SCREENSHOTS = path.join(ROOT, "test-artifacts/screenshots");
const WIDTHS = [375, 1440] as const;
const XSS = "<img src=x onerror=alert(1)>";
const UNPRICED_USER = "nobody-priced@example.com";
const FIRST = "2026-06-01";
const DAYS = 40;
const CALLS = 4_800;
const USERS = [XSS, UNPRICED_USER, ...Array.from({ length: 22 }, (_, i) => `user${String(i).padStart(2, "0")}@example.com`)];
const MODELS = ["openai-main/gpt-4.1", "anthropic-main/claude-sonnet-4-5", "openai-main/gpt-4o-mini"];
const UNPRICED_MODEL = "mystery-provider/unknown-model";

/** 120 calls a day, 5 per user; `search` has 4 of 7 calls; the hostile user's calls are large; one user only calls an unpriced model. */
function generatedLog(): string {
  const lines: string[] = [];
  const start = Date.parse(`${FIRST}T00:00:00Z`);
  for (let i = 0; i < CALLS; i++) {
    // Each day's calls cycle through every user (5 calls per user and day).
    const user = USERS[Math.floor(i / DAYS) % USERS.length]!;
    lines.push(
      JSON.stringify({
        request_id: `budget-${i}`,
        timestamp: new Date(start + (i % DAYS) * 86_400_000 + (i % 1440) * 60_000).toISOString(),
        model: user === UNPRICED_USER || i % 13 === 3 ? UNPRICED_MODEL : MODELS[Math.floor(i / 3) % 3],
        subject_type: "user",
        subject: user,
        teams: [i % 7 < 4 ? "search" : i % 7 < 6 ? "support" : "platform"],
        input_tokens: user === XSS ? 300_000 : 8_000 + (i % 211) * 40,
        output_tokens: 200 + (i % 53),
        status_code: 200,
      }),
    );
  }
  return `${lines.join("\n")}\n`;
}

/** A row of a budget table: the key cell's value, and each other cell's data-value and text by column key. */
interface PageRow {
  scope: string;
  scopeText: string;
  cells: Record<string, { value: string; text: string }>;
}

describeInChromium("the Budgets page: burn-down, every scope by % used, equal to `costs budgets`", { timeout: 180_000 }, () => {
  let work: string;
  let site: BuiltSite;
  let server: StaticServer;
  let browser: Browser;
  let report: BudgetReport;

  const open = (pathname: string, width: number) => openPage(browser, `${server.url}${pathname}`, width);
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const rowsOf = (page: Page, testid: string): Promise<PageRow[]> =>
    page.getByTestId(testid).evaluate((table) => {
      const keys = [...table.querySelectorAll("thead th")].map((th) => (th as HTMLElement).dataset.key!);
      return [...table.querySelectorAll("tbody tr")].map((tr) => {
        const cells = [...tr.children] as HTMLElement[];
        return {
          scope: cells[0]!.dataset.value!,
          scopeText: cells[0]!.textContent!.trim(),
          cells: Object.fromEntries(cells.map((c, i) => [keys[i]!, { value: c.dataset.value ?? "", text: c.textContent!.trim() }])),
        };
      });
    });

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), "costs-site-budgets-"));
    await writeFile(path.join(work, "calls.jsonl"), generatedLog());
    site = await buildSite({ logs: [path.join(work, "calls.jsonl")], work });
    // The same figures from the command line, on the same data and the same policies.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(ROOT, "pipeline/bin/costs.js"), "budgets", "--data", site.data, "--format", "json"],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
    );
    report = BudgetReportSchema.parse(JSON.parse(stdout));
    server = await serveStatic(site.dist);
    browser = await launchChromium();
    await mkdir(SCREENSHOTS, { recursive: true });
  }, 900_000);

  afterAll(() => closeSiteFixture({ browser, server, work }), 60_000);

  it("budgets.json is `costs budgets` at the data's last day, with each budget's burn-down", async () => {
    const json = SiteBudgetsSchema.parse(JSON.parse(await readFile(path.join(site.siteData, "budgets.json"), "utf8")));
    expect(json.at).toBe("2026-07-10");
    expect(json.withheld_rules).toEqual([]);
    // Without the burn-downs, the same report.
    const stripped = json.rules.map((r) => ({
      ...r,
      budgets: r.budgets.map((b) => ({ ...b, current: { ...b.current, daily: undefined } })),
    }));
    expect(JSON.parse(JSON.stringify({ ...json, rules: stripped, withheld_rules: undefined }))).toEqual(report);
    for (const rule of json.rules) {
      for (const b of rule.budgets) {
        expect(b.current.daily!.length).toBe(b.current.elapsed_days);
        expect(b.current.daily!.at(-1)!.cumulative_usd).toBe(b.current.spent_usd);
      }
    }
  });

  it("the data has what the checks rely on: a crossed enforce budget with blocked calls, a crossed hostile user, an all-unpriced user", () => {
    const team = report.rules.find((r) => r.name === "team-monthly")!;
    const user = report.rules.find((r) => r.name === "user-daily")!;
    expect(team.budgets.some((b) => b.status === "crossed" && b.current.blocked !== null && b.current.blocked.requests > 0)).toBe(true);
    expect(user.budgets.find((b) => b.scope === XSS)?.status).toBe("crossed");
    const unpriced = user.budgets.find((b) => b.scope === UNPRICED_USER)!;
    expect(unpriced.current.requests).toBeGreaterThan(0);
    expect(unpriced.current.unpriced_requests).toBe(unpriced.current.requests);
    expect(user.budgets.length).toBe(USERS.length);
  });

  for (const width of WIDTHS) {
    it(`@${width}px: every budget on /budgets/ shows the figures of \`costs budgets\`, sorted by % used; the burn-downs draw; nothing overflows`, async () => {
      const { page, errors, dialogs } = await open("/budgets/", width);
      expect(await page.getByTestId("budgets-at").textContent()).toBe(report.at);
      for (const [i, rule] of report.rules.entries()) {
        const section = page.getByTestId(`budget-rule-${i}`);
        expect(await section.getAttribute("data-rule")).toBe(rule.name);
        const rows = await rowsOf(page, `table-budgets-${i}`);
        // Every budget (fewer than a page), in the report's order: % used descending.
        expect(rows.map((r) => r.scope)).toEqual(rule.budgets.map((b) => b.scope));
        for (const [r, b] of rule.budgets.entries()) {
          const row = rows[r]!;
          expect(row.scopeText).toBe(b.scope);
          expect(row.cells.cost_usd!.value).toBe(b.current.spent_usd);
          expect(row.cells.limit_usd!.value).toBe(b.limit_usd);
          expect(row.cells.forecast_usd!.value).toBe(b.forecast_usd);
          expect(row.cells.used!.text).toBe(`${b.current.percent_used}%`);
          expect(row.cells.period!.text).toBe(b.period);
          expect(row.cells.requests!.value).toBe(String(b.current.requests));
          expect(row.cells.unpriced_requests!.value).toBe(String(b.current.unpriced_requests));
          const crossing = b.current.crossed_on
            ? `crossed ${b.current.crossed_on}`
            : b.will_cross_on
              ? `will cross ${b.will_cross_on}`
              : "—";
          expect(row.cells.crossing!.text).toBe(crossing);
          if (b.current.blocked)
            expect(row.cells.blocked!.text).toMatch(new RegExp(`^${b.current.blocked.requests.toLocaleString("en-US")} requests, \\$`));
          else expect(row.cells.blocked!.text).toBe("—");
          // An all-unpriced budget has no cost: it says so, never $0.00.
          if (b.current.requests > 0 && b.current.unpriced_requests === b.current.requests)
            expect(row.cells.cost_usd!.text).toBe("unpriced");
          else expect(row.cells.cost_usd!.text).toMatch(/^\$/);
        }
        // One burn-down per limit, drawn, with a text alternative naming the limit.
        for (const limit of rule.limits) {
          const chart = (await page.evaluate(chartReports)).find((c) => c.testid === `chart-burndown-${i}-${limit.period}`);
          expect(chart?.renderer).toBe("svg");
          expect(chart!.marks).toBeGreaterThan(0);
          expect(chart!.alt).toContain(`${limit.start} to ${limit.end}`);
        }
      }
      // The hostile user's name is the text of its cell; no element came from it.
      const userRule = report.rules.findIndex((r) => r.name === "user-daily");
      expect(await page.getByTestId(`table-budgets-${userRule}`).locator("img").count()).toBe(0);
      expect(await page.locator("main img").count()).toBe(0);
      if (width === 375) expect((await page.evaluate(overflowReport)).culprits).toEqual([]);
      await shot(page, `site-budgets-${width}`);
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
    });
  }

  it("without JavaScript the tables are there with the same figures", async () => {
    const page = await browser.context.newPage();
    try {
      // The page's own scripts do not run (Chromium's DevTools protocol); the test's still read the DOM.
      const cdp = await browser.context.newCDPSession(page);
      await cdp.send("Emulation.setScriptExecutionDisabled", { value: true });
      await page.goto(`${server.url}/budgets/`);
      expect(await page.locator("figure[data-chart] svg").count()).toBe(0);
      for (const [i, rule] of report.rules.entries()) {
        const rows = await rowsOf(page, `table-budgets-${i}`);
        expect(rows.map((r) => [r.scope, r.cells.cost_usd!.value])).toEqual(rule.budgets.map((b) => [b.scope, b.current.spent_usd]));
      }
    } finally {
      await page.close();
    }
  });

  it("the overview's budget status counts the rules with a budget at an alert threshold and links to /budgets/", async () => {
    const { page, errors } = await open("/", 1440);
    const status = page.getByTestId("budget-status");
    const hundredths = (percent: string) => BigInt(percent.replace(".", ""));
    const alerting = report.rules.filter((r) =>
      r.budgets.some((b) => hundredths(b.current.percent_used) >= BigInt(Math.min(...r.alert_at)) * 100n),
    );
    const crossed = report.rules.reduce((n, r) => n + r.budgets.filter((b) => b.status === "crossed").length, 0);
    expect(alerting.length).toBeGreaterThan(0);
    expect(await status.getAttribute("data-alerting")).toBe(String(alerting.length));
    expect(await status.getAttribute("data-crossed")).toBe(String(crossed));
    for (const r of alerting) expect(await status.textContent()).toContain(r.name);
    expect(await status.locator("a").getAttribute("href")).toMatch(/budgets\/$/);
    expect(errors).toEqual([]);
  });

  it("the Teams page lists the team budgets with the same figures", async () => {
    const { page, errors } = await open("/teams/", 1440);
    const teamRules = report.rules.map((r, i) => ({ r, i })).filter(({ r }) => r.applies_to === "team");
    expect(teamRules.length).toBe(1);
    for (const { r, i } of teamRules) {
      const rows = await rowsOf(page, `table-team-budgets-${i}`);
      expect(rows.map((row) => [row.scope, row.cells.cost_usd!.value, row.cells.used!.text])).toEqual(
        r.budgets.map((b) => [b.scope, b.current.spent_usd, `${b.current.percent_used}%`]),
      );
    }
    expect(errors).toEqual([]);
  });
});
