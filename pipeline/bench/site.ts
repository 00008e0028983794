/**
 * The report site at an organisation's scale (issue 14): generates N sample calls over a
 * month with U users and V `customer_id` values, runs the pipeline, `costs site-data` and
 * the Astro build, serves the site with gzip like GitHub Pages and checks the targets in
 * Debian's chromium, each on a fresh page with the cache off:
 * - every page ≤ 300 KB (307,200 bytes) transferred on first load (gzip, all responses);
 * - the first filter ≤ 1 s: a user typed + Enter on /users/, a customer_id value on
 *   /metadata/customer_id/, from the typing to the filtered figures, the cube not loaded;
 * - any groupBy ≤ 2 s: click → total on /downloads/, for the widest realistic field sets:
 *   the first run with nothing fetched (fields set without events), the first run after
 *   ticking the fields as a user does (the builder starts fetching then), and the next ones.
 * Prints a table (measured, limit, load average, PASS/FAIL) and exits 1 when a target fails
 * (`--no-fail`: report only). A timing taken at a load average (1 min) above 2 is taken
 * again, up to `--attempts` times; the one at the lowest load is kept.
 *
 *   npm run bench:site -- --rows 1000000 --users 5000 --metadata-values 50000 [--work DIR] [--no-fail]
 *
 * `--work DIR` keeps the logs, data and site there and reuses the logs, `costs run` and
 * `costs site-data` output on the next run (only astro builds again). Needs
 * /usr/bin/chromium (or CHROMIUM_PATH). Not part of CI.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { glob } from "tinyglobby";
import { sampleCustomers, sampleUsers } from "../src/sample/scale-population.ts";
import { buildSite, ROOT } from "../test/browser/build-site.ts";
import { chromiumMissing, launchChromium } from "../test/browser/launch-chromium.ts";
import { listPages } from "../test/browser/list-pages.ts";
import { serveStatic } from "../test/browser/serve-static.ts";
import { firstFilter, groupBy, pageWeight, type Timed } from "./site-measures.ts";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    days: { type: "string", default: "30" },
    users: { type: "string", default: "5000" },
    "metadata-values": { type: "string", default: "50000" },
    groupby: { type: "string", multiple: true },
    repeat: { type: "string", default: "2" },
    attempts: { type: "string", default: "3" },
    work: { type: "string" },
    "no-fail": { type: "boolean", default: false },
  },
});
const rows = Number(values.rows);
const users = Number(values.users);
const metadataValues = Number(values["metadata-values"]);
/** The widest realistic groupings: team × model × month, user × model, a metadata value by day, user × metadata value. */
const GROUP_BYS = values.groupby?.map((g) => g.split(",").filter(Boolean)) ?? [
  ["team", "model", "month"],
  ["user", "model"],
  ["metadata.customer_id", "date"],
  ["user", "metadata.customer_id"],
];
const LIMITS = { pageBytes: 300 * 1024, firstFilterMs: 1000, groupByMs: 2000 };
const LOAD_LIMIT = 2;

const missing = chromiumMissing();
if (missing) {
  console.error(`bench site: ${missing}`);
  process.exit(1);
}

interface Row {
  target: string;
  measured: string;
  limit: string;
  load: string;
  pass?: boolean;
}
const table: Row[] = [];
const load1 = () => loadavg()[0]!;
const ms = (n: number) => `${Math.round(n).toLocaleString("en-US")} ms`;
const kb = (n: number) => `${(n / 1024).toLocaleString("en-US", { maximumFractionDigits: 1 })} KB`;
const note = (target: string, measured: string) => {
  table.push({ target, measured, limit: "", load: load1().toFixed(2) });
  console.error(`  ${target}: ${measured}`);
};
const phasesText = (t: Timed) =>
  Object.entries(t.phases)
    .map(([name, v]) => `${name} ${v}`)
    .join(", ");

/** Runs a timing again while the load is above 2 (up to --attempts); keeps the one taken at the lowest load. */
async function atLowLoad<T extends { load: number }>(run: () => Promise<Omit<T, "load">>): Promise<T> {
  let best: T | undefined;
  for (let i = 0; i < Number(values.attempts); i++) {
    const load = load1();
    const result = { ...(await run()), load } as T;
    if (!best || load < best.load) best = result;
    if (load <= LOAD_LIMIT) break;
    console.error(`  (load ${load.toFixed(2)} > ${LOAD_LIMIT}: measuring again)`);
  }
  return best!;
}

const startLoad = loadavg();
const work = values.work ? path.resolve(values.work) : await mkdtemp(path.join(tmpdir(), "costs-bench-site-"));
await mkdir(work, { recursive: true });
let failed: boolean | undefined;
try {
  const logs = path.join(work, "logs.jsonl.gz");
  if (!(values.work && existsSync(logs))) {
    const start = performance.now();
    const args = ["sample", "--rows", String(rows), "--days", values.days, "--users", String(users), "--metadata-values"];
    const sample = spawnSync(process.execPath, [path.join(ROOT, "pipeline/bin/costs.js"), ...args, String(metadataValues), "--out", logs], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
    });
    if (sample.status !== 0) throw new Error(`costs sample exited with ${sample.status}`);
    note("costs sample", ms(performance.now() - start));
  }
  const site = await buildSite({ logs: [logs], work, verbose: true, reuseData: values.work !== undefined });
  if (site.timings.run) note("costs run", ms(site.timings.run));
  if (site.timings.siteData) note("costs site-data", ms(site.timings.siteData));
  note("astro build", ms(site.timings.astro));
  note("priced rows", site.manifest.dataset.rows.toLocaleString("en-US"));
  const downloads = JSON.parse(await readFile(path.join(site.siteData, "downloads.json"), "utf8")) as {
    cube: { rows: number; bytes: number };
  };
  note("cube rows", downloads.cube.rows.toLocaleString("en-US"));
  for (const file of (await glob("data/cube*", { cwd: site.dist })).sort())
    note(`${file} size`, kb((await stat(path.join(site.dist, file))).size));

  const server = await serveStatic(site.dist);
  const browser = await launchChromium({ acceptDownloads: true });
  try {
    // Every page's first load.
    const pages = await listPages(site.dist);
    const weights = [];
    for (const pathname of pages) weights.push({ ...(await pageWeight(browser.context, server.url, pathname)), load: load1() });
    weights.sort((a, b) => b.bytes - a.bytes);
    const over = weights.filter((w) => w.bytes > LIMITS.pageBytes);
    table.push({
      target: `first load, every page (${pages.length})`,
      measured: `largest ${weights[0]!.path} ${kb(weights[0]!.bytes)}${over.length ? `; ${over.length} over: ${over.map((w) => w.path).join(" ")}` : ""}`,
      limit: "≤ 300 KB each",
      load: weights[0]!.load.toFixed(2),
      pass: over.length === 0,
    });
    for (const w of weights.slice(0, 5))
      note(`  ${w.path}`, `${kb(w.bytes)} in ${w.responses} responses (largest: ${w.largest.map(([u, b]) => `${u} ${kb(b)}`).join(", ")})`);

    // The first filter, cold.
    const user = sampleUsers(users).at(-1)!.email;
    const customer = sampleCustomers(metadataValues).at(-1)!;
    for (const [label, options] of [
      [`first filter: user ${user} on /users/`, { pathname: "/users/", testid: "filter-user", value: user }],
      [
        `first filter: customer_id ${customer} on /metadata/customer_id/`,
        { pathname: "/metadata/customer_id/", testid: "filter-metadata-value", value: customer, metadataKey: "customer_id" },
      ],
    ] as const) {
      const t = await atLowLoad<Timed & { load: number }>(() => firstFilter(browser.context, server.url, options));
      table.push({
        target: label,
        measured: `${ms(t.ms)} (fetched ${kb(t.fetched)})`,
        limit: "≤ 1,000 ms",
        load: t.load.toFixed(2),
        pass: t.ms <= LIMITS.firstFilterMs,
      });
      console.error(`    phases: ${phasesText(t)}\n    status: ${t.answer}`);
    }

    // groupBy: cold with nothing fetched (the worst case), cold after ticking the fields as a user does, then warm.
    for (const fields of GROUP_BYS) {
      const cold = await atLowLoad<{ runs: Timed[]; rows: string; load: number }>(() =>
        groupBy(browser.context, server.url, fields, 1, false),
      );
      const result = await atLowLoad<{ runs: Timed[]; rows: string; load: number }>(() =>
        groupBy(browser.context, server.url, fields, Number(values.repeat), true),
      );
      const runs = [...cold.runs, ...result.runs];
      const worst = Math.max(...runs.map((r) => r.ms));
      const totals = new Set(runs.map((r) => r.answer));
      const exact = totals.size === 1 && totals.has(site.manifest.dataset.cost_usd);
      const label = (i: number) => (i === 0 ? " cold" : i === 1 ? " cold after ticking the fields" : " warm");
      table.push({
        target: `groupBy ${fields.join(",")}`,
        measured: `${runs.map((r, i) => `${ms(r.ms)}${label(i)}`).join(", ")}; ${Number(result.rows).toLocaleString("en-US")} rows; total ${exact ? "= manifest" : `${[...totals].join("/")} ≠ manifest ${site.manifest.dataset.cost_usd}`}`,
        limit: "≤ 2,000 ms each",
        load: Math.max(cold.load, result.load).toFixed(2),
        pass: worst <= LIMITS.groupByMs && exact,
      });
      for (const r of runs) console.error(`    phases: ${phasesText(r)}`);
    }
  } finally {
    await browser.close();
    await server.close();
  }

  failed = table.some((r) => r.pass === false);
  const head: Row = { target: "target", measured: "measured", limit: "limit", load: "load", pass: undefined };
  const widths = (["target", "measured", "limit", "load"] as const).map((k) => Math.max(...[head, ...table].map((r) => r[k].length)));
  const line = (r: Row, verdict: string) =>
    [r.target.padEnd(widths[0]!), r.measured.padEnd(widths[1]!), r.limit.padEnd(widths[2]!), r.load.padStart(widths[3]!), verdict].join(
      "  ",
    );
  console.log(
    `\nreport site: ${rows.toLocaleString("en-US")} sample calls over ${values.days} days, ${users.toLocaleString("en-US")} users, ` +
      `${metadataValues.toLocaleString("en-US")} customer_id values; ${cpus().length} CPUs (${cpus()[0]?.model ?? "?"}), ` +
      `load average at start ${startLoad.map((l) => l.toFixed(2)).join(" ")}\n`,
  );
  console.log(line(head, "result"));
  for (const r of table) console.log(line(r, r.pass === undefined ? "" : r.pass ? "PASS" : "FAIL"));
  console.log(failed ? "\nsome targets FAIL" : "\nall targets PASS");
} finally {
  if (values.work) console.error(`kept ${work}`);
  else await rm(work, { recursive: true, force: true });
}
if (failed !== false && !values["no-fail"]) process.exitCode = 1;
