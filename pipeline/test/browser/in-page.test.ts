/**
 * The page checks the site suite relies on, against small pages that break each rule, so
 * a check that cannot fail would show here.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeInChromium } from "./describe-in-chromium.ts";
import { chartReports, chartsDrawn, overflowReport, tableReports } from "./in-page.ts";
import { launchChromium, type Browser } from "./launch-chromium.ts";

/** A Vega-like SVG chart: `marks` bar paths inside a role-mark group, plus axis and background paths that are not data. */
const vegaChart = (testid: string, marks: number, attributes = "") =>
  `<figure data-testid="chart-${testid}" ${attributes}><svg class="marks" width="100" height="50"><rect width="100" height="50" fill="white"></rect>` +
  `<g class="mark-group role-axis"><g class="mark-rule role-axis-tick"><path d="M0,0h5"></path></g></g>` +
  `<g class="mark-rect role-mark"> ${Array.from({ length: marks }, (_, i) => `<path d="M${i * 10},0h8v40h-8Z"></path>`).join("")}</g></svg></figure>`;

describeInChromium("in-page checks", { timeout: 60_000 }, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(() => browser?.close(), 30_000);

  const load = async (html: string, width = 375) => {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width, height: 600 });
    await page.setContent(`<!doctype html><html><body style="margin:0">${html}</body></html>`);
    return page;
  };

  it("counts a chart's data marks, not its axes or background, and finds its text alternative", async () => {
    const page = await load(
      vegaChart("bars", 3, 'aria-label="Cost by team: payments first"') +
        vegaChart("empty", 0) +
        `<figure data-testid="chart-captioned"><figcaption>Daily cost by model</figcaption><div role="img" aria-label="Daily cost. Stacked bars."></div>` +
        `<canvas width="20" height="20"></canvas></figure>` +
        `<figure><figcaption>Daily cost by team</figcaption><div data-testid="chart-figcaption"><svg><path d="M0,0h1"></path></svg></div></figure>`,
    );
    await page.evaluate(() => {
      const ctx = document.querySelector("canvas")!.getContext("2d")!;
      ctx.fillStyle = "red";
      ctx.fillRect(5, 5, 2, 3);
    });
    const charts = await page.evaluate(chartReports);
    expect(charts.map((c) => [c.testid, c.renderer, c.marks, c.alt])).toEqual([
      ["chart-bars", "svg", 3, "Cost by team: payments first"],
      ["chart-empty", "svg", 0, ""],
      ["chart-captioned", "canvas", 6, "Daily cost. Stacked bars."],
      ["chart-figcaption", "svg", 1, "Daily cost by team"],
    ]);
    // A changed chart has a different fingerprint.
    const before = charts[0]!.drawn;
    await page.evaluate(() => document.querySelector('[data-testid="chart-bars"] g.role-mark path')!.setAttribute("d", "M0,0h9v9Z"));
    expect((await page.evaluate(chartReports))[0]!.drawn).not.toBe(before);
    await page.close();
  });

  it("waits for charts until each has drawn or says it is done", async () => {
    const page = await load(`<figure data-testid="chart-a"><div></div></figure>${vegaChart("b", 2)}`);
    expect(await page.evaluate(chartsDrawn)).toBe(false);
    await page.evaluate(() => document.querySelector<HTMLElement>('[data-testid="chart-a"]')!.setAttribute("data-rendered", "error"));
    expect(await page.evaluate(chartsDrawn)).toBe(true);
    await page.close();
  });

  it("reports sideways overflow of the body and what causes it, but not a table scrolling in its wrapper", async () => {
    const wide = await load(`<main><div id="banner" style="width:600px">wide</div></main>`);
    const report = await wide.evaluate(overflowReport);
    expect(report.innerWidth).toBe(375);
    expect(report.scrollWidth).toBe(600);
    expect(report.culprits).toContain("div#banner (right 600 px)");
    await wide.close();

    const wrapped = await load(`<div style="overflow-x:auto"><table style="width:900px"><tbody><tr><td>a</td></tr></tbody></table></div>`);
    expect(await wrapped.evaluate(overflowReport)).toEqual({ scrollWidth: 375, innerWidth: 375, culprits: [] });
    await wrapped.close();
  });

  it("counts a table's rows and the ones a reader can see", async () => {
    const page = await load(
      `<table data-testid="table-a"><tbody><tr><td>payments</td><td>$1.00</td></tr><tr style="display:none"><td>x</td></tr><tr hidden><td>y</td></tr></tbody></table>` +
        `<p data-testid="table-a-note">3 rows</p><table data-testid="table-b"><tbody></tbody></table>`,
    );
    expect(await page.evaluate(tableReports)).toEqual([
      { testid: "table-a", rows: 3, visibleRows: 1, firstRow: "payments$1.00" },
      { testid: "table-b", rows: 0, visibleRows: 0, firstRow: "" },
    ]);
    await page.close();
  });
});
