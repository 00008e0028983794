/**
 * `costs site-data`: everything the report site is built from, computed from the
 * pipeline's output (priced partitions and manifest) and the pricing files. Writes the JSON
 * of `schemas/site-data.schema.ts` into `out` and the downloadable files (extracts, FOCUS,
 * the groupBy cube) into `publicDir/data/`. Money stays exact (bigint nano-USD).
 *
 * Nothing is written outside those two folders, whatever the logs hold: a file name that
 * comes from a log value (a metadata key's breakdown) is its slug (`breakdownFile`), and
 * every target is checked to stay inside its folder.
 *
 * With `pseudonymise`, user names are replaced by salted pseudonyms in the rows read
 * (`pseudonymiseRows`) before anything is computed, and the copies of the extracts that
 * hold users are recomputed from those rows (`rewriteExtract`); the files under `data`
 * keep the real names.
 */
import { copyFile, mkdir, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { displayPath, PipelineError } from "../lib/errors.ts";
import { sha256File } from "../lib/hash.ts";
import { loadPoliciesOrThrow } from "../policies/load-policies.ts";
import { loadPricingOrThrow } from "../pricing/load-pricing.ts";
import { divideHalfEven, formatNano, ratio } from "../pricing/money.ts";
import type { SiteDownloads, SiteSummary } from "../schemas/site-data.schema.ts";
import { listPartitions, readPartitionColumns, readPartitions, type Dataset } from "../dataset/read-partitions.ts";
import { computeExtract } from "../extracts/compute-extract.ts";
import { extractHeader, measureOf } from "../extracts/to-extract-table.ts";
import { extractToColumns } from "../extracts/extract-to-columns.ts";
import { CUBE_DIMENSIONS, MEASURE_NAMES, MEASURES } from "../schemas/fields.ts";
import { readManifest, type Manifest } from "../stages/write/index.ts";
import { readRestatements } from "../restate/restatements-file.ts";
import type { Restatement } from "../schemas/restatement.schema.ts";
import { writeParquet } from "../parquet/write-parquet.ts";
import { breakdownFile, BREAKDOWN_DIMENSIONS } from "./breakdown-file.ts";
import { breakdown } from "./breakdowns.ts";
import { dedupeSlugs } from "./dedupe-slugs.ts";
import { issues } from "./issues.ts";
import { effectivePrices, priceHistory } from "./prices.ts";
import { pseudonymiseRows } from "./pseudonymise-rows.ts";
import { reconciliation } from "./reconciliation.ts";
import { holdsUserValues, rewriteExtract } from "./rewrite-extract.ts";

export interface SiteDataOptions {
  data: string;
  pricingDir: string;
  policiesDir: string;
  out: string;
  publicDir: string;
  cwd: string;
  /** Replace user names by pseudonyms keyed by this salt (at least MIN_SALT_LENGTH characters, checked by the command). */
  pseudonymise?: { salt: string };
}

export interface SiteDataResult {
  /** The JSON files written into `out`. */
  written: string[];
  /** Problems that did not stop the build (a metadata key left without a page). */
  warnings: string[];
  /** With `pseudonymise`: how many user names were replaced. */
  pseudonymisedUsers?: number;
}

/** At most this many metadata keys get a page when policies do not list them (`site.metadata_keys`). */
const DEFAULT_METADATA_PAGES = 8;

export async function buildSiteData(options: SiteDataOptions): Promise<SiteDataResult> {
  const resolve = (p: string) => path.resolve(options.cwd, p);
  const data = resolve(options.data);
  const out = resolve(options.out);
  const publicData = path.join(resolve(options.publicDir), "data");
  const pricingDir = resolve(options.pricingDir);
  const book = await loadPricingOrThrow(pricingDir);
  const policies = await loadPoliciesOrThrow(resolve(options.policiesDir));
  let manifest: Manifest;
  try {
    manifest = await readManifest(data);
  } catch {
    throw new PipelineError({
      file: path.join(data, "manifest.json"),
      message: "no pipeline output here",
      hint: "run `costs run` first (npm start does), or pass --data",
    });
  }
  const days = await listPartitions(data);
  const restatements = (await readRestatements(data)) ?? [];
  let dataset = await readPartitions(data, days);
  let extra = await readPartitionColumns(data, days, [
    "request_id",
    "timestamp",
    "model",
    "user",
    "pat_name",
    "team",
    "price_source",
    "unpriced_reason",
    "policy_status",
    "policy_violations",
    "reported_cost_usd",
    "cost_usd",
    "date",
  ]);
  let pseudonymisedUsers: number | undefined;
  if (options.pseudonymise) ({ dataset, extra, users: pseudonymisedUsers } = pseudonymiseRows(dataset, extra, options.pseudonymise.salt));
  const written: string[] = [];
  await mkdir(out, { recursive: true });
  await rm(publicData, { recursive: true, force: true });
  await mkdir(path.join(publicData, "extracts"), { recursive: true });
  const json = async (name: string, value: unknown) => {
    const file = inside(out, name, "site data");
    await writeFile(file, `${JSON.stringify(value)}\n`);
    written.push(file);
  };

  const total = sum(dataset.cost_usd);
  const pages = dedupeSlugs(policies.siteMetadataKeys ?? mostUsedKeys(dataset));
  const metadataKeys = policies.siteMetadataKeys ? pages.keys : pages.keys.slice(0, DEFAULT_METADATA_PAGES);
  await json("summary.json", {
    ...summary(manifest, dataset, days, metadataKeys, total, restatements),
    ...(options.pseudonymise ? { users_pseudonymised: true } : {}),
  });
  for (const dimension of [...BREAKDOWN_DIMENSIONS, ...metadataKeys.map((k) => `metadata.${k}`)]) {
    await json(breakdownFile(dimension), breakdown(dataset, dimension, total));
  }
  await json("issues.json", issues(manifest, extra));
  const display = (file: string) => displayPath(file, path.dirname(pricingDir));
  await json("prices.json", { models: effectivePrices(book, display), history: await priceHistory(path.dirname(pricingDir), pricingDir) });
  await json("reconciliation.json", reconciliation(extra));

  // downloads: the nightly files, copied beside the site, and the cube
  const file = async (relative: string, format: string, rows: number) => {
    const target = inside(publicData, relative, "download");
    return { href: `data/${relative}`, format, rows, bytes: (await stat(target)).size, sha256: await sha256File(target) };
  };
  const extracts: SiteDownloads["extracts"] = [];
  for (const extract of manifest.outputs.extracts) {
    const spec = policies.extracts.find((e) => e.name === extract.name);
    const files = [];
    // Pseudonymised: an extract by user or metadata is recomputed from the pseudonymised rows, not copied.
    const rows =
      options.pseudonymise && holdsUserValues(extract.group_by)
        ? await rewriteExtract(dataset, extract, (p) => inside(publicData, p, "download"), manifest.pricing_version)
        : null;
    for (const f of extract.files) {
      if (rows === null) await copyFile(inside(data, f.path, "manifest file"), inside(publicData, f.path, "download"));
      files.push(await file(f.path, f.format, rows ?? f.rows));
    }
    const header = extractHeader({ groupBy: extract.group_by });
    extracts.push({
      name: extract.name,
      description: spec?.description ?? null,
      group_by: extract.group_by,
      cost_usd: extract.cost_usd,
      schema: header.map((name, i) => ({
        name,
        type:
          i < extract.group_by.length
            ? "string"
            : MEASURES[i - extract.group_by.length]!.kind === "money_total"
              ? "decimal(38,9)"
              : "int64",
      })),
      files,
    });
  }
  const focus = [];
  if (manifest.outputs.focus) {
    await mkdir(path.join(publicData, "focus"), { recursive: true });
    for (const f of manifest.outputs.focus.files) {
      await copyFile(inside(data, f.path, "manifest file"), inside(publicData, f.path, "download"));
      focus.push(await file(f.path, f.format, f.rows));
    }
  }
  const dimensions = [...CUBE_DIMENSIONS, ...metadataKeys.map((k) => `metadata.${k}`)];
  const cube = computeExtract(dataset, dimensions);
  await writeParquet(inside(publicData, "cube.parquet", "download"), extractToColumns(cube), { pricing_version: manifest.pricing_version });
  await json("downloads.json", {
    extracts,
    focus,
    cube: { ...(await file("cube.parquet", "parquet", cube.rows.length)), dimensions, measures: MEASURE_NAMES },
  } satisfies SiteDownloads);
  return { written, warnings: pages.warnings, ...(pseudonymisedUsers === undefined ? {} : { pseudonymisedUsers }) };
}

/** `dir/relative`, refused unless it is a file inside `dir` (a name from a manifest or a log must not climb out). */
function inside(dir: string, relative: string, what: string): string {
  const target = path.resolve(dir, relative);
  const rel = path.relative(dir, target);
  if (rel === "" || rel === ".." || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    throw new PipelineError({
      file: dir,
      message: `${what} ${JSON.stringify(relative)} is not a file inside this folder`,
      hint: "file names from logs and manifests must stay inside the output folders",
    });
  }
  return target;
}

function sum(values: unknown[]): bigint {
  let total = 0n;
  for (const v of values) if (typeof v === "bigint") total += v;
  return total;
}

function summary(
  manifest: Manifest,
  dataset: Dataset,
  days: string[],
  metadataKeys: string[],
  total: bigint,
  restatements: Restatement[],
): SiteSummary {
  const n = (column: keyof Dataset) => (dataset[column] as number[]).reduce((a, b) => a + b, 0);
  let unpriced = 0;
  let ok = 0n;
  const sources = dataset.price_source as string[];
  for (let i = 0; i < dataset.length; i++) {
    if (sources[i] === "unpriced") unpriced++;
    if (dataset.policy_status[i] === "ok") ok += (dataset.cost_usd[i] as bigint | null) ?? 0n;
  }
  const priced = dataset.length - unpriced;
  const byDay = computeExtract(dataset, ["date", "model", "team"]);
  const daily = byDay.rows.map((r) => ({
    date: r[0] as string,
    model: r[1] as string,
    team: r[2] as string,
    requests: measureOf(byDay, r, "requests"),
    cost_usd: formatNano(measureOf(byDay, r, "cost_usd")),
  }));
  return {
    generated_at: manifest.generated_at,
    pricing_version: manifest.pricing_version,
    period: { from: days[0] ?? "", to: days.at(-1) ?? "", days: days.length },
    totals: {
      requests: dataset.length,
      input_tokens: n("input_tokens"),
      cache_read_tokens: n("cache_read_tokens"),
      cache_write_tokens: n("cache_write_tokens"),
      output_tokens: n("output_tokens"),
      cost_usd: formatNano(total),
      list_cost_usd: formatNano(sum(dataset.list_cost_usd)),
      unpriced_requests: unpriced,
      avg_cost_per_request_usd: formatNano(priced === 0 ? 0n : divideHalfEven(total, BigInt(priced))),
      policy_coverage: ratio(ok, total),
    },
    period_over_period: periodOverPeriod(days, daily),
    counts: manifest.counts as unknown as Record<string, number>,
    metadata_keys: metadataKeys,
    daily,
    // The restated days the site shows (a day no longer kept has no figure to annotate).
    restatements: restatements.filter((r) => days.includes(r.date)),
  };
}

function periodOverPeriod(days: string[], daily: SiteSummary["daily"]): SiteSummary["period_over_period"] {
  if (days.length < 14) return null;
  const current = days.slice(-7);
  const previous = days.slice(-14, -7);
  const sumOf = (set: string[]) => {
    const wanted = new Set(set);
    let cost = 0n;
    let requests = 0;
    for (const d of daily) {
      if (!wanted.has(d.date)) continue;
      cost += BigInt(d.cost_usd.replace(".", ""));
      requests += d.requests;
    }
    return { from: set[0]!, to: set.at(-1)!, cost, requests };
  };
  const c = sumOf(current);
  const p = sumOf(previous);
  return {
    current: { from: c.from, to: c.to, cost_usd: formatNano(c.cost), requests: c.requests },
    previous: { from: p.from, to: p.to, cost_usd: formatNano(p.cost), requests: p.requests },
    cost_change: ratio(c.cost - p.cost, p.cost),
  };
}

/** Every metadata key seen, the most used first (ties: in code-unit order). */
function mostUsedKeys(dataset: Dataset): string[] {
  const counts = new Map<string, number>();
  for (const m of dataset.metadata as (string | null)[]) {
    if (!m) continue;
    for (const key of Object.keys(JSON.parse(m) as object)) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k]) => k);
}
