/**
 * The report site in a real browser (issue 4 acceptance): builds the site from a run on
 * the committed sample (buildSite: temp folder, downloads in the gitignored
 * site/public/data/), serves it on 127.0.0.1 with gzip and drives Debian's chromium with
 * playwright-core. Pages are found in the build, not listed here. Screenshots of every
 * page at 375 and 1440 px go to test-artifacts/screenshots/.
 *
 * Without /usr/bin/chromium the suite is skipped with a printed reason, except with
 * CI=true, where a missing browser fails.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, expect, it } from "vitest";
import { toSlug } from "../../src/lib/to-slug.ts";
import { formatNano, parseNano } from "../../src/pricing/money.ts";
import { SiteSummarySchema } from "../../src/schemas/site-data.schema.ts";
import { listPartitions, readPartitionColumns, readPartitions, type Dataset } from "../../src/dataset/read-partitions.ts";
import { computeExtract } from "../../src/extracts/compute-extract.ts";
import { extractToCsv } from "../../src/extracts/extract-to-csv.ts";
import { buildSite, ROOT, type BuiltSite } from "./build-site.ts";
import { describeInChromium } from "./describe-in-chromium.ts";
import {
  chartReports,
  openFolded,
  overflowReport,
  tableReports,
  type ChartReport,
  type OverflowReport,
  type TableReport,
} from "./in-page.ts";
import { launchChromium, type Browser } from "./launch-chromium.ts";
import { listPages, pageSlug } from "./list-pages.ts";
import { serveStatic, type StaticServer } from "./serve-static.ts";
import { closeSiteFixture } from "./site-fixture.ts";
import { openPage } from "./watch-page.ts";

const SCREENSHOTS = path.join(ROOT, "test-artifacts/screenshots");
const WIDTHS = [375, 1440] as const;
const XSS = "<img src=x onerror=alert(1)>";
/** A day of the sample shown as restated (issue 12): a restatements.json entry whose `new` is the day's real totals and `old` 0.123456789 USD more. */
const RESTATED = { date: "2026-07-08", delta: 123_456_789n, at: "2026-07-16T02:31:07.000Z" };

async function writeRestatedFixture(data: string): Promise<void> {
  const rows = await readPartitionColumns(data, [RESTATED.date], ["cost_usd", "list_cost_usd"]);
  const sum = (values: unknown[]) => values.reduce<bigint>((s, v) => s + ((v as bigint | null) ?? 0n), 0n);
  const totals = (cost: bigint) => ({
    rows: rows.cost_usd!.length,
    cost_usd: formatNano(cost),
    list_cost_usd: formatNano(sum(rows.list_cost_usd!)),
  });
  const entry = {
    date: RESTATED.date,
    restated_at: RESTATED.at,
    old: totals(sum(rows.cost_usd!) + RESTATED.delta),
    new: totals(sum(rows.cost_usd!)),
    old_pricing_version: "sha256:0000000000000000",
    new_pricing_version: "sha256:1111111111111111",
    pricing_commit: "0123456789abcdef0123456789abcdef01234567",
  };
  await writeFile(path.join(data, "restatements.json"), `${JSON.stringify([entry])}\n`);
}

/** "$1,234.57": nano-USD rounded to cents, as the site shows amounts of a cent or more. */
function dollars(nano: bigint): string {
  const cents = (nano + 5_000_000n) / 10_000_000n;
  return `$${new Intl.NumberFormat("en-US").format(cents / 100n)}.${String(cents % 100n).padStart(2, "0")}`;
}

/** What one page showed at one width. */
interface Visit {
  page: string;
  width: number;
  status: number | null;
  errors: string[];
  dialogs: string[];
  charts: ChartReport[];
  tables: TableReport[];
  overflow: OverflowReport;
  injectedImages: number;
}

describeInChromium("the report site in Chromium", { timeout: 120_000 }, () => {
  let work: string;
  let site: BuiltSite;
  let server: StaticServer;
  let browser: Browser;
  let pages: string[];
  let metadataKeys: string[];
  /** The priced rows of the run, read back with the pipeline's own reader. */
  let dataset: Dataset;
  const visits: Visit[] = [];

  const open = (pathname: string, width = 1440) => openPage(browser, `${server.url}${pathname}`, width);

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), "costs-site-"));
    site = await buildSite({ logs: [path.join(ROOT, "data/sample")], work, afterRun: writeRestatedFixture });
    metadataKeys = SiteSummarySchema.parse(JSON.parse(await readFile(path.join(site.siteData, "summary.json"), "utf8"))).metadata_keys;
    pages = await listPages(site.dist);
    dataset = await readPartitions(site.data, await listPartitions(site.data));
    server = await serveStatic(site.dist);
    browser = await launchChromium({ acceptDownloads: true });
    await rm(SCREENSHOTS, { recursive: true, force: true });
    await mkdir(SCREENSHOTS, { recursive: true });
    // Every page at both widths once: what the checks below assert on.
    for (const pathname of pages) {
      for (const width of WIDTHS) {
        const { page, errors, dialogs, status } = await open(pathname, width);
        visits.push({
          page: pathname,
          width,
          status,
          errors,
          dialogs,
          charts: await page.evaluate(chartReports),
          tables: await page.evaluate(tableReports),
          overflow: await page.evaluate(overflowReport),
          injectedImages: await page.locator('img[src="x"]').count(),
        });
        await page.screenshot({ path: path.join(SCREENSHOTS, `${pageSlug(pathname)}-${width}.png`), fullPage: true });
        await page.close();
      }
    }
  }, 600_000);

  afterAll(() => closeSiteFixture({ browser, server, work }), 60_000);

  it("builds every page of the site, one per metadata key", () => {
    const expected = ["/", "/users/", "/models/", "/teams/", "/issues/", "/prices/", "/reconciliation/", "/downloads/", "/methodology/"];
    expect(metadataKeys.length).toBeGreaterThan(0);
    expect(pages).toEqual(expect.arrayContaining([...expected, ...metadataKeys.map((k) => `/metadata/${toSlug(k)}/`)]));
  });

  it("loads every page at 375 and 1440 px with no console error, failed request or dialog", () => {
    expect(visits).toHaveLength(pages.length * WIDTHS.length);
    const problems = visits.flatMap((v) => [
      ...(v.status === 200 ? [] : [`${v.page} @${v.width}: status ${v.status}`]),
      ...v.errors.map((e) => `${v.page} @${v.width}: ${e}`),
      ...v.dialogs.map((d) => `${v.page} @${v.width}: dialog ${d}`),
    ]);
    expect(problems).toEqual([]);
  });

  it("draws marks in every chart, each with a text alternative", () => {
    const charts = visits.flatMap((v) => v.charts.map((c) => ({ ...c, where: `${v.page} @${v.width} ${c.testid}` })));
    // The overview, the breakdown pages and the metadata pages have charts.
    const pagesWithCharts = new Set(visits.filter((v) => v.charts.length > 0).map((v) => v.page));
    expect([...pagesWithCharts]).toEqual(
      expect.arrayContaining(["/", "/users/", "/models/", "/teams/", ...metadataKeys.map((k) => `/metadata/${toSlug(k)}/`)]),
    );
    expect(charts.filter((c) => c.marks === 0).map((c) => `${c.where}: no marks (${c.renderer})`)).toEqual([]);
    expect(charts.filter((c) => c.alt.length < 10).map((c) => `${c.where}: no text alternative ("${c.alt}")`)).toEqual([]);
  });

  it("fits 375 px and 1440 px widths: the body never scrolls sideways", () => {
    const wide = visits.filter((v) => v.overflow.scrollWidth > v.overflow.innerWidth);
    expect(
      wide.map(
        (v) => `${v.page} @${v.width}: scrollWidth ${v.overflow.scrollWidth} > ${v.overflow.innerWidth}: ${v.overflow.culprits.join(", ")}`,
      ),
    ).toEqual([]);
  });

  it("shows the overview total of manifest.json exactly", async () => {
    const { page } = await open("/");
    const total = page.getByTestId("total-cost");
    await expect.poll(() => total.getAttribute("data-value")).toBe(site.manifest.dataset.cost_usd);
    // What the reader sees: the same amount rounded to cents.
    const cents = (parseNano(site.manifest.dataset.cost_usd) + 5_000_000n) / 10_000_000n;
    const dollars = new Intl.NumberFormat("en-US").format(cents / 100n);
    expect(await total.textContent()).toBe(`$${dollars}.${String(cents % 100n).padStart(2, "0")}`);
    await page.close();
  });

  it("notes a restated day on the overview: in the list under the daily chart and on the day's row of the daily totals", async () => {
    const { page, errors } = await open("/");
    const day = dataset.date.reduce<bigint>(
      (s, d, i) => (d === RESTATED.date ? s + ((dataset.cost_usd[i] as bigint | null) ?? 0n) : s),
      0n,
    );
    const note = `restated on 2026-07-16: ${dollars(day + RESTATED.delta)} → ${dollars(day)}`;
    const items = page.getByTestId("restatements").locator("li");
    expect(await items.count()).toBe(1);
    expect((await items.first().textContent())!.replace(/\s+/g, " ").trim()).toBe(`${RESTATED.date}: ${note} (-0.123456789 USD)`);
    expect(await items.first().getAttribute("data-new")).toBe(formatNano(day));
    // The day's row says so; the other days' rows have no note.
    const rows = await page.getByTestId("table-daily").evaluate((t: HTMLTableElement) => {
      const at = (key: string) => [...t.tHead!.rows[0]!.cells].findIndex((th) => th.dataset.key === key);
      return [...t.tBodies[0]!.rows].map((tr) => [
        tr.cells[0]!.textContent!.trim(),
        tr.cells[at("cost_usd")]!.dataset.value,
        tr.cells[at("note")]!.textContent!.trim(),
      ]);
    });
    expect(rows).toHaveLength(site.manifest.dataset.days.length);
    expect(rows.filter(([, , n]) => n !== "")).toEqual([[RESTATED.date, formatNano(day), note]]);
    expect(rows.reduce((s, [, v]) => s + parseNano(v!), 0n)).toBe(parseNano(site.manifest.dataset.cost_usd));
    expect(errors).toEqual([]);
    await page.close();
  });

  it("filters by team: the KPI, the table and the chart change together, to the cube's figures for that team", async () => {
    // The expected figures, computed in Node from the priced rows by the pipeline's extract code.
    const byTeam = computeExtract(dataset, ["team"]).rows.map((r) => ({ team: r[0] as string, cost: r[6] as bigint }));
    byTeam.sort((a, b) => (a.cost === b.cost ? 0 : a.cost > b.cost ? -1 : 1));
    const team = byTeam[1]!.team; // the second costliest: a real subset, neither everything nor nothing
    const expected = new Map(
      computeExtract(dataset, ["team", "model"])
        .rows.filter((r) => r[0] === team)
        .map((r) => [r[1] as string, formatNano(r[7] as bigint)]),
    );
    const teamTotal = formatNano(byTeam[1]!.cost);
    expect([...expected.values()].reduce((s, v) => s + parseNano(v), 0n)).toBe(parseNano(teamTotal));

    const { page, errors } = await open("/models/");
    const table = page.getByTestId("table-breakdown");
    const chart = page.getByTestId("chart-top");
    const readTable = () =>
      table.evaluate((t: HTMLTableElement) => {
        const column = [...t.tHead!.rows[0]!.cells].findIndex((th) => th.dataset.key === "cost_usd");
        return [...t.tBodies[0]!.rows].map(
          (tr) => [tr.cells[0]!.dataset.value ?? "", tr.cells[column]!.dataset.value ?? ""] as [string, string],
        );
      });
    const chartOf = async () => (await page.evaluate(chartReports)).find((c) => c.testid === "chart-top")!;
    const before = {
      rows: await readTable(),
      chart: await chartOf(),
      total: await page.getByTestId("total-cost").getAttribute("data-value"),
    };
    expect(before.total).toBe(site.manifest.dataset.cost_usd);
    expect(before.rows.reduce((s, [, v]) => s + parseNano(v), 0n)).toBe(parseNano(site.manifest.dataset.cost_usd));

    await page.getByTestId("filter-team").fill(team);
    await page.getByTestId("filter-team").press("Enter");
    await expect.poll(() => page.getByTestId("filters").getAttribute("data-active"), { timeout: 30_000 }).toBe("true");
    await expect.poll(() => chart.getAttribute("data-rendered")).toBe("true");
    const after = {
      rows: await readTable(),
      chart: await chartOf(),
      total: await page.getByTestId("total-cost").getAttribute("data-value"),
    };

    // The table: exactly the team's models, each at the cube's cost, summing to the team's total.
    expect(Object.fromEntries(after.rows)).toEqual(Object.fromEntries(expected));
    expect(formatNano(after.rows.reduce((s, [, v]) => s + parseNano(v), 0n))).toBe(teamTotal);
    expect(after.total).toBe(teamTotal);
    // The chart: redrawn from the same figures (one bar per model, costliest first: the top 10 and one "(other)" for the rest).
    expect(after.chart.drawn).not.toBe(before.chart.drawn);
    expect(after.chart.marks).toBe(expected.size > 10 ? 11 : expected.size);
    const costliest = [...expected].sort(([, a], [, b]) => (parseNano(b) > parseNano(a) ? 1 : -1))[0]![0];
    expect(after.chart.alt).toContain(costliest);
    expect(after.chart.alt).not.toBe(before.chart.alt);
    expect(new URL(page.url()).searchParams.get("team")).toBe(team);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("computes a custom groupBy in the browser whose CSV download sums exactly to the site total", async () => {
    const fields = ["month", "user", "model", "metadata.application"];
    const { page, errors, dialogs } = await open("/downloads/");
    const boxes = page.locator('[data-testid^="groupby-field-"]');
    for (const box of await boxes.all()) await box.uncheck();
    for (const field of fields) await page.getByTestId(`groupby-field-${field}`).check();
    await page.getByTestId("groupby-run").click();
    const total = page.getByTestId("groupby-total");
    await expect.poll(() => total.getAttribute("data-value"), { timeout: 30_000 }).toBe(site.manifest.dataset.cost_usd);
    await expect(page.getByTestId("site-total").getAttribute("data-value")).resolves.toBe(site.manifest.dataset.cost_usd);

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("groupby-download").click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const bytes = await readFile(await download.path());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the UTF-8 byte order mark, for Excel
    const csv = bytes.subarray(3).toString("utf8");
    const records = parse(csv, { columns: true }) as Record<string, string>[];
    expect(Object.keys(records[0]!)).toEqual([
      ...fields,
      "requests",
      "input_tokens",
      "cache_read_tokens",
      "cache_write_tokens",
      "output_tokens",
      "cost_usd",
      "list_cost_usd",
      "unpriced_requests",
    ]);
    const sum = records.reduce((s, r) => s + parseNano(r.cost_usd!), 0n);
    expect(formatNano(sum)).toBe(site.manifest.dataset.cost_usd);
    expect(records.reduce((s, r) => s + Number(r.requests), 0)).toBe(site.manifest.dataset.rows);
    expect(await page.getByTestId("groupby-rows").getAttribute("data-value")).toBe(String(records.length));
    // Byte for byte the extract the pipeline computes from the priced rows (costs extract).
    expect(csv).toBe(extractToCsv(computeExtract(dataset, fields)));
    // The log value is data in the CSV, and text in the preview table.
    expect(records.some((r) => r["metadata.application"] === XSS)).toBe(true);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows every table's rows without JavaScript", async () => {
    const noJs = await launchChromium({ javaScriptEnabled: false });
    try {
      const problems: string[] = [];
      let tablesSeen = 0;
      let withRows = 0;
      for (const pathname of pages) {
        const page = await noJs.context.newPage();
        await page.goto(`${server.url}${pathname}`, { waitUntil: "load" });
        // Folded sections (<details>) open without JavaScript: one click each.
        await page.evaluate(openFolded);
        const tables = await page.evaluate(tableReports);
        await page.close();
        const withJs = visits.find((v) => v.page === pathname && v.width === 1440)!;
        // Tables drawn by the browser (the groupBy preview) exist only with JavaScript.
        const built = withJs.tables.filter((t) => t.testid !== "table-groupby-preview");
        if (tables.map((t) => t.testid).join() !== built.map((t) => t.testid).join()) {
          problems.push(
            `${pathname}: tables ${tables.map((t) => t.testid).join(", ")} without JavaScript, ${built.map((t) => t.testid).join(", ")} with`,
          );
          continue;
        }
        tables.forEach((plain, i) => {
          tablesSeen++;
          if (plain.rows !== built[i]!.rows)
            problems.push(`${pathname} ${plain.testid}: ${plain.rows} rows without JavaScript, ${built[i]!.rows} with`);
          else if (plain.visibleRows !== plain.rows)
            problems.push(`${pathname} ${plain.testid}: ${plain.visibleRows} of ${plain.rows} rows visible without JavaScript`);
          else if (plain.rows > 0 && plain.firstRow === "")
            problems.push(`${pathname} ${plain.testid}: empty first row without JavaScript`);
        });
        withRows += tables.filter((t) => t.visibleRows > 0).length;
      }
      expect(problems).toEqual([]);
      // The breakdown pages, issues and prices at least.
      expect(tablesSeen).toBeGreaterThan(0);
      expect(withRows).toBeGreaterThanOrEqual(6 + metadataKeys.length);
    } finally {
      await noJs.close();
    }
  });

  it(`shows the metadata value ${XSS} as text on /metadata/application/, never as markup`, async () => {
    const { page, dialogs, errors } = await open("/metadata/application/");
    await expect(page.getByText(XSS, { exact: true }).count()).resolves.toBeGreaterThan(0);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
    expect(visits.filter((v) => v.injectedImages > 0 || v.dialogs.length > 0).map((v) => v.page)).toEqual([]);
  });
});
