/**
 * The groupBy builder for finance (issue 14, point 6): filters (date presets, team, model,
 * user, one metadata value) applied to the cube before grouping, a column order the user
 * controls, and a CSV that names its filter. One site built from a generated log of 13,440
 * calls by 600 users in 4 teams on 4 models (one no catalog prices) over 6 weeks, with
 * 3,000 `customer_id` values (one of them, `cus_big`, on every tenth call) and a hostile
 * one; the site has the cube's shards and projection (`--cube-parts 5000`), which the
 * builder reads instead of the whole cube where they answer. Served on 127.0.0.1 and driven with Debian's chromium at 375 and 1440 px. The CSV
 * is fetched from the download link's blob URL in the page and compared with the
 * pipeline's own extract of the priced rows read back from the run (readPartitions →
 * computeExtract), filtered here in the test. Screenshots in test-artifacts/screenshots/.
 *
 * Without /usr/bin/chromium the suite is skipped with a printed reason, except with
 * CI=true, where a missing browser fails.
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { formatNano } from "../../src/pricing/money.ts";
import { listPartitions, readPartitions, type Dataset } from "../../src/dataset/read-partitions.ts";
import { computeExtract } from "../../src/extracts/compute-extract.ts";
import { extractToCsv } from "../../src/extracts/extract-to-csv.ts";
import { buildSite, ROOT, type BuiltSite } from "./build-site.ts";
import { describeInChromium } from "./describe-in-chromium.ts";
import { overflowReport } from "./in-page.ts";
import { launchChromium, type Browser } from "./launch-chromium.ts";
import { serveStatic, type StaticServer } from "./serve-static.ts";
import { closeSiteFixture } from "./site-fixture.ts";
import { openPage } from "./watch-page.ts";

const SCREENSHOTS = path.join(ROOT, "test-artifacts/screenshots");
const WIDTHS = [375, 1440] as const;
const XSS = "<img src=x onerror=alert(1)>";
const FIRST = "2026-05-25";
const DAYS = 42;
const CALLS = 13_440;
const USERS = 600;
const CUSTOMERS = 3_000;
const TEAMS = ["search", "support", "data-science", "platform"];
const MODELS = ["openai-main/gpt-4.1", "anthropic-main/claude-sonnet-4-5", "openai-main/gpt-4o-mini", "mystery-provider/unknown-model"];
const BIG = "cus_big";
/** A customer id that breaks naive markup, links and file names. */
const HOSTILE = `../${XSS}&mv=x;"quoted"`;
/** The data ends on 2026-07-05, so "last month" is June. */
const JUNE = { from: "2026-06-01", to: "2026-06-30" };

const userOf = (i: number) => `user${String(i % USERS).padStart(3, "0")}@example.com`;
const customerOf = (i: number) => (i % 10 === 0 ? BIG : i % 97 === 1 ? HOSTILE : `cus_${String(i % CUSTOMERS).padStart(4, "0")}`);

/** 320 calls a day; team and model do not follow the customer (every tenth call is cus_big), every 13th call is on the unpriced model. */
function generatedLog(): string {
  const lines: string[] = [];
  const start = Date.parse(`${FIRST}T00:00:00Z`);
  for (let i = 0; i < CALLS; i++) {
    lines.push(
      JSON.stringify({
        request_id: `finance-${i}`,
        timestamp: new Date(start + (i % DAYS) * 86_400_000 + (i % 1440) * 60_000).toISOString(),
        model: i % 13 === 3 ? MODELS[3] : MODELS[Math.floor(i / 3) % 3],
        subject_type: "user",
        subject: userOf(i),
        teams: [TEAMS[Math.floor(i / 7) % TEAMS.length]],
        input_tokens: 300 + (i % 911) * 7,
        output_tokens: 20 + (i % 53),
        status_code: 200,
        metadata: { customer_id: customerOf(i), application: `app-${i % 5}` },
      }),
    );
  }
  return `${lines.join("\n")}\n`;
}

describeInChromium("the groupBy builder for finance: filters and column order", { timeout: 180_000 }, () => {
  let work: string;
  let site: BuiltSite;
  let server: StaticServer;
  let browser: Browser;
  let dataset: Dataset;

  const open = (pathname: string, width: number) => openPage(browser, `${server.url}${pathname}`, width);
  const text = async (page: Page, testid: string) => ((await page.getByTestId(testid).textContent()) ?? "").replace(/\s+/g, " ").trim();
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const customer = (i: number) => {
    const m = dataset.metadata[i];
    return ((typeof m === "string" ? JSON.parse(m) : m) as Record<string, string> | null)?.customer_id ?? null;
  };

  /** The priced rows that pass `keep`, as a dataset of their own (every column cut to those rows). */
  const subset = (keep: (i: number) => boolean): Dataset => {
    const rows = Array.from({ length: dataset.length }, (_, i) => i).filter(keep);
    const columns = Object.entries(dataset).map(([name, values]) => [
      name,
      Array.isArray(values) ? rows.map((i) => values[i] as unknown) : values,
    ]);
    return Object.assign(Object.fromEntries(columns), { length: rows.length }) as Dataset;
  };
  /** Exact cost and calls of a dataset (unpriced calls have no cost and are counted). */
  const totalOf = (rows: Dataset) => ({
    cost: formatNano((rows.cost_usd as (bigint | null)[]).reduce<bigint>((s, c) => s + (c ?? 0n), 0n)),
    calls: rows.length,
    unpriced: (rows.cost_usd as (bigint | null)[]).filter((c) => c === null).length,
  });
  /** Waits for the builder's answer: done, refused or error. */
  const computed = async (page: Page) => {
    await page.getByTestId("groupby").evaluate((el) => el.removeAttribute("data-state"));
    await page.getByTestId("groupby-run").click();
    await expect.poll(() => page.getByTestId("groupby").getAttribute("data-state"), { timeout: 60_000 }).toMatch(/^(done|refused|error)$/);
    return page.getByTestId("groupby").getAttribute("data-state");
  };
  /** The download link's file, fetched from its blob URL inside the page: its bytes, as the browser would save them. */
  const download = (page: Page) =>
    page.getByTestId("groupby-download").evaluate(async (a: HTMLAnchorElement) => {
      const response = await fetch(a.href);
      return { name: a.download, href: a.href, bytes: [...new Uint8Array(await response.arrayBuffer())] };
    });
  const order = (page: Page) =>
    page
      .getByTestId("groupby-order")
      .locator("li[data-field]")
      .evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.field));

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), "costs-site-finance-"));
    await writeFile(path.join(work, "calls.jsonl"), generatedLog());
    site = await buildSite({ logs: [path.join(work, "calls.jsonl")], work, cubeParts: 5_000 });
    dataset = await readPartitions(site.data, await listPartitions(site.data));
    server = await serveStatic(site.dist);
    browser = await launchChromium();
    await mkdir(SCREENSHOTS, { recursive: true });
  }, 900_000);

  afterAll(() => closeSiteFixture({ browser, server, work }), 60_000);

  it("reads back every generated call, with the customers, unpriced calls and weeks the checks below rely on", () => {
    expect(dataset.length).toBe(CALLS);
    expect(new Set(dataset.user).size).toBe(USERS);
    expect(new Set(dataset.date).size).toBe(DAYS);
    expect(new Set(Array.from({ length: CALLS }, (_, i) => customer(i))).size).toBeGreaterThan(2_000);
    expect(totalOf(dataset).unpriced).toBeGreaterThan(0);
    expect([...new Set(dataset.date as string[])].sort().at(-1)).toBe("2026-07-05");
  });

  for (const width of WIDTHS) {
    it(`@${width}px: a date preset, a team and a metadata value filter the extract; the reordered columns come out in that order, exactly as the pipeline computes them`, async () => {
      const { page, errors, dialogs } = await open("/downloads/", width);
      const builder = page.getByTestId("groupby");
      // The filter fields: a preset, a team typed, a metadata value found by typing part of it.
      await page.getByTestId("groupby-preset-last-month").click();
      expect(await page.getByTestId("groupby-filter-from").inputValue()).toBe(JUNE.from);
      expect(await page.getByTestId("groupby-filter-to").inputValue()).toBe(JUNE.to);
      expect(await page.getByTestId("groupby-preset-last-month").getAttribute("aria-pressed")).toBe("true");
      await page.getByTestId("groupby-filter-team").fill("search");
      await page.getByTestId("groupby-filter-metadata-key").selectOption("customer_id");
      const value = page.getByTestId("groupby-filter-metadata-value");
      await value.click();
      await value.pressSequentially("cus_bi");
      await expect
        .poll(
          () =>
            page
              .getByTestId("groupby-filter-metadata-value-list")
              .locator("option")
              .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)),
          { timeout: 30_000 },
        )
        .toEqual([BIG]);
      await value.fill(BIG);

      // Three fields, picked as user, model, day; then day moved to the front with the keyboard and model before user with a click.
      for (const field of ["month", "team"]) await page.getByTestId(`groupby-field-${field}`).uncheck();
      for (const field of ["user", "model", "date"]) await page.getByTestId(`groupby-field-${field}`).check();
      expect(await order(page)).toEqual(["user", "model", "date"]);
      expect(await page.getByRole("button", { name: "Move user up" }).isDisabled()).toBe(true);
      await page.getByRole("button", { name: "Move day up" }).focus();
      await page.keyboard.press("Enter");
      // The keyboard stays on the moved field: Space moves it again.
      expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Move day up");
      await page.keyboard.press("Space");
      expect(await order(page)).toEqual(["date", "user", "model"]);
      await page.getByRole("button", { name: "Move model up" }).click();
      const fields = ["date", "model", "user"];
      expect(await order(page)).toEqual(fields);

      expect(await computed(page)).toBe("done");
      const kept = subset(
        (i) =>
          (dataset.date[i] as string) >= JUNE.from &&
          (dataset.date[i] as string) <= JUNE.to &&
          dataset.team[i] === "search" &&
          customer(i) === BIG,
      );
      const want = totalOf(kept);
      // The premise: a real share of the calls, some unpriced, far from the whole.
      expect(want.calls).toBeGreaterThan(200);
      expect(want.calls).toBeLessThan(CALLS / 20);
      expect(want.unpriced).toBeGreaterThan(0);
      expect(await page.getByTestId("groupby-total").getAttribute("data-value")).toBe(want.cost);
      expect(await page.getByTestId("groupby-check").getAttribute("data-ok")).toBe("true");
      expect(await page.getByTestId("groupby-check").getAttribute("data-expected")).toBe(want.cost);
      expect(await text(page, "groupby-check")).toContain("equals the filtered total");
      expect(want.cost).not.toBe(site.manifest.dataset.cost_usd);
      const scope = `filter: ${JUNE.from} to ${JUNE.to}; team = search; metadata.customer_id = ${BIG}`;
      expect(await text(page, "groupby-status")).toContain(`(${scope}, ${new Intl.NumberFormat("en-US").format(want.calls)} calls)`);
      expect(await page.getByTestId("table-groupby-preview").locator("caption").textContent()).toContain(`(${scope})`);
      const previewHead = await page.getByTestId("table-groupby-preview").locator("thead th").allTextContents();
      expect(previewHead.slice(0, 3)).toEqual(fields);
      // A group of unpriced calls only has no cost: "unpriced", never a zero.
      const previewRows = await page
        .getByTestId("table-groupby-preview")
        .locator("tbody tr")
        .evaluateAll((trs) => trs.map((tr) => [...(tr as HTMLTableRowElement).cells].map((td) => td.textContent)));
      const costAt = previewHead.indexOf("cost_usd");
      const unpricedRows = previewRows.filter((cells) => cells[1] === MODELS[3]);
      expect(unpricedRows.length).toBeGreaterThan(0);
      for (const cells of unpricedRows) expect(cells[costAt]).toBe("unpriced");
      for (const cells of previewRows.filter((c) => c[1] !== MODELS[3])) expect(cells[costAt]).toMatch(/^\d+\.\d{9}$/);

      // The CSV, from the link's blob URL: named after its columns and filter, the pipeline's extract of the same rows byte for byte.
      const file = await download(page);
      expect(file.href).toMatch(/^blob:/);
      expect(file.name).toBe(`cost-by-date-model-user_${JUNE.from}_${JUNE.to}_team-search_customer_id-${BIG}.csv`);
      expect(file.bytes.slice(0, 3)).toEqual([0xef, 0xbb, 0xbf]);
      const csv = Buffer.from(file.bytes.slice(3)).toString("utf8");
      const records = parse(csv, { columns: true }) as Record<string, string>[];
      expect(Object.keys(records[0]!).slice(0, 4)).toEqual([...fields, "requests"]);
      expect(csv).toBe(extractToCsv(computeExtract(kept, fields)));
      expect(records.reduce((s, r) => s + Number(r.requests), 0)).toBe(want.calls);
      expect(await page.getByTestId("groupby-rows").getAttribute("data-value")).toBe(String(records.length));
      // Rows follow the columns in order: by day, then model, then user.
      const keys = records.map((r) => fields.map((f) => r[f]!));
      expect(keys).toEqual(
        [...keys].sort((a, b) => (a.join("\u0000") < b.join("\u0000") ? -1 : a.join("\u0000") > b.join("\u0000") ? 1 : 0)),
      );
      expect(new Set(records.map((r) => r.date)).size).toBeGreaterThan(5);

      expect((await page.evaluate(overflowReport)).culprits).toEqual([]);
      await builder.scrollIntoViewIfNeeded();
      await shot(page, `finance-groupby-filtered-${width}`);
      await builder.screenshot({ path: path.join(SCREENSHOTS, `finance-groupby-builder-${width}.png`) });
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    });

    it(`@${width}px: a value the data does not hold is refused with a message, and nothing is computed`, async () => {
      // A link's metadata key the data does not have: named on arrival, refused until another key is chosen.
      const { page, errors } = await open(`/downloads/?${new URLSearchParams({ mk: "no-such-key", mv: BIG })}`, width);
      expect(await text(page, "groupby-status")).toBe(
        "The link's metadata key “no-such-key” is not in the data: choose a key, or clear the filter.",
      );
      expect(await computed(page)).toBe("refused");
      expect(await text(page, "groupby-status")).toContain("Not computed: no metadata key “no-such-key” in the data.");
      await page.getByTestId("groupby-filter-metadata-key").selectOption("");
      expect(await page.getByTestId("groupby-filter-metadata-key").getAttribute("aria-invalid")).toBeNull();
      await page.getByTestId("groupby-filter-team").fill("no-such-team");
      expect(await computed(page)).toBe("refused");
      expect(await text(page, "groupby-status")).toBe(
        "Not computed: no team “no-such-team” in the data. Pick a value from the suggestions, or clear the field.",
      );
      expect(await page.getByTestId("groupby-filter-team").getAttribute("aria-invalid")).toBe("true");
      expect(await page.locator("[data-groupby-result]").isHidden()).toBe(true);
      // Corrected, it computes: the team's calls over the whole period.
      await page.getByTestId("groupby-filter-team").fill("support");
      expect(await page.getByTestId("groupby-filter-team").getAttribute("aria-invalid")).toBeNull();
      expect(await computed(page)).toBe("done");
      expect(await page.getByTestId("groupby-total").getAttribute("data-value")).toBe(
        totalOf(subset((i) => dataset.team[i] === "support")).cost,
      );
      expect(await page.getByTestId("groupby-download").getAttribute("download")).toBe("cost-by-month-team_team-support.csv");
      // The unpriced model's calls have no cost: the total says "unpriced", the exact sum stays zero.
      await page.getByTestId("groupby-filter-model").fill(MODELS[3]!);
      expect(await computed(page)).toBe("done");
      expect(await page.getByTestId("groupby-total").textContent()).toBe("unpriced");
      expect(await page.getByTestId("groupby-total").getAttribute("data-value")).toBe("0.000000000");
      expect(await page.getByTestId("groupby-check").getAttribute("data-ok")).toBe("true");
      // With no filter, the check is the site total, as before.
      await page.getByTestId("groupby-filter-clear").click();
      expect(await page.getByTestId("groupby-filter-team").inputValue()).toBe("");
      expect(await computed(page)).toBe("done");
      expect(await page.getByTestId("groupby-total").getAttribute("data-value")).toBe(site.manifest.dataset.cost_usd);
      expect(await text(page, "groupby-check")).toContain("equals the site total");
      expect(await text(page, "groupby-status")).toContain("whole period, no filter");
      expect(await page.getByTestId("groupby-download").getAttribute("download")).toBe("cost-by-month-team.csv");
      await shot(page, `finance-groupby-refused-${width}`);
      expect(errors).toEqual([]);
      await page.close();
    });

    it(`@${width}px: the filter of a link (/downloads/?team=…) preselects the builder, and the banner says what is filtered`, async () => {
      const query = new URLSearchParams({ team: "platform", from: "2026-06-08", mk: "customer_id", mv: HOSTILE });
      const { page, errors, dialogs } = await open(`/downloads/?${query}`, width);
      expect(await page.getByTestId("groupby-filter-team").inputValue()).toBe("platform");
      expect(await page.getByTestId("groupby-filter-from").inputValue()).toBe("2026-06-08");
      expect(await page.getByTestId("groupby-filter-to").inputValue()).toBe("2026-07-05");
      expect(await page.getByTestId("groupby-filter-metadata-key").inputValue()).toBe("customer_id");
      expect(await page.getByTestId("groupby-filter-metadata-value").inputValue()).toBe(HOSTILE);
      const banner = await text(page, "filter-carried");
      expect(banner).toContain(`Filter from the link: 2026-06-08 to end; team = platform; metadata.customer_id = ${HOSTILE}.`);
      expect(banner).toContain("The nightly files listed on this page are not filtered: they cover the whole period");
      expect(banner).toContain("The extract builder below starts with this filter in its own fields");

      expect(await computed(page)).toBe("done");
      const want = totalOf(
        subset((i) => (dataset.date[i] as string) >= "2026-06-08" && dataset.team[i] === "platform" && customer(i) === HOSTILE),
      );
      expect(want.calls).toBeGreaterThan(0);
      expect(await page.getByTestId("groupby-total").getAttribute("data-value")).toBe(want.cost);
      expect(await page.getByTestId("groupby-check").getAttribute("data-ok")).toBe("true");
      // The hostile value is text in the status and a safe part of the file name, never markup.
      expect(await text(page, "groupby-status")).toContain(`metadata.customer_id = ${HOSTILE}`);
      const name = (await page.getByTestId("groupby-download").getAttribute("download"))!;
      expect(name).toMatch(/^cost-by-month-team_2026-06-08_2026-07-05_team-platform_customer_id-[A-Za-z0-9_-]+\.csv$/);
      expect(await page.locator('img[src="x"]').count()).toBe(0);
      expect((await page.evaluate(overflowReport)).culprits).toEqual([]);
      await shot(page, `finance-groupby-from-link-${width}`);
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  it("lists the nightly files without JavaScript, and the builder stays out of the way", async () => {
    const noJs = await launchChromium({ javaScriptEnabled: false });
    try {
      const page = await noJs.context.newPage();
      await page.setViewportSize({ width: 375, height: 900 });
      await page.goto(`${server.url}/downloads/?team=search`, { waitUntil: "load" });
      expect(await page.getByTestId("extract-link").count()).toBeGreaterThan(0);
      expect(await page.locator("[data-groupby] form").isHidden()).toBe(true);
      expect(await page.getByText("This builder needs JavaScript.").isVisible()).toBe(true);
      expect((await page.evaluate(overflowReport)).culprits).toEqual([]);
      await page.close();
    } finally {
      await noJs.close();
    }
  });
});
