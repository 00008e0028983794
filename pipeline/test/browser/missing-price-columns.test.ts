/**
 * The report site built from a TrueFoundry metrics export with only its documented
 * columns (no cache-token, region, batch or service-tier column) and some gateway cache
 * hits, priced with the repository's pricing: the overview's banner lists every missing
 * price column with the figures of manifest.json, the Issues page lists them per file with
 * the first request ids as text (one of them is markup), and the cache hits are noted.
 *
 * Without /usr/bin/chromium the suite is skipped with a printed reason, except with
 * CI=true, where a missing browser fails.
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildSite, type BuiltSite } from "./build-site.ts";
import { describeInChromium } from "./describe-in-chromium.ts";
import { launchChromium, type Browser } from "./launch-chromium.ts";
import { serveStatic, type StaticServer } from "./serve-static.ts";
import { closeSiteFixture } from "./site-fixture.ts";
import { openPage } from "./watch-page.ts";

const XSS = `<img src=x onerror="document.title='pwned'">`;
const HEADER =
  "CreatedAt,ModelName,InputTokens,OutputTokens,CostInUSD,Metadata,CreatedBySubjectSlug,CreatedBySubjectType,Teams,VirtualModelName,TraceId,SpanId,CacheHit";
// [model, trace id, cache hit, reported cost]
const CALLS: Array<[string, string, string, string]> = [
  ["anthropic-main/claude-haiku-4-5", XSS, "false", ""],
  ["anthropic-main/claude-haiku-4-5", "t2", "false", ""],
  ["anthropic-main/claude-haiku-4-5", "t3", "true", "0"],
  ["bedrock-prod/nova-lite", "t4", "false", ""],
  ["bedrock-prod/nova-lite", "t5", "true", "0"],
  ["openai-main/gpt-4o", "t6", "", ""],
];
const csv = `${HEADER}\n${CALLS.map(([model, trace, hit, cost], i) =>
  [
    `2026-06-1${i}T10:00:00Z`,
    model,
    1000,
    200,
    cost,
    '"{""env"":""prod""}"',
    "alice@example.com",
    "user",
    '"[""payments""]"',
    "",
    `"${trace.replaceAll('"', '""')}"`,
    "s1",
    hit,
  ].join(","),
).join("\n")}\n`;

interface Assumption {
  field: string;
  rows: number;
  rows_affected: number;
  cost_affected_usd: string;
}

describeInChromium("the report site for an export without price columns", { timeout: 120_000 }, () => {
  let work: string;
  let site: BuiltSite;
  let server: StaticServer;
  let browser: Browser;
  let assumptions: Assumption[];
  let gatewayCache: { requests: number; cost_usd: string };

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), "costs-missing-columns-site-"));
    await writeFile(path.join(work, "gateway_model_metrics.csv"), csv);
    site = await buildSite({ logs: [path.join(work, "gateway_model_metrics.csv")], work });
    const manifest = JSON.parse(await readFile(path.join(site.data, "manifest.json"), "utf8"));
    assumptions = manifest.price_assumptions;
    gatewayCache = manifest.run.by_price_source.gateway_cache;
    server = await serveStatic(site.dist);
    browser = await launchChromium();
  }, 600_000);

  afterAll(() => closeSiteFixture({ browser, server, work }), 60_000);

  it("shows a banner on the overview with each missing price column and the manifest's figures", async () => {
    // The five columns always reported; all 6 calls lack them; the cache hits touch nothing.
    expect(assumptions.map((a) => a.field)).toEqual(
      expect.arrayContaining(["cache_read_tokens", "cache_write_tokens", "region", "batch", "service_tier"]),
    );
    expect(assumptions.every((a) => a.rows === CALLS.length)).toBe(true);
    const cacheRead = assumptions.find((a) => a.field === "cache_read_tokens")!;
    expect(cacheRead.rows_affected).toBeGreaterThan(0);
    expect(cacheRead.rows_affected).toBeLessThanOrEqual(4); // the 2 cache hits are not priced from rates

    const { page, errors, dialogs } = await openPage(browser, `${server.url}/`);
    const banner = page.getByTestId("missing-price-columns");
    const items = await banner.locator("li").evaluateAll((lis) =>
      lis.map((li) => {
        const d = (li as HTMLElement).dataset;
        return { field: d.field, rows: Number(d.rows), rows_affected: Number(d.rowsAffected), cost_affected_usd: d.cost };
      }),
    );
    expect(items).toEqual(
      assumptions.map(({ field, rows, rows_affected, cost_affected_usd }) => ({ field, rows, rows_affected, cost_affected_usd })),
    );
    expect(await banner.locator("li").first().textContent()).toContain(
      `${cacheRead.rows_affected} of them (${cacheRead.cost_affected_usd} USD)`,
    );
    expect(await banner.locator('a[href$="methodology/#missing-price-columns"]').count()).toBe(1);
    const note = page.getByTestId("gateway-cache");
    expect([await note.getAttribute("data-requests"), await note.getAttribute("data-cost")]).toEqual([
      String(gatewayCache.requests),
      gatewayCache.cost_usd,
    ]);
    expect(gatewayCache.requests).toBe(2);
    expect([errors, dialogs]).toEqual([[], []]);
    await page.close();
  });

  it("lists the missing columns per file on the Issues page, request ids as text", async () => {
    const { page, errors, dialogs } = await openPage(browser, `${server.url}/issues/`);
    const table = page.getByTestId("table-missing-price-columns");
    const rows = await table
      .locator("tbody tr")
      .evaluateAll((trs) => trs.map((tr) => [...(tr as HTMLTableRowElement).cells].map((td) => td.textContent?.trim() ?? "")));
    expect(rows.map((r) => r[1])).toEqual(assumptions.map((a) => a.field));
    const cacheRow = rows.find((r) => r[1] === "cache_read_tokens")!;
    expect(cacheRow.join(" ")).toContain(`${XSS}:s1`);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.title()).not.toBe("pwned");
    expect([errors, dialogs]).toEqual([[], []]);
    await page.close();
  });
});
