/**
 * `costs site-data`: everything the report site is built from, computed from the
 * pipeline's output (the day rollups `costs run` writes beside the priced partitions, and
 * the manifest) and the pricing files. Writes the JSON of `schemas/site-data.schema.ts`
 * into `out` and the downloadable files (extracts, FOCUS, the groupBy cube) into
 * `publicDir/data/`. Money stays exact (bigint nano-USD). What it reads, and when it reads
 * every row instead, is in `read-site-history.ts`.
 *
 * Nothing is written outside those two folders, whatever the logs hold: a file name that
 * comes from a log value (a metadata key's breakdown) is its slug (`breakdownFile`), and
 * every target is checked to stay inside its folder.
 *
 * With `pseudonymise`, user names are replaced by salted pseudonyms in the rows read
 * (`pseudonymiseRows`) before anything is computed, and the copies of the extracts that
 * hold users are recomputed from those rows (`rewriteExtract`); the FOCUS export (user
 * names in its Tags) is not shipped; the files under `data` keep the real names.
 */
import { copyFile, mkdir, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { displayPath, PipelineError } from "../lib/errors.ts";
import { sha256File } from "../lib/hash.ts";
import { loadPoliciesOrThrow } from "../policies/load-policies.ts";
import { loadPricingOrThrow } from "../pricing/load-pricing.ts";
import { divideHalfEven, formatNano, ratio } from "../pricing/money.ts";
import type { SiteDownloads, SiteSummary } from "../schemas/site-data.schema.ts";
import { computeExtract, weightsOf, type WeightedDataset } from "../extracts/compute-extract.ts";
import { extractHeader, measureOf, toExtractTable } from "../extracts/to-extract-table.ts";
import { ExtractParquetWriter } from "../extracts/write-extract-parquet.ts";
import { CUBE_DIMENSIONS, extractGrain, MEASURE_NAMES, MEASURES } from "../schemas/fields.ts";
import { readManifest, type Manifest } from "../stages/write/index.ts";
import { readRestatements } from "../restate/restatements-file.ts";
import type { Restatement } from "../schemas/restatement.schema.ts";
import { breakdownFile, BREAKDOWN_DIMENSIONS } from "./breakdown-file.ts";
import { breakdown } from "./breakdowns.ts";
import { siteBudgets } from "./budgets.ts";
import { issues } from "./issues.ts";
import { effectivePrices, priceHistory } from "./prices.ts";
import { readSiteHistory, type CubeSink, type SiteHistory } from "./read-site-history.ts";
import { reconciliation } from "./reconciliation.ts";
import { writeCubeParts } from "./write-cube-parts.ts";
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
  /** Read every row instead of the day rollups (a check of the rollups; the same figures). */
  fromRows?: boolean;
  /** From this many cube rows on, write the cube's shards and projection (default CUBE_PARTS_FROM). */
  cubeParts?: number;
}

/** The cube's projection the summary reads (totals, policy coverage, daily cost by model and team). */
const SUMMARY_VIEW = { key: "summary", dimensions: ["date", "model", "team", "policy_status", "price_source"] };
/** The cube's projection a breakdown reads: the dimension by day. */
const breakdownView = (dimension: string) => ({ key: `breakdown:${dimension}`, dimensions: ["date", dimension] });

export interface SiteDataResult {
  /** The JSON files written into `out`. */
  written: string[];
  /** Problems that did not stop the build (a metadata key left without a page). */
  warnings: string[];
  /** With `pseudonymise`: how many user names were replaced. */
  pseudonymisedUsers?: number;
}

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
  const written: string[] = [];
  await mkdir(out, { recursive: true });
  await rm(publicData, { recursive: true, force: true });
  await mkdir(path.join(publicData, "extracts"), { recursive: true });
  // The cube is written day by day as the history is read; breakdowns and the summary come
  // from small projections of it summed over every day.
  let cubeWriter: ExtractParquetWriter | undefined;
  const cubeSink: CubeSink = (cube) => {
    cubeWriter = new ExtractParquetWriter(inside(publicData, "cube.parquet", "download"), cube.dimensions, {
      pricing_version: manifest.pricing_version,
    });
    const breakdowns = cube.dimensions.filter((d) => (BREAKDOWN_DIMENSIONS as readonly string[]).includes(d) || d.startsWith("metadata."));
    return {
      views: [SUMMARY_VIEW, ...breakdowns.map((d) => breakdownView(d))],
      day: (rollup) => cubeWriter!.append(toExtractTable(rollup.toColumns(), cube.dimensions).rows),
    };
  };
  let history: SiteHistory;
  try {
    history = await readSiteHistory(data, policies, options, cubeSink);
    cubeWriter!.close();
  } catch (error) {
    cubeWriter?.abort();
    throw error;
  }
  // Smaller files of the cube for the site: split by user and by each metadata key of many values, and summed over those.
  const parts = await writeCubeParts(
    inside(publicData, "cube.parquet", "download"),
    publicData,
    "data/",
    {
      pricing_version: manifest.pricing_version,
    },
    options.cubeParts,
  );
  const { days, metadataKeys } = history;
  const dataset = history.views.get(SUMMARY_VIEW.key)!.toColumns() as unknown as WeightedDataset;
  const pseudonymisedUsers = history.pseudonymisedUsers;
  const restatements = (await readRestatements(data)) ?? [];
  const json = async (name: string, value: unknown) => {
    const file = inside(out, name, "site data");
    await writeFile(file, `${JSON.stringify(value)}\n`);
    written.push(file);
  };

  const total = sum(dataset.cost_usd);
  await json("summary.json", {
    ...summary(manifest, dataset, days, metadataKeys, total, restatements),
    ...(options.pseudonymise ? { users_pseudonymised: true } : {}),
  });
  for (const dimension of [...BREAKDOWN_DIMENSIONS, ...metadataKeys.map((k) => `metadata.${k}`)]) {
    const view = history.views.get(breakdownView(dimension).key)!.toColumns() as unknown as WeightedDataset;
    await json(breakdownFile(dimension), breakdown(view, dimension, total));
  }
  await json("issues.json", issues(manifest, history));
  const display = (file: string) => displayPath(file, path.dirname(pricingDir));
  await json("prices.json", { models: effectivePrices(book, display), history: await priceHistory(path.dirname(pricingDir), pricingDir) });
  await json("reconciliation.json", reconciliation(history));
  await json("budgets.json", await siteBudgets(data, policies.budgets, days, { pseudonyms: history.pseudonyms }));

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
        ? await rewriteExtract(
            history.extracts.get(extractGrain(extract.group_by).key)!.toColumns() as unknown as WeightedDataset,
            extract,
            (p) => inside(publicData, p, "download"),
            manifest.pricing_version,
            spec?.bom ?? policies.csvBom ?? false,
          )
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
  // The FOCUS export's Tags hold user names (`costs/user`): a pseudonymised site does not ship it.
  if (manifest.outputs.focus && !options.pseudonymise) {
    await mkdir(path.join(publicData, "focus"), { recursive: true });
    for (const f of manifest.outputs.focus.files) {
      await copyFile(inside(data, f.path, "manifest file"), inside(publicData, f.path, "download"));
      focus.push(await file(f.path, f.format, f.rows));
    }
  }
  const dimensions = [...CUBE_DIMENSIONS, ...metadataKeys.map((k) => `metadata.${k}`)];
  await json("downloads.json", {
    extracts,
    focus,
    cube: { ...(await file("cube.parquet", "parquet", history.cubeRows)), dimensions, measures: MEASURE_NAMES, ...parts },
  } satisfies SiteDownloads);
  return { written, warnings: history.warnings, ...(pseudonymisedUsers === undefined ? {} : { pseudonymisedUsers }) };
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
  dataset: WeightedDataset,
  days: string[],
  metadataKeys: string[],
  total: bigint,
  restatements: Restatement[],
): SiteSummary {
  const n = (column: string) => ((dataset as unknown as Record<string, number[]>)[column] ?? []).reduce((a, b) => a + b, 0);
  const requests = n("requests");
  const unpriced = n("unpriced_requests");
  let ok = 0n;
  for (let i = 0; i < dataset.length; i++) if (dataset.policy_status[i] === "ok") ok += dataset.cost_usd[i] as bigint;
  const priced = requests - unpriced;
  const byDay = computeExtract(dataset, ["date", "model", "team"]);
  const daily = byDay.rows.map((r) => ({
    date: r[0] as string,
    model: r[1] as string,
    team: r[2] as string,
    requests: measureOf(byDay, r, "requests"),
    cost_usd: formatNano(measureOf(byDay, r, "cost_usd")),
    unpriced_requests: measureOf(byDay, r, "unpriced_requests"),
  }));
  return {
    generated_at: manifest.generated_at,
    pricing_version: manifest.pricing_version,
    period: { from: days[0] ?? "", to: days.at(-1) ?? "", days: days.length },
    totals: {
      requests,
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
    // A manifest from before price assumptions were reported has none.
    price_assumptions: manifest.price_assumptions ?? [],
    gateway_cache: gatewayCache(dataset),
  };
}

/** The period's calls priced at the gateway's own cost (price_source `gateway_cache`). */
function gatewayCache(dataset: WeightedDataset): SiteSummary["gateway_cache"] {
  const weights = weightsOf(dataset);
  let requests = 0;
  let cost = 0n;
  for (let i = 0; i < dataset.length; i++) {
    if (dataset.price_source[i] !== "gateway_cache") continue;
    requests += weights[i]!;
    cost += (dataset.cost_usd[i] as bigint | null) ?? 0n;
  }
  return { requests, cost_usd: formatNano(cost) };
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
