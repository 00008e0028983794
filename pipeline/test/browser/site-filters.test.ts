/**
 * The site's filters at the scale of a real organisation (issue 14, points 1 and 3):
 * a generated log of 24,000 calls by 3,000 users with 20,000 `customer_id` values over
 * 50 days, a few of them on a model no catalog prices. One site build (with the cube's
 * shards and projection: `--cube-parts 5000`), served on 127.0.0.1 and driven with Debian's
 * chromium at 375 and 1440 px. Expected figures are
 * computed from the run's priced rows read back with the pipeline's own reader.
 *
 * Without /usr/bin/chromium the suite is skipped with a printed reason, except with
 * CI=true, where a missing browser fails.
 */
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { shardOf } from "../../src/cube/shard-of.ts";
import { toSlug } from "../../src/lib/to-slug.ts";
import type { SiteDownloads } from "../../src/schemas/site-data.schema.ts";
import { formatNano } from "../../src/pricing/money.ts";
import { listPartitions, readPartitions, type Dataset } from "../../src/dataset/read-partitions.ts";
import { buildSite, ROOT, type BuiltSite } from "./build-site.ts";
import { describeInChromium } from "./describe-in-chromium.ts";
import { overflowReport } from "./in-page.ts";
import { launchChromium, type Browser } from "./launch-chromium.ts";
import { serveStatic, type StaticServer } from "./serve-static.ts";
import { closeSiteFixture } from "./site-fixture.ts";
import { openPage } from "./watch-page.ts";

const SCREENSHOTS = path.join(ROOT, "test-artifacts/screenshots");
const WIDTHS = [375, 1440] as const;
const CALLS = 24_000;
const USERS = 3_000;
const CUSTOMERS = 20_000;
const TEAMS = ["search", "support", "data-science", "platform"];
const FIRST = "2026-06-01";
const LAST = "2026-07-20";
const DAYS = 50;
const UNPRICED_MODEL = "mystery-provider/unknown-model";

const userOf = (i: number) => `user${String(i % USERS).padStart(4, "0")}@example.com`;
const customerOf = (i: number) => `cus_${String(i % CUSTOMERS).padStart(5, "0")}`;

/** The calls: user i % 3,000, customer i % 20,000, one day in 50; user u's calls grow with u, so user0000 is the cheapest. */
function generatedLog(): string {
  const lines: string[] = [];
  const start = Date.parse(`${FIRST}T00:00:00Z`);
  for (let i = 0; i < CALLS; i++) {
    const day = new Date(start + (i % DAYS) * 86_400_000 + (i % 1440) * 60_000).toISOString();
    lines.push(
      JSON.stringify({
        request_id: `filters-${i}`,
        timestamp: day,
        model: i % 997 === 5 ? UNPRICED_MODEL : i % 3 ? "openai-main/gpt-4.1" : "anthropic-main/claude-sonnet-4-5",
        subject_type: "user",
        subject: userOf(i),
        teams: [TEAMS[i % TEAMS.length]],
        input_tokens: 200 + (i % USERS) * 3,
        output_tokens: 20 + (i % 17),
        status_code: 200,
        metadata: { application: `app-${i % 7}`, environment: "production", customer_id: customerOf(i) },
      }),
    );
  }
  return `${lines.join("\n")}\n`;
}

describeInChromium("the report site's filters at scale", { timeout: 180_000 }, () => {
  let work: string;
  let site: BuiltSite;
  let server: StaticServer;
  let browser: Browser;
  let dataset: Dataset;
  let shards: SiteDownloads["cube"]["shards"];
  /** The site path of the shard that holds `value` of `dimension`. */
  const shardPath = (dimension: string, value: string) => {
    const shard = shards.find((s) => s.dimension === dimension)!;
    return `/${shard.href}${shardOf(value, shard.count)}.parquet`;
  };
  /** The cube files the page has fetched since it was opened (site paths, from its resource timing). */
  const cubeFetches = (page: Page) =>
    page.evaluate(() =>
      performance
        .getEntriesByType("resource")
        .map((e) => new URL(e.name).pathname)
        .filter((p) => p.startsWith("/data/cube")),
    );

  const open = (pathname: string, width: number) => openPage(browser, `${server.url}${pathname}`, width);
  const active = (page: Page) => page.getByTestId("filters").getAttribute("data-active");
  const waitActive = (page: Page, value = "true") => expect.poll(() => active(page), { timeout: 60_000 }).toBe(value);

  /** Exact cost, requests, unpriced requests and distinct users of the priced rows that pass `where`. */
  const expected = (where: (i: number) => boolean) => {
    let cost = 0n;
    let requests = 0;
    let unpriced = 0;
    const users = new Set<unknown>();
    for (let i = 0; i < dataset.length; i++) {
      if (!where(i)) continue;
      requests++;
      users.add(dataset.user[i]);
      const c = dataset.cost_usd[i] as bigint | null;
      if (c === null) unpriced++;
      else cost += c;
    }
    return { cost: formatNano(cost), requests, unpriced, users: users.size };
  };
  const column = (name: "date" | "user" | "team") => (i: number) => dataset[name][i] as string;
  const metadataOf = (i: number) => {
    const m = dataset.metadata[i];
    return (typeof m === "string" ? JSON.parse(m) : m) as Record<string, string>;
  };
  /** [first cell, cost] of each row of the page's breakdown table, as data-value. */
  const readTable = (page: Page) =>
    page.getByTestId("table-breakdown").evaluate((t: HTMLTableElement) => {
      const at = [...t.tHead!.rows[0]!.cells].findIndex((th) => th.dataset.key === "cost_usd");
      return [...t.tBodies[0]!.rows].map((tr) => [tr.cells[0]!.dataset.value ?? "", tr.cells[at]!.dataset.value ?? ""]);
    });
  const optionValues = (page: Page, testid: string) =>
    page
      .getByTestId(testid)
      .locator("option")
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  const text = async (page: Page, testid: string) => ((await page.getByTestId(testid).textContent()) ?? "").replace(/\s+/g, " ").trim();

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), "costs-site-filters-"));
    await writeFile(path.join(work, "calls.jsonl"), generatedLog());
    site = await buildSite({ logs: [path.join(work, "calls.jsonl")], work, cubeParts: 5_000 });
    dataset = await readPartitions(site.data, await listPartitions(site.data));
    shards = (JSON.parse(await readFile(path.join(site.siteData, "downloads.json"), "utf8")) as SiteDownloads).cube.shards;
    server = await serveStatic(site.dist);
    browser = await launchChromium();
    await mkdir(SCREENSHOTS, { recursive: true });
  }, 900_000);

  afterAll(() => closeSiteFixture({ browser, server, work }), 60_000);

  it("reads back every generated call, on the days and with the users and customer ids written", () => {
    expect(shards.map((s) => s.dimension)).toEqual(["user", "metadata.customer_id"]);
    expect(dataset.length).toBe(CALLS);
    expect(new Set(dataset.user).size).toBe(USERS);
    expect(new Set(dataset.date).size).toBe(DAYS);
    expect(expected(() => true).unpriced).toBeGreaterThan(0);
  });

  for (const width of WIDTHS) {
    it(`@${width}px: the user filter finds a user the page does not list by typing, and filters to that user's exact figures`, async () => {
      const { page, errors } = await open("/users/", width);
      const user = userOf(0); // the cheapest user: never among the page's first suggestions
      const shipped = await optionValues(page, "filter-user-list");
      expect(shipped.length).toBeGreaterThan(0);
      expect(shipped.length).toBeLessThan(100);
      expect(shipped).not.toContain(user);
      const input = page.getByTestId("filter-user");
      await input.click();
      await page.keyboard.type("user0000@");
      await expect.poll(() => optionValues(page, "filter-user-list"), { timeout: 60_000 }).toEqual([user]);
      await page.keyboard.type("example.com");
      await page.keyboard.press("Enter");
      await waitActive(page);
      const want = expected((i) => column("user")(i) === user);
      expect(await readTable(page)).toEqual([[user, want.cost]]);
      expect(await page.getByTestId("total-cost").getAttribute("data-value")).toBe(want.cost);
      expect(await page.getByTestId("requests").getAttribute("data-value")).toBe(String(want.requests));
      expect(new URL(page.url()).searchParams.get("user")).toBe(user);
      // Suggestions came from the users' table, the figures from the user's shard: the whole cube was never fetched.
      expect(await cubeFetches(page)).toEqual([shardPath("user", user)]);
      expect((await page.evaluate(overflowReport)).culprits).toEqual([]);
      await page.screenshot({ path: path.join(SCREENSHOTS, `filters-user-${width}.png`), fullPage: false });
      expect(errors).toEqual([]);
      await page.close();
    });

    it(`@${width}px: the metadata value filter searches all 20,000 customer ids, not the first thousand`, async () => {
      const { page, errors } = await open(`/metadata/${toSlug("customer_id")}/`, width);
      await page.getByTestId("filter-metadata-key").selectOption(toSlug("customer_id"));
      const input = page.getByTestId("filter-metadata-value");
      await expect.poll(() => input.isEnabled()).toBe(true);
      await input.click();
      await page.keyboard.type("cus_1999");
      await expect
        .poll(() => optionValues(page, "filter-metadata-value-list"), { timeout: 60_000 })
        .toEqual(expect.arrayContaining(["cus_19990", "cus_19999"]));
      await page.keyboard.type("9");
      await page.keyboard.press("Enter");
      await waitActive(page);
      const want = expected((i) => metadataOf(i).customer_id === "cus_19999");
      expect(await readTable(page)).toEqual([["cus_19999", want.cost]]);
      expect(await page.getByTestId("requests").getAttribute("data-value")).toBe(String(want.requests));
      expect(await page.getByTestId("values").getAttribute("data-value")).toBe("1");
      expect(await text(page, "values-detail")).toBe("in the filtered view");
      expect(await cubeFetches(page)).toEqual([shardPath("metadata.customer_id", "cus_19999")]);
      expect(errors).toEqual([]);
      await page.close();
    });

    it(`@${width}px: a shared link keeps any valid value, and names a value the data does not hold instead of dropping it`, async () => {
      const user = userOf(7);
      const good = await open(`/users/?${new URLSearchParams({ user })}`, width);
      await waitActive(good.page);
      const want = expected((i) => column("user")(i) === user);
      expect(await readTable(good.page)).toEqual([[user, want.cost]]);
      expect(await good.page.getByTestId("filter-user").inputValue()).toBe(user);
      expect(new URL(good.page.url()).searchParams.get("user")).toBe(user);
      expect(good.errors).toEqual([]);
      await good.page.close();

      const stranger = "<b>nobody</b>@example.com";
      const bad = await open(`/users/?${new URLSearchParams({ user: stranger, team: "support" })}`, width);
      await waitActive(bad.page);
      const status = await text(bad.page, "filter-status");
      expect(status).toContain(`no user “${stranger}” in the data (not applied)`);
      expect(status).toContain("Filtered: team = support.");
      expect(await bad.page.getByTestId("filter-user").getAttribute("aria-invalid")).toBe("true");
      expect(new URL(bad.page.url()).searchParams.get("user")).toBe(stranger);
      expect(await bad.page.locator("b").count()).toBe(0);
      const support = expected((i) => column("team")(i) === "support");
      expect(await bad.page.getByTestId("total-cost").getAttribute("data-value")).toBe(support.cost);
      expect(bad.errors).toEqual([]);
      await bad.page.close();

      const only = await open(`/users/?${new URLSearchParams({ user: "ghost@example.com" })}`, width);
      await waitActive(only.page, "false");
      expect(await text(only.page, "filter-status")).toBe("no user “ghost@example.com” in the data (not applied). Showing all data.");
      expect(new URL(only.page.url()).searchParams.get("user")).toBe("ghost@example.com");
      await only.page.close();
    });

    it(`@${width}px: a team and date filter changes the header period, the lead, the unpriced banner and the distinct count, and marks what it cannot change`, async () => {
      const from = "2026-07-01";
      const to = "2026-07-20";
      const team = "data-science";
      const where = (i: number) => column("team")(i) === team && column("date")(i) >= from && column("date")(i) <= to;
      const want = expected(where);
      expect(want.unpriced).toBeGreaterThan(0);
      expect(want.unpriced).toBeLessThan(expected(() => true).unpriced);

      const { page, errors } = await open(`/?${new URLSearchParams({ from, to, team })}`, width);
      await waitActive(page);
      // The team is checked in the cube's projection; the figures need the whole cube (the overview's users table).
      expect((await cubeFetches(page)).sort()).toEqual(["/data/cube-projection.parquet", "/data/cube.parquet"]);
      expect(await text(page, "period")).toBe(`${from} – ${to} (filtered)`);
      const lead = ((await page.locator(".lead").first().textContent()) ?? "").replace(/\s+/g, " ");
      expect(lead).toContain(`calls for team = ${team} from ${from} to ${to} (20 days)`);
      expect(await text(page, "unpriced-callout")).toContain(`${want.unpriced} requests of the filtered calls could not be priced`);
      expect(await page.getByTestId("total-cost").getAttribute("data-value")).toBe(want.cost);
      expect(await page.getByTestId("unpriced-requests").getAttribute("data-value")).toBe(String(want.unpriced));
      expect(await page.getByTestId("unfiltered-mark").first().textContent()).toContain("(whole period, not filtered)");
      await page.screenshot({ path: path.join(SCREENSHOTS, `filters-overview-${width}.png`), fullPage: false });

      // Reset puts the build's own figures back.
      await page.getByTestId("filter-reset").click();
      await waitActive(page, "false");
      expect(await text(page, "period")).toBe(`${FIRST} – ${LAST}`);
      expect(await page.getByTestId("unfiltered-mark").count()).toBe(0);
      expect(await text(page, "unpriced-callout")).toContain(`${expected(() => true).unpriced} requests could not be priced`);
      expect(errors).toEqual([]);
      await page.close();

      const users = await open(`/users/?${new URLSearchParams({ from, to, team })}`, width);
      await waitActive(users.page);
      expect(await users.page.getByTestId("values").getAttribute("data-value")).toBe(String(want.users));
      expect(want.users).toBeLessThan(USERS);
      await users.page.close();

      // The teams page asks nothing of users or customer ids: the projection answers it alone, with the same figures.
      const teams = await open(`/teams/?${new URLSearchParams({ from, to, team })}`, width);
      await waitActive(teams.page);
      expect(await readTable(teams.page)).toEqual([[team, want.cost]]);
      expect(await teams.page.getByTestId("requests").getAttribute("data-value")).toBe(String(want.requests));
      expect(await cubeFetches(teams.page)).toEqual(["/data/cube-projection.parquet"]);
      expect(teams.errors).toEqual([]);
      await teams.page.close();
    });

    it(`@${width}px: date presets count back from the data's last day`, async () => {
      const { page, errors } = await open("/teams/", width);
      expect(await text(page, "filter-presets")).toContain(`Dates ending on the data's last day, ${LAST}:`);
      const cases = [
        ["preset-7d", "2026-07-14", LAST],
        ["preset-30d", "2026-06-21", LAST],
        ["preset-mtd", "2026-07-01", LAST],
        ["preset-last-month", FIRST, "2026-06-30"],
      ] as const;
      for (const [preset, from, to] of cases) {
        await page.getByTestId(preset).click();
        await expect.poll(() => new URL(page.url()).searchParams.get("to") ?? LAST, { timeout: 30_000 }).toBe(to);
        await waitActive(page);
        await expect.poll(() => text(page, "period"), { timeout: 30_000 }).toBe(`${from} – ${to}`);
        const want = expected((i) => column("date")(i) >= from && column("date")(i) <= to);
        expect(await page.getByTestId("total-cost").getAttribute("data-value"), preset).toBe(want.cost);
        expect(await page.getByTestId("filter-from").inputValue()).toBe(from);
        expect(await page.getByTestId(preset).getAttribute("aria-pressed")).toBe("true");
      }
      await page.getByTestId("preset-all").click();
      await waitActive(page, "false");
      expect(new URL(page.url()).search).toBe("");
      expect((await page.evaluate(overflowReport)).culprits).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    });

    it(`@${width}px: the filter follows every link, and pages without the form say it does not apply and offer to clear it`, async () => {
      const query = new URLSearchParams({ team: "search", from: "2026-07-01" });
      const { page, errors } = await open(`/teams/?${query}`, width);
      await waitActive(page);
      const nav = await page
        .locator('nav[aria-label="Sections"] a')
        .evaluateAll((links) => links.map((a) => new URL((a as HTMLAnchorElement).href).search));
      expect(nav.length).toBe(11);
      for (const search of nav) expect(new URLSearchParams(search).get("team")).toBe("search");
      await page.close();

      for (const where of ["/metadata/", "/budgets/", "/issues/", "/reconciliation/", "/downloads/", "/prices/"]) {
        const other = await open(`${where}?${query}`, width);
        const banner = other.page.getByTestId("filter-carried");
        expect(await banner.isVisible(), where).toBe(true);
        const said = await text(other.page, "filter-carried");
        expect(said, where).toContain("Filter from the link: 2026-07-01 to end; team = search.");
        expect(said, where).toContain("whole period, not filtered");
        const overview = await other.page.locator('nav[aria-label="Sections"] a[data-nav="overview"]').getAttribute("href");
        expect(new URL(overview!, server.url).searchParams.get("team"), where).toBe("search");
        expect((await other.page.evaluate(overflowReport)).culprits, where).toEqual([]);
        if (where === "/issues/") {
          await other.page.getByTestId("filter-clear").click();
          await other.page.waitForURL((url) => url.search === "");
          expect(await other.page.getByTestId("filter-carried").isVisible()).toBe(false);
        }
        expect(other.errors, where).toEqual([]);
        await other.page.close();
      }
      const plain = await open("/issues/", width);
      expect(await plain.page.getByTestId("filter-carried").isVisible()).toBe(false);
      await plain.page.close();
      expect(errors).toEqual([]);
    });
  }
});
