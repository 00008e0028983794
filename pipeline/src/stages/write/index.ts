import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { PolicyBook } from "../../policies/load-policies.ts";
import { displayPath, PipelineError } from "../../lib/errors.ts";
import { sha256File } from "../../lib/hash.ts";
import { formatNano, toNano } from "../../pricing/money.ts";
import type { FileStats } from "../ingest/index.ts";
import { Rollup, type Rollups } from "../../engine/rollup.ts";
import type { DayExtrasBuilder } from "../../engine/day-extras.ts";
import { gatherDays } from "./gather-days.ts";
import { DATASET_GRAIN, dayGrains, extractGrain, focusGrain, focusTagKeys, type Grain } from "../../schemas/fields.ts";
import type { Dataset } from "../../dataset/read-partitions.ts";
import { rowsOf, weightsOf, type WeightedDataset } from "../../extracts/compute-extract.ts";
import { extractToColumns } from "../../extracts/extract-to-columns.ts";
import { extractToCsv } from "../../extracts/extract-to-csv.ts";
import { toExtractTable } from "../../extracts/to-extract-table.ts";
import { computeFocus, focusFiles } from "./focus.ts";
import { coverage, type RunStats } from "./run-stats.ts";
import { missingPriceColumns, priceAssumptions, type MissingPriceColumn } from "./price-assumptions.ts";
import type { PriceDependenceTally } from "../../engine/tally-price-dependence.ts";
import type { FocusPieceCollector } from "../../engine/collect-focus-pieces.ts";
import type { PricingBook } from "../../pricing/load-pricing.ts";
import type { Staging } from "../../outputs/staging.ts";
import { writeParquet } from "../../parquet/write-parquet.ts";
import { readRestatements, RESTATEMENTS_FILE, restatementsText } from "../../restate/restatements-file.ts";
import type { Restatement } from "../../schemas/restatement.schema.ts";

/**
 * Version of manifest.json's shape. Fields are only ever added (`restatements` and
 * `outputs.restatements` were, in issue 12) under the same version, and readers ignore
 * fields they do not know; it changes when a field is removed, renamed or changes meaning.
 */
export const MANIFEST_VERSION = 1;
export const TOOL = { name: "gateway-costs", version: "0.1.0" };

export interface WriteInput {
  out: string;
  /** Where the run's priced day files already are (engine/day-files.ts). */
  staging: Staging;
  /** The run's priced day files in the staging folder, sorted by day. */
  days: Array<{ day: string; relative: string; rows: number; bytes: number; sha256?: string }>;
  /** sha256 of input files already hashed while reading, by path. */
  inputHashes: Map<string, string>;
  /** The run's rollups (engine/rollup.ts, one per output of rollupOutputs): its day rollups and statistics. */
  rollups: Rollups;
  /** The run's lists of calls per day (engine/day-extras.ts). */
  extras: DayExtrasBuilder;
  /** Rows of `rejects.csv`, already in the staging folder (engine/rejects-file.ts). */
  rejects: number;
  stats: RunStats;
  policies: PolicyBook;
  fileStats: FileStats[];
  /** Per input file, the rows kept and what their prices depend on (for `missing_price_columns`). */
  dependence?: PriceDependenceTally;
  /** The run's FOCUS pieces per day (engine/collect-focus-pieces.ts), and the pricing to rebuild a kept day's from its rows. */
  focusPieces: FocusPieceCollector;
  book: PricingBook;
  inputFiles: string[];
  cwd: string;
  pricingVersion: string;
  options: Record<string, unknown>;
  /** `costs restate`: the days whose totals it changed, appended to restatements.json. Other runs keep that file as it is. */
  restated?: Restatement[];
  started: Date;
  now: () => Date;
}

export interface OutputFile {
  path: string;
  format: "parquet" | "csv" | "json";
  rows: number;
  bytes: number;
  sha256: string;
}

export interface ExtractOutput {
  name: string;
  group_by: string[];
  cost_usd: string;
  files: OutputFile[];
}

export interface Outputs {
  priced: OutputFile[];
  rejects?: OutputFile;
  extracts: ExtractOutput[];
  focus?: { cost_usd: string; list_cost_usd?: string; excluded_unpriced_requests: number; files: OutputFile[] };
  /** `restatements.json`, when a restatement ever changed a day (rows: its entries). */
  restatements?: OutputFile;
}

export interface RunOutputs {
  out: string;
  manifest: Manifest;
}

export type Manifest = ReturnType<typeof buildManifest>;

/**
 * Writes every output of a run (SPEC 6) into the staging folder the priced day files are
 * already in, then commits it into `out` (commit/staging.ts): the run's days replace their `priced/date=…`
 * partitions and day rollups (other days stay), and the rejects, extracts, FOCUS export and
 * manifest are rebuilt over every day: the run's day grains plus the day rollups of the days
 * kept (gather-days.ts), never the kept days' rows.
 */
export async function writeOutputs(input: WriteInput): Promise<RunOutputs> {
  const staging = input.staging;
  const runDays = input.days.map((d) => d.day);
  const moved: string[] = [];
  const outputs: Outputs = { priced: [], extracts: [] };
  const record = async (relative: string, format: OutputFile["format"], rows: number): Promise<OutputFile> => {
    const file = staging.path(relative);
    return { path: relative, format, rows, bytes: (await stat(file)).size, sha256: await sha256File(file) };
  };

  // priced rows: one partition per UTC day of this run, written while reading
  for (const { day, relative, rows, bytes, sha256 } of input.days) {
    outputs.priced.push(sha256 ? { path: relative, format: "parquet", rows, bytes, sha256 } : await record(relative, "parquet", rows));
    moved.push(`priced/date=${day}`);
  }
  // Every day after this run: the run's days from its rollups, kept days from their day rollups
  // (rebuilt from their rows when missing or short of a grain), never the kept rows themselves.
  const tagKeys = focusTagKeys(input.policies.focusTags);
  const focusOutput = focusGrain(tagKeys);
  const outputGrains = [DATASET_GRAIN, focusOutput, ...input.policies.extracts.map((spec) => extractGrain(spec.group_by))];
  const history = await gatherDays(input, staging, outputs.priced, outputGrains);
  moved.push(...history.written);
  const outputRollup = (grain: Grain) => history.totals.get(grain.key)!;
  const named = new Map<string, Rollup>([
    ["dataset", outputRollup(DATASET_GRAIN)],
    ["focus", outputRollup(focusOutput)],
    ...input.policies.extracts.map((spec): [string, Rollup] => [`extract:${spec.name}`, outputRollup(extractGrain(spec.group_by))]),
  ]);
  for (const [name, rollup] of named) {
    if (!rollup.countsExact()) {
      throw new PipelineError({
        message: `the dataset's token totals (${name}) exceed 9,007,199,254,740,991 (2^53 − 1), the largest total that is summed exactly; nothing was written`,
        hint: "look for rows with enormous token counts in the inputs (each count is at most 999,999,999,999 per row), or split the history across output folders",
      });
    }
  }
  const datasetRollup = named.get("dataset")!;
  const dataset = datasetRollup.toColumns() as unknown as WeightedDataset;

  // rejects, in input order, written while reading
  outputs.rejects = await record("rejects.csv", "csv", input.rejects);
  moved.push("rejects.csv");

  // extracts from the reviewed config, over every day
  await mkdir(staging.path("extracts"), { recursive: true });
  for (const spec of input.policies.extracts) {
    // The extract's grain over every day: its groups are the extract's rows.
    const extract = toExtractTable(named.get(`extract:${spec.name}`)!.toColumns(), spec.group_by);
    const files: OutputFile[] = [];
    for (const format of spec.formats) {
      const relative = `extracts/${spec.name}.${format}`;
      if (format === "csv") await writeFile(staging.path(relative), extractToCsv(extract, spec.bom ?? input.policies.csvBom ?? false));
      else await writeParquet(staging.path(relative), extractToColumns(extract), { pricing_version: input.pricingVersion });
      files.push(await record(relative, format, extract.rows.length));
    }
    outputs.extracts.push({ name: spec.name, group_by: spec.group_by, cost_usd: formatNano(extract.totalCostNano), files });
  }
  moved.push("extracts");

  // FOCUS-shaped export
  const focusRollup = named.get("focus")!;
  let excludedUnpriced = 0;
  let focusCost = 0n;
  for (const group of focusRollup.entries()) {
    excludedUnpriced += group.unpricedRequests;
    focusCost += group.cost;
  }
  const focus = computeFocus(history.focusPieces, tagKeys, excludedUnpriced);
  // The pieces split the same calls' rounded costs: anything else is a defect, never an export.
  if (focus.totalCostNano !== focusCost) {
    throw new Error(`FOCUS export: its pieces bill ${formatNano(focus.totalCostNano)} USD but the calls cost ${formatNano(focusCost)} USD`);
  }
  await mkdir(staging.path("focus"), { recursive: true });
  const focusOut = focusFiles(focus, input.policies.csvBom ?? false);
  await writeFile(staging.path("focus/focus.csv"), focusOut.csv);
  await writeParquet(staging.path("focus/focus.parquet"), focusOut.columns, { pricing_version: input.pricingVersion });
  outputs.focus = {
    cost_usd: formatNano(focus.totalCostNano),
    list_cost_usd: formatNano(toNano(focus.totalListCost)),
    excluded_unpriced_requests: focus.excludedUnpricedRequests,
    files: [await record("focus/focus.csv", "csv", focus.rows.length), await record("focus/focus.parquet", "parquet", focus.rows.length)],
  };
  moved.push("focus");

  // restatements.json: `costs restate` appends the days it changed; every other run keeps it as it is
  const earlier = await readRestatements(input.out);
  const restatements = [...(earlier ?? []), ...(input.restated ?? [])];
  if (input.restated && input.restated.length > 0) {
    await writeFile(staging.path(RESTATEMENTS_FILE), restatementsText(restatements));
    outputs.restatements = await record(RESTATEMENTS_FILE, "json", restatements.length);
    moved.push(RESTATEMENTS_FILE);
  } else if (earlier) {
    const file = path.join(input.out, RESTATEMENTS_FILE);
    outputs.restatements = {
      path: RESTATEMENTS_FILE,
      format: "json",
      rows: earlier.length,
      bytes: (await stat(file)).size,
      sha256: await sha256File(file),
    };
  }

  const inputs = await Promise.all(
    input.inputFiles.map(async (file, i) => {
      const stats = input.fileStats.find((s) => s.file === displayPath(file, input.cwd)) ?? input.fileStats[i];
      return {
        file: displayPath(file, input.cwd),
        sha256: await sha256File(file),
        bytes: (await stat(file)).size,
        format: stats?.format ?? null,
        gzip: stats?.gzip ?? false,
        preset: stats?.preset ?? null,
        rows: stats?.rows ?? 0,
        rejects: stats?.rejects ?? 0,
        ignored_columns: stats?.ignored_columns ?? [],
        // With `unknown_columns: warn`: ignored columns that look like misspellings of read ones.
        ...(stats?.suspect_columns?.length ? { suspect_columns: stats.suspect_columns } : {}),
        missing_price_columns: missingPriceColumns(stats, input.dependence?.get(displayPath(file, input.cwd))),
      };
    }),
  );
  const manifest = buildManifest(input, inputs, runDays, dataset, outputs, history, restatements);
  await writeFile(staging.path("manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  moved.push("manifest.json");
  await staging.commit(moved);
  return { out: input.out, manifest };
}

/**
 * The run's rollups (engine/rollup.ts): each day grain with the date first (split into the
 * run's day rollups), and the run's statistics.
 */
export function rollupOutputs(
  policies: Pick<PolicyBook, "extracts" | "siteMetadataKeys" | "focusTags" | "budgetKeys">,
): Array<{ name: string; dimensions: string[] }> {
  return [
    ...dayGrains(policies.extracts, policies.siteMetadataKeys, policies.focusTags, policies.budgetKeys).map((g) => ({
      name: `day:${g.key}`,
      dimensions: ["date", ...g.dimensions],
    })),
    { name: "stats", dimensions: ["price_source", "policy_status", "unpriced_reason", "policy_violations", "metadata_overrides"] },
  ];
}

function buildManifest(
  input: WriteInput,
  inputs: Array<{ file: string; missing_price_columns: MissingPriceColumn[]; suspect_columns?: string[] }>,
  runDays: string[],
  dataset: WeightedDataset,
  outputs: Outputs,
  history: { rollupOnly: string[] },
  restatements: Restatement[],
) {
  const finished = input.now();
  return {
    manifest_version: MANIFEST_VERSION,
    tool: TOOL,
    generated_at: finished.toISOString(),
    duration_ms: finished.getTime() - input.started.getTime(),
    pricing_version: input.pricingVersion,
    options: input.options,
    inputs,
    /** The inputs' missing price columns per field: what this run's prices assumed (docs/pipeline.md). */
    price_assumptions: priceAssumptions(inputs),
    counts: input.stats.counts,
    run: { days: runDays, ...input.stats.toJson() },
    dataset: { ...datasetTotals(dataset), rollup_only_days: history.rollupOnly },
    /** Every day a `costs restate` changed, oldest first, with old → new totals (restatements.json). */
    restatements,
    outputs,
  };
}

/** Totals over every priced partition after this run: what the extracts and the site add up to. */
export function datasetTotals(dataset: Dataset) {
  let cost = 0n;
  let list = 0n;
  let ok = 0n;
  let unpriced = 0;
  const days = new Set<string>();
  let rows = 0;
  const sources = dataset.price_source as string[];
  const statuses = dataset.policy_status as string[];
  const weights = weightsOf(dataset);
  const rowCounts = rowsOf(dataset);
  for (let i = 0; i < dataset.length; i++) {
    const c = (dataset.cost_usd[i] as bigint | null) ?? 0n;
    cost += c;
    list += (dataset.list_cost_usd[i] as bigint | null) ?? 0n;
    if (statuses[i] === "ok") ok += c;
    if (sources[i] === "unpriced") unpriced += weights[i]!;
    rows += rowCounts[i]!;
    days.add(dataset.date[i] as string);
  }
  return {
    days: [...days].sort(),
    rows,
    cost_usd: formatNano(cost),
    list_cost_usd: formatNano(list),
    unpriced_requests: unpriced,
    policy_coverage: coverage(ok, cost),
  };
}

export async function readManifest(out: string): Promise<Manifest> {
  return JSON.parse(await readFile(path.join(out, "manifest.json"), "utf8")) as Manifest;
}
