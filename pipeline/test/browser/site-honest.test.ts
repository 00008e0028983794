/**
 * The report site tells the truth about what it does not know, and reads on a phone, on
 * paper and in the dark (issue 14, points 2, 4 and 6's print and dark mode). One site
 * built from logs written here: a July of calls of five teams on a priced model, a model
 * the gateway does not declare (unpriced) and Mistral OCR (priced from a private price,
 * no public list price), every call with the gateway's reported cost. Served on
 * 127.0.0.1 and driven with Debian's chromium at 375 and 1440 px; screenshots go to
 * test-artifacts/screenshots/honest/.
 *
 * Without /usr/bin/chromium the suite is skipped with a printed reason, except with
 * CI=true, where a missing browser fails.
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildSite, ROOT, type BuiltSite } from "./build-site.ts";
import { describeInChromium } from "./describe-in-chromium.ts";
import { openFolded, overflowReport } from "./in-page.ts";
import { launchChromium, type Browser } from "./launch-chromium.ts";
import { serveStatic, type StaticServer } from "./serve-static.ts";
import { closeSiteFixture } from "./site-fixture.ts";
import { openPage } from "./watch-page.ts";

const SCREENSHOTS = path.join(ROOT, "test-artifacts/screenshots/honest");
const WIDTHS = [375, 1440] as const;
const PRICED = "openai-main/gpt-4.1";
/** Not a model of any account: every call to it is unpriced. */
const UNPRICED = "openai-main/gpt-unreleased";
/** Priced from pricing/private/mistral-main.yaml; the public catalog has no OCR entry, so no list price. */
const NO_LIST = "mistral-main/ocr";
const TEAMS = ["payments", "search", "support", "data-science", "platform"];

/** 31 days × 24 calls: 2 in 24 unpriced, 3 in 24 on OCR, the rest priced with a list price. */
function julyLog(): string {
  const lines: string[] = [];
  for (let day = 1; day <= 31; day++) {
    for (let i = 0; i < 24; i++) {
      const model = i % 12 === 5 ? UNPRICED : i % 8 === 3 ? NO_LIST : PRICED;
      lines.push(
        JSON.stringify({
          request_id: `honest-${day}-${i}`,
          timestamp: `2026-07-${String(day).padStart(2, "0")}T${String(i).padStart(2, "0")}:15:00Z`,
          model,
          subject_type: "user",
          subject: `user${(day * 7 + i) % 40}@example.com`,
          teams: [TEAMS[(day + i) % TEAMS.length]],
          input_tokens: model === NO_LIST ? 0 : 2000 + 37 * i + day,
          output_tokens: model === NO_LIST ? 0 : 300 + i,
          ...(model === NO_LIST ? { pages: 20 + i } : {}),
          metadata: { application: `app-${i % 3}` },
          reported_cost_usd: Number((0.004 + i / 10_000).toFixed(6)),
        }),
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

/** Contrast ratio (WCAG) of two CSS colours "rgb(r, g, b)" (runs in the page). */
function contrastIn(): void {
  const lum = (css: string): number => {
    const [r, g, b] = (css.match(/[\d.]+/g) ?? ["0", "0", "0"]).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  (window as unknown as { contrast: (a: string, b: string) => number }).contrast = (a, b) => {
    const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
    return (hi! + 0.05) / (lo! + 0.05);
  };
  (window as unknown as { luminance: (a: string) => number }).luminance = lum;
}

/** Rows of a DataTable as { column key → cell text }. */
const readRows = (page: Page, testid: string) =>
  page.getByTestId(testid).evaluate((t: HTMLTableElement) => {
    const keys = [...t.tHead!.rows[0]!.cells].map((th) => th.dataset.key ?? "");
    return [...t.tBodies[0]!.rows].map((tr) => Object.fromEntries(keys.map((k, i) => [k, tr.cells[i]!.textContent!.trim()])));
  });

describeInChromium("the report site is honest about unpriced calls, on a phone, on paper and in the dark", { timeout: 120_000 }, () => {
  let work: string;
  let site: BuiltSite;
  let server: StaticServer;
  let browser: Browser;

  const open = (pathname: string, width: number) => openPage(browser, `${server.url}${pathname}`, width);
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), "costs-site-honest-"));
    const logs = path.join(work, "logs");
    await mkdir(logs);
    await writeFile(path.join(logs, "july.jsonl"), julyLog());
    site = await buildSite({ logs: [logs], work });
    server = await serveStatic(site.dist);
    browser = await launchChromium();
    await mkdir(SCREENSHOTS, { recursive: true });
  }, 600_000);

  afterAll(() => closeSiteFixture({ browser, server, work }), 60_000);

  for (const width of WIDTHS) {
    it(`shows an unpriced model as "unpriced" and OCR's list cost as "no list price", never $0.00, at ${width} px`, async () => {
      const { page, errors } = await open("/models/", width);
      const rows = await readRows(page, "table-breakdown");
      const byModel = new Map(rows.map((r) => [r.key, r]));
      expect(byModel.get(UNPRICED)).toMatchObject({ cost_usd: "unpriced", list_cost_usd: "unpriced" });
      expect(byModel.get(NO_LIST)!.list_cost_usd).toBe("no list price");
      expect(byModel.get(NO_LIST)!.cost_usd).toMatch(/^\$\d/);
      expect(byModel.get(PRICED)!.list_cost_usd).toMatch(/^\$\d/);
      for (const r of rows) expect([r.cost_usd, r.list_cost_usd]).not.toContain("$0.00");
      // The exact value stays in data-value: the unpriced row's cost is really zero.
      const exact = await page
        .getByTestId("table-breakdown")
        .locator("tbody tr", { hasText: UNPRICED })
        .locator("td")
        .first()
        .getAttribute("data-value");
      expect(exact).toBe("0.000000000");
      // The bar chart's tooltip reads the same text.
      const bars = JSON.parse((await page.getByTestId("chart-top").getAttribute("data-chart"))!) as {
        rows: { key: string; text: string }[];
      };
      expect(bars.rows.find((b) => b.key === UNPRICED)?.text).toBe("unpriced");
      expect(rows.length).toBe(3);

      // Filtered to the unpriced model in the browser: KPIs and table say so too.
      await page.getByTestId("filter-model").fill(UNPRICED);
      await page.getByTestId("filter-model").press("Enter");
      await expect.poll(() => page.getByTestId("filters").getAttribute("data-active"), { timeout: 30_000 }).toBe("true");
      await expect.poll(() => page.getByTestId("total-cost").textContent()).toBe("unpriced");
      expect(await page.getByTestId("filter-status").textContent()).toContain("unpriced");
      expect((await readRows(page, "table-breakdown")).map((r) => [r.key, r.cost_usd])).toEqual([[UNPRICED, "unpriced"]]);
      await shot(page, `models-filtered-unpriced-${width}`);
      expect(errors).toEqual([]);
      await page.close();
    });

    it(`draws no $0 line or bar for the unpriced model: named beside the daily charts instead, at ${width} px`, async () => {
      type Payload = { series: Record<string, { keys: string[]; unpriced?: string[]; notes?: Record<string, string> }> } & {
        keys?: string[];
        unpriced?: string[];
      };
      const payload = async (page: Page, testid: string) =>
        JSON.parse((await page.getByTestId(testid).getAttribute("data-chart"))!) as Payload;
      const legend = (page: Page, testid: string) =>
        page
          .getByTestId(testid)
          .locator("g.role-legend-label text")
          .evaluateAll((ts) => ts.map((t) => t.textContent ?? ""));
      const notDrawn = `Not drawn, every call unpriced (no cost): ${UNPRICED}.`;

      // Overview: the trend stacked by model leaves the unpriced model out and says so; by team, every day is partly unpriced.
      const { page, errors } = await open("/", width);
      await expect.poll(() => page.getByTestId("chart-trend").getAttribute("data-rendered")).toBe("true");
      const trend = await payload(page, "chart-trend");
      expect(trend.series.model!.keys).toEqual([PRICED, NO_LIST]);
      expect(trend.series.model!.unpriced).toEqual([UNPRICED]);
      expect(await page.getByTestId("alt-trend").textContent()).toContain(notDrawn);
      expect(await legend(page, "chart-trend")).not.toContain(UNPRICED);
      // Every team has unpriced calls on some day: those cells' tooltips carry the share (2 of 24 calls a day in all).
      const notes = Object.values(trend.series.team!.notes ?? {});
      expect(notes.length).toBeGreaterThan(0);
      for (const n of notes) expect(n).toMatch(/^\$[\d,]+\.\d\d \(\d+\.\d\d% unpriced\)$/);

      // Models: the daily lines name it too, and filtered to it there is no priced line at all.
      await page.goto(`${server.url}/models/`);
      await expect.poll(() => page.getByTestId("chart-daily").getAttribute("data-rendered")).toBe("true");
      const lines = (await payload(page, "chart-daily")) as unknown as { series: { keys: string[]; unpriced?: string[] } };
      expect(lines.series.keys).not.toContain(UNPRICED);
      expect(lines.series.unpriced).toEqual([UNPRICED]);
      expect(await page.getByTestId("alt-daily").textContent()).toContain(notDrawn);
      expect(await legend(page, "chart-daily")).not.toContain(UNPRICED);
      const lineMarks = () => page.getByTestId("chart-daily").locator("path[aria-roledescription='line mark']").count();
      expect(await lineMarks()).toBe(2);
      await page.getByTestId("filter-model").fill(UNPRICED);
      await page.getByTestId("filter-model").press("Enter");
      await expect
        .poll(() => page.getByTestId("alt-daily").textContent(), { timeout: 30_000 })
        .toBe(`No priced daily data by model.${" " + notDrawn}`);
      expect(await lineMarks()).toBe(0);
      await shot(page, `models-daily-unpriced-${width}`);
      expect(errors).toEqual([]);
      await page.close();
    });

    it(`puts the unpriced share beside partly unpriced costs and in the overview's KPIs at ${width} px`, async () => {
      const { page, errors } = await open("/", width);
      // 62 of 744 calls are unpriced: 8.33 %.
      expect(await page.getByTestId("unpriced-requests").textContent()).toBe("62");
      expect(await page.getByTestId("unpriced-requests-detail").textContent()).toContain("8.33% of requests");
      expect(await page.getByTestId("total-cost").textContent()).toMatch(/^\$[\d,.]+$/);
      expect(await page.getByTestId("total-cost-detail").textContent()).toContain("8.33% of requests unpriced, not in it");
      const teams = await page.goto(`${server.url}/teams/`).then(() => readRows(page, "table-breakdown"));
      expect(teams.length).toBe(TEAMS.length);
      for (const t of teams) expect(t.cost_usd).toMatch(/^\$[\d,.]+ \(\d+\.\d\d% unpriced\)$/);
      expect(errors).toEqual([]);
      await page.close();
    });

    it(`reconciles only priced calls: the unpriced model has no computed cost and no −100 % variance, at ${width} px`, async () => {
      const { page, errors } = await open("/reconciliation/", width);
      const models = new Map((await readRows(page, "table-reconciliation-models")).map((r) => [r.model, r]));
      expect(models.get(UNPRICED)).toMatchObject({ computed_usd: "unpriced", variance_usd: "—", variance_share: "n/a" });
      expect(models.get(PRICED)!.computed_usd).toMatch(/^\$\d+\.\d{9}$/);
      for (const r of models.values()) expect(r.variance_share).not.toBe("−100.00%");
      expect(await page.getByTestId("computed-total").textContent()).toMatch(/^\$[\d,.]+$/);
      expect(await page.getByTestId("computed-total-detail").textContent()).toContain("62 unpriced calls (8.33%) have none");
      expect(await page.getByTestId("variance-total-detail").textContent()).toContain("priced calls only");
      const days = await readRows(page, "table-reconciliation-days");
      const unpricedDays = days.filter((r) => r.model === UNPRICED);
      expect(unpricedDays).toHaveLength(31);
      for (const r of unpricedDays) expect([r.computed_usd, r.variance_share]).toEqual(["unpriced", "n/a"]);
      expect(errors).toEqual([]);
      await page.close();
    });

    it(`keeps every table's cost in view without scrolling sideways at ${width} px`, async () => {
      for (const pathname of ["/", "/users/", "/models/", "/teams/", "/reconciliation/", "/downloads/"]) {
        const { page, errors } = await open(pathname, width);
        await page.evaluate(openFolded);
        const out = await page.evaluate(() => {
          const problems: string[] = [];
          let checked = 0;
          for (const table of document.querySelectorAll<HTMLTableElement>(
            'table[data-testid^="table-"]:not([data-testid="table-groupby-preview"])',
          )) {
            const keys = [...table.tHead!.rows[0]!.cells].map((th) => th.dataset.key);
            const at = keys.findIndex((k) => k === "cost_usd" || k === "computed_usd");
            if (at < 0) continue;
            const row = table.tBodies[0]!.rows[0];
            if (!row) continue;
            checked++;
            const box = row.cells[at]!.getBoundingClientRect();
            if (box.left < 0 || box.right > window.innerWidth)
              problems.push(`${table.dataset.testid}: cost cell at ${Math.round(box.left)}–${Math.round(box.right)} px`);
          }
          return { problems, checked };
        });
        expect(out.checked, pathname).toBeGreaterThan(0);
        expect(out.problems, pathname).toEqual([]);
        expect((await page.evaluate(overflowReport)).culprits, pathname).toEqual([]);
        expect(errors).toEqual([]);
        await page.close();
      }
    });

    it(`folds Reconciliation's long lists and the Downloads sha256s, with details on demand, at ${width} px`, async () => {
      const { page, errors } = await open("/reconciliation/", width);
      await shot(page, `reconciliation-${width}`);
      const folded = await page.evaluate(() => document.documentElement.scrollHeight);
      await page.getByTestId("details-reconciliation-days").locator("summary").click();
      await page.getByTestId("details-top-differences").locator("summary").click();
      const unfolded = await page.evaluate(() => document.documentElement.scrollHeight);
      expect(folded * 2).toBeLessThan(unfolded);
      expect(await page.getByTestId("table-reconciliation-days").locator("tbody tr").first().isVisible()).toBe(true);
      await page.close();

      const downloads = await open("/downloads/", width);
      const hashes = downloads.page.getByTestId("sha256");
      expect(await hashes.count()).toBeGreaterThan(0);
      const first = hashes.first();
      const full = (await first.getAttribute("data-value"))!;
      expect(full).toMatch(/^[0-9a-f]{64}$/);
      const lineHeight = await first.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight) || 20);
      for (const h of await hashes.all()) expect((await h.boundingBox())!.height).toBeLessThanOrEqual(lineHeight * 1.6);
      await first.locator("summary").click();
      expect(await first.locator(".hash-full").textContent()).toBe(full);
      expect(await first.locator(".hash-full").isVisible()).toBe(true);
      expect(await first.locator("button.copy").isVisible()).toBe(true);
      expect((await downloads.page.evaluate(overflowReport)).culprits).toEqual([]);
      await shot(downloads.page, `downloads-${width}`);
      expect([...errors, ...downloads.errors]).toEqual([]);
      await downloads.page.close();
    });

    it(`switches to dark colours with prefers-color-scheme: dark, text and charts readable, at ${width} px`, async () => {
      const colours = async (page: Page) => {
        await page.evaluate(contrastIn);
        return page.evaluate(() => {
          const w = window as unknown as { contrast: (a: string, b: string) => number; luminance: (a: string) => number };
          const bg = getComputedStyle(document.body).backgroundColor;
          const style = (sel: string) => getComputedStyle(document.querySelector(sel)!);
          const svg = document.querySelector('[data-testid="chart-top"] svg');
          const axis = svg?.querySelector(".role-axis-label text");
          const bar = svg?.querySelector(".role-mark path");
          // What the chart is drawn on: its own background (Vega paints one), else the page's.
          const own = svg ? getComputedStyle(svg).backgroundColor : "";
          const chartBg = own && !/rgba\(.*, 0\)$|transparent/.test(own) ? own : bg;
          return {
            bg,
            bgLuminance: w.luminance(bg),
            text: w.contrast(style("main h1").color, bg),
            muted: w.contrast(style(".muted").color, bg),
            link: w.contrast(style("main a").color, bg),
            chartBg,
            // Grid lines stay faint: much closer to the chart's background than the text is.
            grid: (() => {
              const line = svg?.querySelector(".role-axis-grid line, .role-axis-grid path");
              return line ? w.contrast(getComputedStyle(line).stroke, chartBg) : 0;
            })(),
            axis: axis ? w.contrast(getComputedStyle(axis).fill, chartBg) : 0,
            bar: bar ? w.contrast(getComputedStyle(bar).fill, chartBg) : 0,
          };
        });
      };
      const light = await open("/models/", width);
      const day = await colours(light.page);
      await light.page.close();
      const page = await browser.context.newPage();
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme: "dark" });
      await page.goto(`${server.url}/models/`, { waitUntil: "load" });
      await page.waitForFunction(() => document.querySelector('[data-testid="chart-top"]')?.getAttribute("data-rendered") === "true");
      const night = await colours(page);
      await shot(page, `models-dark-${width}`);
      await page.close();

      expect(day.bgLuminance).toBeGreaterThan(0.9);
      expect(night.bgLuminance).toBeLessThan(0.05);
      expect(night.bg).not.toBe(day.bg);
      expect(night.chartBg).toBe(night.bg);
      for (const c of [day, night]) {
        expect(c.text).toBeGreaterThanOrEqual(7);
        expect(c.muted).toBeGreaterThanOrEqual(4.5);
        expect(c.link).toBeGreaterThanOrEqual(4.5);
        expect(c.axis).toBeGreaterThanOrEqual(4.5);
        expect(c.bar).toBeGreaterThanOrEqual(3);
        expect(c.grid).toBeGreaterThan(1);
        expect(c.grid).toBeLessThan(2.5);
      }
    });
  }

  it("prints a team's monthly statement on A4: content only, the period and filter on top, rows never cut", async () => {
    const { page, errors } = await open("/teams/?team=payments&from=2026-07-01&to=2026-07-31", 1440);
    await expect.poll(() => page.getByTestId("filters").getAttribute("data-active"), { timeout: 30_000 }).toBe("true");
    // A4 at 96 dpi less 12 mm margins: 718 px of content.
    await page.setViewportSize({ width: 718, height: 1000 });
    await page.emulateMedia({ media: "print" });
    const layout = await page.evaluate(() => {
      const shown = (sel: string) => [...document.querySelectorAll(sel)].filter((e) => e.getClientRects().length > 0).length;
      return {
        nav: shown(".site-header nav"),
        fieldset: shown(".filters fieldset"),
        buttons: shown("button"),
        status: document.querySelector('[data-testid="filter-status"]')?.getClientRects().length ?? 0,
        statusText: document.querySelector('[data-testid="filter-status"]')?.textContent ?? "",
        period: document.querySelector('[data-testid="period"]')?.getClientRects().length ?? 0,
        rowsCut: [...document.querySelectorAll("tbody tr")].filter((tr) => getComputedStyle(tr).breakInside !== "avoid").length,
        charts: [...document.querySelectorAll("figure[data-chart] svg")].map((svg) => svg.getBoundingClientRect().right),
        width: window.innerWidth,
      };
    });
    expect(layout).toMatchObject({ nav: 0, fieldset: 0, buttons: 0, status: 1, period: 1, rowsCut: 0 });
    expect(layout.statusText).toContain("team = payments");
    expect(layout.charts.length).toBeGreaterThan(0);
    for (const right of layout.charts) expect(right).toBeLessThanOrEqual(layout.width);
    expect((await page.evaluate(overflowReport)).culprits).toEqual([]);
    const pdf = await page.pdf({ format: "A4", printBackground: false });
    await writeFile(path.join(SCREENSHOTS, "teams-payments-july.pdf"), pdf);
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    const pages = pdf.toString("latin1").match(/\/Type\s*\/Page(?!s)/g) ?? [];
    expect(pages.length).toBeGreaterThanOrEqual(1);
    expect(errors).toEqual([]);
    await page.close();

    // Folded sections print in full.
    const rec = await open("/reconciliation/", 1440);
    expect(await rec.page.evaluate(() => document.querySelectorAll("details.section-details:not([open])").length)).toBe(2);
    await rec.page.evaluate(() => dispatchEvent(new Event("beforeprint")));
    expect(await rec.page.evaluate(() => document.querySelectorAll("details.section-details:not([open])").length)).toBe(0);
    await rec.page.evaluate(() => dispatchEvent(new Event("afterprint")));
    expect(await rec.page.evaluate(() => document.querySelectorAll("details.section-details:not([open])").length)).toBe(2);
    await rec.page.close();
  });
});
