/**
 * The report site built from calls whose metadata keys are hostile (issue 11): keys that
 * climb out of folders, that slugged alike before (`..` and `k-2e2e`), that differ only
 * by case, that hold `:` or markup, 300 characters long. With `site.metadata_keys` unset
 * they are the most used keys, so each gets a page. One site build (buildSite, policies
 * without a `site:` block), served on 127.0.0.1 and driven with Debian's chromium. Built
 * as a public nightly may build it, with user names pseudonymised (issue 17).
 *
 * Without /usr/bin/chromium the suite is skipped with a printed reason, except with
 * CI=true, where a missing browser fails.
 */
import { mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { toSlug } from "../../src/lib/to-slug.ts";
import { formatNano } from "../../src/pricing/money.ts";
import { SiteSummarySchema } from "../../src/schemas/site-data.schema.ts";
import { pseudonymOf } from "../../src/site-data/to-pseudonyms.ts";
import { listPartitions, readPartitions, type Dataset } from "../../src/dataset/read-partitions.ts";
import { computeExtract } from "../../src/extracts/compute-extract.ts";
import { buildSite, type BuiltSite } from "./build-site.ts";
import { describeInChromium } from "./describe-in-chromium.ts";
import { overflowReport } from "./in-page.ts";
import { launchChromium, type Browser } from "./launch-chromium.ts";
import { listPages } from "./list-pages.ts";
import { serveStatic, type StaticServer } from "./serve-static.ts";
import { closeSiteFixture } from "./site-fixture.ts";
import { openPage } from "./watch-page.ts";

const XSS = "<img src=x onerror=alert(1)>";
const LONG = "x".repeat(300);
/** Every call carries all eight keys, so all eight are "the most used" and get a page. */
const KEYS = ["..", "k-2e2e", "a:b", XSS, "Customer", "customer", "/../../../package", LONG];
const AB_VALUES = ["alpha", "beta", "gamma", XSS];
const USERS = ["user0@example.com", "user1@example.com", "user2@example.com"];
const SALT = "hostile-keys-test-salt";

/** 48 calls over 3 days on two models; each key has its own values. */
function hostileLog(): string {
  const lines: string[] = [];
  for (let i = 0; i < 48; i++) {
    lines.push(
      JSON.stringify({
        request_id: `hostile-${i}`,
        timestamp: `2026-07-0${1 + (i % 3)}T${String(10 + (i % 12)).padStart(2, "0")}:00:00Z`,
        model: i % 3 ? "openai-main/gpt-4.1" : "anthropic-main/claude-sonnet-4-5",
        subject_type: "user",
        subject: USERS[i % 3],
        input_tokens: 1000 + 137 * i,
        output_tokens: 50 + i,
        metadata: {
          "..": `d${i % 2}`,
          "k-2e2e": `k${i % 3}`,
          "a:b": AB_VALUES[i % 4],
          [XSS]: i % 2 ? XSS : "text",
          Customer: `C${i % 2}`,
          customer: `c${i % 3}`,
          "/../../../package": "p",
          [LONG]: `L${i % 2}`,
        },
      }),
    );
  }
  return `${lines.join("\n")}\n`;
}

describeInChromium("the report site with hostile metadata keys", { timeout: 120_000 }, () => {
  let work: string;
  let site: BuiltSite;
  let server: StaticServer;
  let browser: Browser;
  let pages: string[];
  let dataset: Dataset;
  /** summary.json's metadata_keys: the order of the subnav and of /metadata/. */
  let order: string[];

  const open = (pathname: string, width = 1440) => openPage(browser, `${server.url}${pathname}`, width);

  /** [first cell, cost] of each row of the page's breakdown table, as data-value. */
  const readTable = (page: Page) =>
    page.getByTestId("table-breakdown").evaluate((t: HTMLTableElement) => {
      const column = [...t.tHead!.rows[0]!.cells].findIndex((th) => th.dataset.key === "cost_usd");
      return [...t.tBodies[0]!.rows].map(
        (tr) => [tr.cells[0]!.dataset.value ?? "", tr.cells[column]!.dataset.value ?? ""] as [string, string],
      );
    });

  /** Cost per value of `dimension` in the calls where `where` holds, from the priced rows (the pipeline's extract code). */
  const expected = (dimension: string, where?: [string, string]) => {
    const groupBy = where ? [where[0], dimension] : [dimension];
    const rows = computeExtract(dataset, groupBy).rows.filter((r) => !where || r[0] === where[1]);
    const at = groupBy.length - 1;
    return {
      table: Object.fromEntries(rows.map((r) => [r[at] as string, formatNano(r[at + 6] as bigint)])),
      cost: formatNano(rows.reduce((s, r) => s + (r[at + 6] as bigint), 0n)),
      requests: rows.reduce((s, r) => s + (r[at + 1] as number), 0),
    };
  };

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), "costs-hostile-site-"));
    await writeFile(path.join(work, "hostile.jsonl"), hostileLog());
    // Policies with no `site.metadata_keys`: the most used keys get pages.
    const policies = path.join(work, "policies");
    await mkdir(policies);
    await writeFile(path.join(policies, "extracts.yaml"), "extracts:\n  - name: cost-by-team\n    group_by: [month, team]\n");
    site = await buildSite({ logs: [path.join(work, "hostile.jsonl")], work, policiesDir: policies, userSalt: SALT });
    pages = await listPages(site.dist);
    order = SiteSummarySchema.parse(JSON.parse(await readFile(path.join(site.siteData, "summary.json"), "utf8"))).metadata_keys;
    dataset = await readPartitions(site.data, await listPartitions(site.data));
    server = await serveStatic(site.dist);
    browser = await launchChromium();
  }, 600_000);

  afterAll(() => closeSiteFixture({ browser, server, work }), 60_000);

  it("builds one page per key, `..` and `k-2e2e` and keys that differ only by case included", () => {
    expect([...order].sort()).toEqual([...KEYS].sort());
    const metadataPages = pages.filter((p) => p.startsWith("/metadata/") && p !== "/metadata/");
    expect(metadataPages.sort()).toEqual(KEYS.map((k) => `/metadata/${toSlug(k)}/`).sort());
    expect(new Set(metadataPages.map((p) => p.toLowerCase())).size).toBe(KEYS.length);
  });

  it("shows each key as text on its own page, with its own values, its subnav linking every page, no markup run and no error at 375 px", async () => {
    for (const key of KEYS) {
      const where = `/metadata/${toSlug(key)}/`;
      const { page, errors, dialogs, status } = await open(where, 375);
      expect(status, where).toBe(200);
      expect(await page.locator("h1").textContent(), where).toBe(`Cost by metadata: ${key}`);
      expect(await page.locator(".lead code").first().textContent(), where).toBe(key);
      expect(Object.fromEntries(await readTable(page)), where).toEqual(expected(`metadata.${key}`).table);
      const subnav = await page
        .locator('nav[aria-label="Metadata keys"] a')
        .evaluateAll((links) =>
          links.map((a) => [a.textContent, new URL((a as HTMLAnchorElement).href).pathname, a.getAttribute("aria-current")]),
        );
      expect(subnav, where).toEqual(order.map((k) => [k, `/metadata/${toSlug(k)}/`, k === key ? "page" : null]));
      expect(await page.locator('img[src="x"]').count(), where).toBe(0);
      const overflow = await page.evaluate(overflowReport);
      expect(overflow.culprits, where).toEqual([]);
      expect(dialogs, where).toEqual([]);
      expect(errors, where).toEqual([]);
      await page.close();
    }
  });

  it("lists every key on /metadata/ as text, each linking its own page", async () => {
    const { page, errors, dialogs } = await open("/metadata/");
    const rows = await page
      .getByTestId("table-metadata-keys")
      .locator("tbody th a")
      .evaluateAll((links) => links.map((a) => [a.textContent, new URL((a as HTMLAnchorElement).href).pathname]));
    expect(rows).toEqual(order.map((k) => [k, `/metadata/${toSlug(k)}/`]));
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("filters the page of `a:b` by its own key: the table, the KPIs and the chart change to the figures of that value", async () => {
    const { page, errors } = await open(`/metadata/${toSlug("a:b")}/`);
    const all = expected("metadata.a:b");
    expect(Object.fromEntries(await readTable(page))).toEqual(all.table);

    await page.getByTestId("filter-metadata-key").selectOption(toSlug("a:b"));
    const values = page.getByTestId("filter-metadata-value");
    await expect.poll(() => values.isEnabled(), { timeout: 30_000 }).toBe(true);
    // The suggestions are every value of the key, from the cube, as text.
    await values.focus();
    const suggestions = page.getByTestId("filter-metadata-value-list").locator("option");
    await expect.poll(() => suggestions.count(), { timeout: 30_000 }).toBe(AB_VALUES.length);
    expect(await suggestions.evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(expect.arrayContaining(AB_VALUES));
    await values.fill("beta");
    await values.press("Enter");
    await expect.poll(() => page.getByTestId("filters").getAttribute("data-active"), { timeout: 30_000 }).toBe("true");
    await expect.poll(() => page.getByTestId("chart-top").getAttribute("data-rendered")).toBe("true");

    const beta = expected("metadata.a:b", ["metadata.a:b", "beta"]);
    expect(Object.fromEntries(await readTable(page))).toEqual(beta.table);
    expect(Object.keys(beta.table)).toEqual(["beta"]);
    expect(await page.getByTestId("total-cost").getAttribute("data-value")).toBe(beta.cost);
    expect(await page.getByTestId("requests").getAttribute("data-value")).toBe(String(beta.requests));
    expect(beta.cost).not.toBe(all.cost);
    expect(new URL(page.url()).searchParams.get("mk")).toBe(toSlug("a:b"));
    expect(errors).toEqual([]);
    await page.close();
  });

  it(`filters /models/ from the URL by \`a:b\` = ${XSS}: the table and the KPIs are those calls', the value is text`, async () => {
    const { page, errors, dialogs } = await open(`/models/?${new URLSearchParams({ mk: toSlug("a:b"), mv: XSS })}`);
    await expect.poll(() => page.getByTestId("filters").getAttribute("data-active"), { timeout: 30_000 }).toBe("true");
    const want = expected("model", ["metadata.a:b", XSS]);
    expect(Object.keys(want.table).length).toBeGreaterThan(1);
    expect(Object.fromEntries(await readTable(page))).toEqual(want.table);
    expect(await page.getByTestId("total-cost").getAttribute("data-value")).toBe(want.cost);
    expect(await page.getByTestId("requests").getAttribute("data-value")).toBe(String(want.requests));
    expect(await page.getByTestId("filter-status").textContent()).toContain(`metadata.a:b = ${XSS}`);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it(`keeps hostile keys and values text in the groupBy builder: its filter from the link, the fields, the column order and its buttons, the file name`, async () => {
    const { page, errors, dialogs } = await open(`/downloads/?${new URLSearchParams({ mk: toSlug("a:b"), mv: XSS })}`, 375);
    expect(await page.getByTestId("groupby-filter-metadata-value").inputValue()).toBe(XSS);
    for (const field of ["month", "team"]) await page.getByTestId(`groupby-field-${field}`).uncheck();
    for (const field of [`metadata.${XSS}`, "model", `metadata.${LONG}`]) await page.getByTestId(`groupby-field-${field}`).check();
    const order = page.getByTestId("groupby-order").locator("li .field-name");
    expect(await order.allTextContents()).toEqual([`metadata: ${XSS}`, "model", `metadata: ${LONG}`]);
    await page.getByRole("button", { name: `Move metadata: ${XSS} down` }).click();
    expect(await order.allTextContents()).toEqual(["model", `metadata: ${XSS}`, `metadata: ${LONG}`]);
    await page.getByTestId("groupby-run").click();
    await expect.poll(() => page.getByTestId("groupby").getAttribute("data-state"), { timeout: 30_000 }).toBe("done");
    expect(await page.getByTestId("groupby-total").getAttribute("data-value")).toBe(expected("model", ["metadata.a:b", XSS]).cost);
    const name = (await page.getByTestId("groupby-download").getAttribute("download"))!;
    expect(name).toMatch(/^[A-Za-z0-9_-]+\.csv$/);
    expect(name.startsWith("cost-by-model-metadata_img_src_x_onerror_alert_1_-metadata_xxx")).toBe(true);
    expect(name.endsWith("_a_b-_img_src_x_onerror_alert_1_.csv")).toBe(true);
    expect(await page.getByTestId("groupby-status").textContent()).toContain(`metadata.a:b = ${XSS}`);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect((await page.evaluate(overflowReport)).culprits).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows pseudonyms instead of user names and says so; filtering by a pseudonym gives that user's figures; no file of the build holds an email", async () => {
    const pseudonym = (user: string) => pseudonymOf(user, SALT);
    const { page, errors } = await open("/users/");
    const byUser = expected("user");
    expect(Object.fromEntries(await readTable(page))).toEqual(
      Object.fromEntries(Object.entries(byUser.table).map(([user, cost]) => [pseudonym(user), cost])),
    );
    expect(Object.keys(byUser.table).sort()).toEqual(USERS);
    const note = page.getByTestId("pseudonym-note");
    expect(await note.isVisible()).toBe(true);
    expect((await note.textContent())!.replace(/\s+/g, " ")).toContain("User names on this site are pseudonyms");
    expect((await note.textContent())!.replace(/\s+/g, " ")).toContain(
      "Finance finds the real names in the nightly extracts (the extracts-<date> artifact",
    );

    const options = await page
      .getByTestId("filter-user-list")
      .locator("option")
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(options.sort()).toEqual(USERS.map(pseudonym).sort());
    await page.getByTestId("filter-user").fill(pseudonym(USERS[1]!));
    await page.getByTestId("filter-user").press("Enter");
    await expect.poll(() => page.getByTestId("filters").getAttribute("data-active"), { timeout: 30_000 }).toBe("true");
    const one = expected("user", ["user", USERS[1]!]);
    expect(Object.fromEntries(await readTable(page))).toEqual({ [pseudonym(USERS[1]!)]: one.table[USERS[1]!] });
    expect(await page.getByTestId("total-cost").getAttribute("data-value")).toBe(one.cost);
    expect(errors).toEqual([]);
    await page.close();

    const methodology = await open("/methodology/");
    expect(await methodology.page.getByTestId("pseudonym-note").isVisible()).toBe(true);
    expect(await methodology.page.getByTestId("real-names").count()).toBe(0);
    await methodology.page.close();

    const files = (await readdir(site.dist, { recursive: true })).filter((f) => /\.(html|js|css|json|csv|parquet|txt|xml)$/.test(f));
    expect(files).toEqual(expect.arrayContaining(["users/index.html", "data/cube.parquet"]));
    for (const file of files) expect((await readFile(path.join(site.dist, file))).includes("@example.com"), file).toBe(false);
  });
});
