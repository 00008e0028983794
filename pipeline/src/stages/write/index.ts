import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { PolicyBook } from "../../policies/load-policies.ts";
import { displayPath, PipelineError } from "../../lib/errors.ts";
import { sha256File } from "../../lib/hash.ts";
import { formatNano } from "../../pricing/money.ts";
import type { FileStats } from "../ingest/index.ts";
import { fineDimensions, Rollups } from "../../engine/rollup.ts";
import type { ExtractSpec } from "../../schemas/extracts.schema.ts";
import { FOCUS_DIMENSIONS, TOKEN_COLUMNS } from "../../schemas/fields.ts";
import { listPartitions, readPartitions, type Dataset } from "../../dataset/read-partitions.ts";
import { weightsOf, type WeightedDataset } from "../../extracts/compute-extract.ts";
import { extractToColumns } from "../../extracts/extract-to-columns.ts";
import { extractToCsv } from "../../extracts/extract-to-csv.ts";
import { toExtractTable } from "../../extracts/to-extract-table.ts";
import { computeFocus, focusToColumns, focusToCsv } from "./focus.ts";
import { coverage, type RunStats } from "./run-stats.ts";
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
  /** The run's rollups (engine/rollup.ts, one per output of rollupOutputs): extracts, FOCUS and totals are computed from them. */
  rollups: Rollups;
  /** Rows of `rejects.csv`, already in the staging folder (engine/rejects-file.ts). */
  rejects: number;
  stats: RunStats;
  policies: PolicyBook;
  fileStats: FileStats[];
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
  focus?: { cost_usd: string; excluded_unpriced_requests: number; files: OutputFile[] };
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
 * partitions (other days stay), and the rejects, extracts, FOCUS export and manifest are
 * rebuilt over all partitions: the run's rollup plus the rows of the partitions kept.
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
  // Partitions of earlier runs that this run did not replace count in every output.
  const rollups = input.rollups;
  const kept = (await listPartitions(input.out)).filter((d) => !runDays.includes(d));
  if (kept.length > 0) addRows(rollups, await readPartitions(input.out, kept));
  for (const [name, rollup] of rollups.byName) {
    if (!rollup.countsExact()) {
      throw new PipelineError({
        message: `the dataset's token totals (${name}) exceed 9,007,199,254,740,991 (2^53 − 1), the largest total that is summed exactly; nothing was written`,
        hint: "look for rows with enormous token counts in the inputs (each count is at most 999,999,999,999 per row), or split the history across output folders",
      });
    }
  }
  const table = (name: string) => rollups.get(name).toColumns() as unknown as WeightedDataset;
  const dataset = table("dataset");

  // rejects, in input order, written while reading
  outputs.rejects = await record("rejects.csv", "csv", input.rejects);
  moved.push("rejects.csv");

  // extracts from the reviewed config, over every partition
  await mkdir(staging.path("extracts"), { recursive: true });
  for (const spec of input.policies.extracts) {
    // The rollup is at the extract's grain already: its groups are the extract's rows.
    const extract = toExtractTable(rollups.get(`extract:${spec.name}`).toColumns(), spec.group_by);
    const files: OutputFile[] = [];
    for (const format of spec.formats) {
      const relative = `extracts/${spec.name}.${format}`;
      if (format === "csv") await writeFile(staging.path(relative), extractToCsv(extract));
      else await writeParquet(staging.path(relative), extractToColumns(extract), { pricing_version: input.pricingVersion });
      files.push(await record(relative, format, extract.rows.length));
    }
    outputs.extracts.push({ name: spec.name, group_by: spec.group_by, cost_usd: formatNano(extract.totalCostNano), files });
  }
  moved.push("extracts");

  // FOCUS-shaped export
  const focus = computeFocus(table("focus"));
  await mkdir(staging.path("focus"), { recursive: true });
  await writeFile(staging.path("focus/focus.csv"), focusToCsv(focus));
  await writeParquet(staging.path("focus/focus.parquet"), focusToColumns(focus), { pricing_version: input.pricingVersion });
  outputs.focus = {
    cost_usd: formatNano(focus.totalCostNano),
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
      };
    }),
  );
  const manifest = buildManifest(input, inputs, runDays, dataset, outputs, restatements);
  await writeFile(staging.path("manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  moved.push("manifest.json");
  await staging.commit(moved);
  return { out: input.out, manifest };
}

/** The rollup of each output (engine/rollup.ts): its name and the dimensions it groups by. */
export function rollupOutputs(extracts: readonly ExtractSpec[]): Array<{ name: string; dimensions: string[] }> {
  return [
    ...extracts.map((e) => ({ name: `extract:${e.name}`, dimensions: e.group_by })),
    { name: "focus", dimensions: [...FOCUS_DIMENSIONS] },
    { name: "stats", dimensions: ["price_source", "policy_status", "unpriced_reason", "policy_violations", "metadata_overrides"] },
    { name: "dataset", dimensions: ["date", "price_source", "policy_status"] },
  ];
}

/** Adds the rows of partitions kept from earlier runs to the output rollups (not to the run's stats: they are not this run's). */
function addRows(rollups: Rollups, rows: Dataset): void {
  const keys = rollups.metadataKeys;
  const fine = fineDimensions(keys);
  const column = (name: string) => rows[name as keyof Dataset] as unknown[] | undefined;
  const dims = fine.map((name) => column(name));
  for (let i = 0; i < rows.length; i++) {
    const metadata = keys.length > 0 && rows.metadata[i] ? (JSON.parse(rows.metadata[i] as string) as Record<string, string>) : {};
    const cost = (rows.cost_usd[i] as bigint | null) ?? null;
    const list = (rows.list_cost_usd[i] as bigint | null) ?? null;
    const values = fine.map((name, d) => {
      if (!name.startsWith("metadata.")) return (dims[d]?.[i] as string | null | undefined) ?? null;
      const key = name.slice("metadata.".length);
      return Object.hasOwn(metadata, key) ? metadata[key]! : null; // own keys only, as computeExtract reads them
    });
    rollups.addFine(
      values,
      [1, ...TOKEN_COLUMNS.map((t) => Number(column(t)![i] ?? 0)), cost === null ? 1 : 0],
      0,
      [cost ?? 0n, list ?? 0n, list ?? cost ?? 0n],
      0,
      "stats",
    );
  }
}

function buildManifest(
  input: WriteInput,
  inputs: unknown[],
  runDays: string[],
  dataset: WeightedDataset,
  outputs: Outputs,
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
    counts: input.stats.counts,
    run: { days: runDays, ...input.stats.toJson() },
    dataset: datasetTotals(dataset),
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
  for (let i = 0; i < dataset.length; i++) {
    const c = (dataset.cost_usd[i] as bigint | null) ?? 0n;
    cost += c;
    list += (dataset.list_cost_usd[i] as bigint | null) ?? 0n;
    if (statuses[i] === "ok") ok += c;
    if (sources[i] === "unpriced") unpriced += weights[i]!;
    rows += weights[i]!;
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
