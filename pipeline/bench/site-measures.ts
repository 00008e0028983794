/**
 * What `npm run bench:site` measures in Debian's chromium, each on a fresh page with the
 * browser cache off (a first visit): the bytes a page transfers on first load, the time
 * from the first filter action to the filtered figures, and the time from a groupBy click
 * to its total. Timings also collect the page's own `performance.measure` entries
 * (`cube:*`, `filter:*`, `groupby:*`) to show where the time goes.
 */
import type { BrowserContext, Page } from "playwright-core";
import { clearGroupByTotal, groupByTotal } from "../test/browser/in-page.ts";

export interface PageWeight {
  path: string;
  /** Encoded (on the wire, gzip as served) bytes of every response of the first load. */
  bytes: number;
  responses: number;
  /** The largest responses: URL path → encoded bytes. */
  largest: Array<[string, number]>;
}

interface Response {
  url: string;
  bytes: number;
}

/** A fresh page with the HTTP cache off, so every load is a first visit; `responses` fills as they finish. */
async function coldPage(context: BrowserContext): Promise<{ page: Page; responses: Map<string, Response> }> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  const urls = new Map<string, string>();
  const responses = new Map<string, Response>();
  cdp.on("Network.requestWillBeSent", (event) => urls.set(event.requestId, event.request.url));
  cdp.on("Network.loadingFinished", (event) =>
    responses.set(event.requestId, { url: urls.get(event.requestId) ?? "?", bytes: event.encodedDataLength }),
  );
  return { page, responses };
}

const fetchedSince = (responses: Map<string, Response>, before: Set<string>) =>
  [...responses].reduce((sum, [id, r]) => (before.has(id) ? sum : sum + r.bytes), 0);

/** Loads `pathname` as a first visit and waits for the network to settle: what was transferred. */
export async function pageWeight(context: BrowserContext, base: string, pathname: string): Promise<PageWeight> {
  const { page, responses } = await coldPage(context);
  try {
    await page.goto(`${base}${pathname}`, { waitUntil: "load" });
    await page.waitForLoadState("networkidle");
    const list = [...responses.values()];
    return {
      path: pathname,
      bytes: list.reduce((s, r) => s + r.bytes, 0),
      responses: list.length,
      largest: list
        .sort((a, b) => b.bytes - a.bytes)
        .slice(0, 3)
        .map((r): [string, number] => [new URL(r.url).pathname, r.bytes]),
    };
  } finally {
    await page.close();
  }
}

export interface Timed {
  ms: number;
  /** The page's own measures (name → ms), e.g. cube:fetch, cube:decode, filter:apply. */
  phases: Record<string, number>;
  /** What the page shows at the end (the filter status, the groupBy total). */
  answer: string;
  /** Bytes transferred for the action (the cube files it fetched). */
  fetched: number;
}

const phasesOf = (page: Page) =>
  page.evaluate(() =>
    Object.fromEntries(performance.getEntriesByType("measure").map((m): [string, number] => [m.name, Math.round(m.duration)])),
  );

/**
 * The first filter on a page that has not loaded the cube: chooses the metadata key
 * `metadataKey` when given (not yet a filter), types `value` into the filter `testid`
 * and presses Enter; timed from the typing to `data-active="true"` on the form (the
 * figures, tables and charts redone).
 */
export async function firstFilter(
  context: BrowserContext,
  base: string,
  options: { pathname: string; testid: string; value: string; metadataKey?: string },
): Promise<Timed> {
  const { page, responses } = await coldPage(context);
  try {
    await page.goto(`${base}${options.pathname}`, { waitUntil: "load" });
    await page.waitForLoadState("networkidle");
    if (options.metadataKey !== undefined) {
      const key = page.getByTestId("filter-metadata-key");
      const slug = await key
        .locator("option")
        .evaluateAll(
          (os, wanted) => (os as HTMLOptionElement[]).find((o) => o.textContent?.trim() === wanted || o.value === wanted)?.value,
          options.metadataKey,
        );
      if (slug === undefined) throw new Error(`${options.pathname}: no metadata key ${options.metadataKey} in the filter`);
      if ((await key.inputValue()) !== slug) await key.selectOption(slug);
      await page.waitForFunction(() => document.querySelector<HTMLElement>("[data-filters]")?.dataset.active !== "pending");
    }
    await page.evaluate(() => performance.clearMeasures());
    const before = new Set(responses.keys());
    const input = page.getByTestId(options.testid);
    const start = performance.now();
    await input.fill(options.value);
    await input.press("Enter");
    await page.waitForFunction(() => document.querySelector<HTMLElement>("[data-filters]")?.dataset.active === "true", undefined, {
      timeout: 180_000,
      polling: 10,
    });
    const ms = performance.now() - start;
    const answer = ((await page.getByTestId("filter-status").textContent()) ?? "").trim();
    return { ms, phases: await phasesOf(page), answer, fetched: fetchedSince(responses, before) };
  } finally {
    await page.close();
  }
}

/**
 * groupBy on /downloads/ by `fields` on a fresh page: click → `groupby-total` filled, the
 * first time (the cube not loaded yet), then `repeat - 1` more times on the same page.
 * With `headStart` the fields are ticked as a user ticks them (the builder starts fetching
 * the cube file at the first change); without, they are set with no event, so the click
 * starts from nothing fetched: the worst case.
 */
export async function groupBy(
  context: BrowserContext,
  base: string,
  fields: readonly string[],
  repeat: number,
  headStart: boolean,
): Promise<{ runs: Timed[]; rows: string }> {
  const { page, responses } = await coldPage(context);
  try {
    await page.goto(`${base}/downloads/`, { waitUntil: "load" });
    await page.waitForLoadState("networkidle");
    if (headStart) {
      for (const box of await page.locator('[data-testid^="groupby-field-"]').all()) await box.uncheck();
      for (const field of fields) await page.getByTestId(`groupby-field-${field}`).check();
    } else
      await page.evaluate((wanted) => {
        for (const box of document.querySelectorAll<HTMLInputElement>('[data-testid^="groupby-field-"]'))
          box.checked = wanted.includes(box.value);
      }, fields);
    const runs: Timed[] = [];
    for (let i = 0; i < repeat; i++) {
      await page.evaluate(clearGroupByTotal);
      await page.evaluate(() => performance.clearMeasures());
      const before = new Set(responses.keys());
      const start = performance.now();
      await page.getByTestId("groupby-run").click();
      await page.waitForFunction(groupByTotal, undefined, { timeout: 180_000, polling: 10 });
      const ms = performance.now() - start;
      const answer = (await page.evaluate(groupByTotal)) ?? "";
      runs.push({ ms, phases: await phasesOf(page), answer, fetched: fetchedSince(responses, before) });
    }
    return { runs, rows: (await page.getByTestId("groupby-rows").getAttribute("data-value")) ?? "" };
  } finally {
    await page.close();
  }
}
