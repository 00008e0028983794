/**
 * The report site at scale (issue 4): generates N sample calls over a month, runs the
 * pipeline, `costs site-data` and the Astro build, serves the site with gzip like GitHub
 * Pages and measures in Debian's chromium:
 * - the bytes the overview page transfers (encoded sizes of every response, from CDP);
 * - how long the first filter takes (a user typed on /users/, Enter → filtered) and the user search;
 * - how long the groupBy builder takes to answer (click → `groupby-total` filled).
 *
 *   node --import tsx pipeline/bench/site.ts --rows 1000000 [--fields team,model,month] [--keep]
 *
 * Needs /usr/bin/chromium (or CHROMIUM_PATH). Not part of CI.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { glob } from "tinyglobby";
import { buildSite, ROOT } from "../test/browser/build-site.ts";
import { clearGroupByTotal, groupByTotal } from "../test/browser/in-page.ts";
import { chromiumMissing, launchChromium } from "../test/browser/launch-chromium.ts";
import { serveStatic } from "../test/browser/serve-static.ts";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    days: { type: "string", default: "30" },
    fields: { type: "string", default: "team,model,month" },
    repeat: { type: "string", default: "3" },
    keep: { type: "boolean", default: false },
  },
});
const rows = Number(values.rows);
const fields = values.fields.split(",").filter(Boolean);
const missing = chromiumMissing();
if (missing) {
  console.error(`bench site: ${missing}`);
  process.exit(1);
}

const results: Array<[string, string]> = [];
const report = (label: string, value: string) => {
  results.push([label, value]);
  console.error(`  ${label}: ${value}`);
};
const ms = (n: number) => `${Math.round(n).toLocaleString("en-US")} ms`;
const kb = (n: number) => `${(n / 1024).toLocaleString("en-US", { maximumFractionDigits: 1 })} KB`;

const work = await mkdtemp(path.join(tmpdir(), "costs-bench-site-"));
try {
  const logs = path.join(work, "logs.jsonl.gz");
  let start = performance.now();
  const sample = spawnSync(
    process.execPath,
    [path.join(ROOT, "pipeline/bin/costs.js"), "sample", "--rows", String(rows), "--days", values.days, "--out", logs],
    {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  if (sample.status !== 0) throw new Error(`costs sample exited with ${sample.status}`);
  report(`costs sample --rows ${rows.toLocaleString("en-US")}`, ms(performance.now() - start));

  const site = await buildSite({ logs: [logs], work, verbose: true });
  report("costs run", ms(site.timings.run));
  report("costs site-data", ms(site.timings.siteData));
  report("astro build", ms(site.timings.astro));
  report("priced rows", site.manifest.dataset.rows.toLocaleString("en-US"));
  report("site files", (await glob("**/*", { cwd: site.dist })).length.toLocaleString("en-US"));
  for (const file of await glob("data/cube*", { cwd: site.dist }))
    report(`${file} size`, kb((await stat(path.join(site.dist, file))).size));
  // The heaviest pages, gzipped as served.
  const pages = await Promise.all(
    (await glob("**/*.html", { cwd: site.dist })).map(async (file) => ({
      file,
      bytes: gzipSync(await readFile(path.join(site.dist, file))).length,
    })),
  );
  for (const { file, bytes } of pages.sort((a, b) => b.bytes - a.bytes).slice(0, 3)) report(`${file} (gzip)`, kb(bytes));

  const server = await serveStatic(site.dist);
  const browser = await launchChromium({ acceptDownloads: true });
  try {
    // Overview: every response's encoded (on the wire) size, document included.
    const page = await browser.context.newPage();
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    let bytes = 0;
    let requests = 0;
    cdp.on("Network.loadingFinished", (event) => {
      bytes += event.encodedDataLength;
      requests++;
    });
    start = performance.now();
    await page.goto(`${server.url}/`, { waitUntil: "load" });
    await page.waitForLoadState("networkidle");
    report("overview: load + network idle", ms(performance.now() - start));
    report("overview: transferred", `${kb(bytes)} in ${requests} responses (limit 1,024 KB)`);
    await page.close();

    // First filter: type a user on /users/ and press Enter → the page is filtered (loads the cube, checks the value).
    const users = await browser.context.newPage();
    await users.goto(`${server.url}/users/`, { waitUntil: "load" });
    await users.waitForLoadState("networkidle");
    const user = await users
      .getByTestId("filter-user-list")
      .locator("option")
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).findLast((v) => v !== "(none)") ?? "");
    start = performance.now();
    await users.getByTestId("filter-user").fill(user);
    await users.getByTestId("filter-user").press("Enter");
    await users.waitForFunction(() => document.querySelector<HTMLElement>("[data-filters]")?.dataset.active === "true", undefined, {
      timeout: 120_000,
      polling: 10,
    });
    report("first filter (user, loads the cube)", `${ms(performance.now() - start)} Enter → filtered (limit 1,000 ms)`);
    // Search as you type: the suggestion list emptied, then refilled from every user of the cube.
    await users.evaluate(() => document.querySelector("#filter-user-list")?.replaceChildren());
    start = performance.now();
    await users.getByTestId("filter-user").fill(user.slice(0, 3));
    await users.waitForFunction(() => (document.querySelector("#filter-user-list")?.children.length ?? 0) > 0, undefined, {
      timeout: 60_000,
      polling: 10,
    });
    report("user search suggestions", ms(performance.now() - start));
    await users.close();

    // groupBy builder: click → `groupby-total` filled; the first answer loads the cube.
    const builder = await browser.context.newPage();
    await builder.goto(`${server.url}/downloads/`, { waitUntil: "load" });
    await builder.waitForLoadState("networkidle");
    for (const box of await builder.locator('[data-testid^="groupby-field-"]').all()) await box.uncheck();
    for (const field of fields) await builder.getByTestId(`groupby-field-${field}`).check();
    for (let i = 0; i < Number(values.repeat); i++) {
      await builder.evaluate(clearGroupByTotal);
      start = performance.now();
      await builder.getByTestId("groupby-run").click();
      await builder.waitForFunction(groupByTotal, undefined, { timeout: 120_000, polling: 10 });
      const took = performance.now() - start;
      const compute = await builder.getByTestId("groupby").getAttribute("data-ms");
      report(
        `groupBy ${fields.join(",")} #${i + 1}${i === 0 ? " (loads the cube)" : ""}`,
        `${ms(took)} click → total (compute ${compute ?? "?"} ms; limit 2,000 ms)`,
      );
    }
    report("groupBy rows", (await builder.getByTestId("groupby-rows").getAttribute("data-value")) ?? "(none)");
    report("groupBy total", (await builder.evaluate(groupByTotal)) ?? "(none)");
    report("manifest total", site.manifest.dataset.cost_usd);
  } finally {
    await browser.close();
    await server.close();
  }

  const width = Math.max(...results.map(([label]) => label.length));
  console.log(`\nreport site, ${rows.toLocaleString("en-US")} sample calls over ${values.days} days\n`);
  for (const [label, value] of results) console.log(`${label.padEnd(width)}  ${value}`);
} finally {
  if (values.keep) console.error(`kept ${work}`);
  else await rm(work, { recursive: true, force: true });
}
