/**
 * `costs run`, on one screen: ingest → attribute → validate → price → write.
 *
 *   config   pricing/ (catalog, accounts, private prices) and policies/ are loaded and
 *            checked first; any error stops the run before anything is written.
 *   ingest   stages/ingest reads the log files (JSON Lines, CSV, Parquet, gzip) into
 *            canonical rows or rejects with file, line and reason.
 *   dedupe   the first row of each request_id is kept; later ones count as duplicates;
 *            rows outside --since/--until and virtual-model parent rows are counted, not priced.
 *   attribute  stages/attribute injects tags and picks one team (SPEC 5.3).
 *   validate   stages/validate runs the metadata guardrails (SPEC 5.4).
 *   price    stages/price prices the call exactly (SPEC 4.4).
 *   write    stages/write stages every output, then swaps it into `out` (SPEC 6).
 *
 * Every input row ends in exactly one bucket:
 *   rows_read = priced + unpriced + rejected + duplicates + virtual_parents + out_of_window.
 */
import path from "node:path";
import { hashFiles } from "./lib/hash.ts";
import { displayPath, PipelineError } from "./lib/errors.ts";
import { loadPoliciesOrThrow, type PolicyBook } from "./policies/load-policies.ts";
import { listYamlFiles } from "./pricing/load-catalog.ts";
import { loadPricingOrThrow } from "./pricing/load-pricing.ts";
import { parseDecimal, toNano } from "./pricing/money.ts";
import type { LogRow, Reject } from "./schemas/log-row.ts";
import { attribute } from "./stages/attribute/index.ts";
import { expandInputs } from "./stages/ingest/expand-inputs.ts";
import { readLogs, type FileStats } from "./stages/ingest/index.ts";
import { loadColumnMapping } from "./stages/ingest/presets.ts";
import { COMPONENTS, createRowPricer, type PriceColumns } from "./stages/price/index.ts";
import { validateMetadata, type PolicyResult } from "./stages/validate/index.ts";
import { RunStats } from "./stages/write/run-stats.ts";
import { PricedTable, type PricedRow } from "./stages/write/priced-schema.ts";
import { writeOutputs, type RunOutputs } from "./stages/write/index.ts";
import type { Attribution } from "./stages/attribute/index.ts";
import { exists } from "./pricing/load-accounts.ts";

export interface RunOptions {
  logs: string[];
  pricingDir: string;
  policiesDir: string;
  out: string;
  /** Inclusive UTC dates (YYYY-MM-DD). */
  since?: string;
  until?: string;
  preset?: "auto" | "canonical" | "truefoundry" | "anthropic";
  columns?: string;
  cwd: string;
  /** The clock, injected: only the manifest's `generated_at` and `duration_ms` read it. */
  now: () => Date;
  /** Called every `progressEvery` rows with the rows read so far. */
  onProgress?: (rowsRead: number) => void;
}

export async function run(options: RunOptions): Promise<RunOutputs> {
  const started = options.now();
  const resolve = (p: string) => path.resolve(options.cwd, p);
  const pricingDir = resolve(options.pricingDir);
  const policiesDir = resolve(options.policiesDir);

  // config: everything that decides a cost is checked before anything is written
  const book = await loadPricingOrThrow(pricingDir);
  const policies = await loadPoliciesOrThrow(policiesDir);
  const mapping = options.columns ? await loadColumnMapping(resolve(options.columns)) : undefined;
  checkWindow(options.since, options.until);
  const files = await expandInputs(options.logs, options.cwd);
  const configFiles = [...(await listYamlFiles(pricingDir)), ...policies.files];
  const pricingVersion = await hashFiles(configFiles, path.dirname(pricingDir));

  const stats = new RunStats();
  const rejects: Reject[] = [];
  const days = new Map<string, PricedTable>();
  const seen = new Set<string>();
  const fileStats: FileStats[] = [];
  const refBase = path.dirname(pricingDir);
  const pricer = createRowPricer(book, refBase);
  let lastFile = "";
  let lastDisplay = "";

  for await (const item of readLogs(files, { preset: options.preset ?? "auto", mapping, onFile: (s) => fileStats.push(s) })) {
    stats.counts.rows_read++;
    if (stats.counts.rows_read % 10_000 === 0) options.onProgress?.(stats.counts.rows_read);
    if (item.kind === "reject") {
      stats.counts.rejected++;
      rejects.push(item);
      continue;
    }
    const row = item.row;
    if (seen.has(row.request_id)) {
      stats.counts.duplicates++;
      continue;
    }
    seen.add(row.request_id);
    const date = new Date(row.timestamp).toISOString().slice(0, 10);
    if ((options.since && date < options.since) || (options.until && date > options.until)) {
      stats.counts.out_of_window++;
      continue;
    }
    if (row.virtual_model !== null) {
      stats.counts.virtual_parents++;
      continue;
    }
    const price = pricer(row);
    if ("reject" in price) {
      stats.counts.rejected++;
      rejects.push({ file: item.file, line: item.line, reason: price.reject, raw: JSON.stringify(row).slice(0, 4096) });
      continue;
    }
    const attribution = attribute(row, policies);
    const policy = validateMetadata(row, attribution, policies);
    stats.add(price, policy, attribution, date);
    let table = days.get(date);
    if (!table) days.set(date, (table = new PricedTable()));
    if (item.file !== lastFile) lastDisplay = displayPath((lastFile = item.file), options.cwd);
    table.push(toPricedRow(row, date, price, attribution, policy, pricingVersion, lastDisplay, item.line));
  }
  options.onProgress?.(stats.counts.rows_read);

  return writeOutputs({
    out: resolve(options.out),
    days,
    rejects: rejects.map((r) => ({ ...r, file: displayPath(r.file, options.cwd) })),
    stats,
    policies,
    fileStats: fileStats.map((s) => ({ ...s, file: displayPath(s.file, options.cwd) })),
    inputFiles: files,
    cwd: options.cwd,
    pricingVersion,
    options: {
      pricing_dir: displayPath(pricingDir, options.cwd),
      policies_dir: displayPath(policiesDir, options.cwd),
      since: options.since ?? null,
      until: options.until ?? null,
      preset: options.preset ?? "auto",
      columns: options.columns ?? null,
      policies_present: await exists(policiesDir),
    },
    started,
    now: options.now,
  });
}

function checkWindow(since?: string, until?: string): void {
  for (const [flag, value] of [["--since", since], ["--until", until]] as const) {
    if (value !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      throw new PipelineError({ field: flag, message: `must be a UTC date YYYY-MM-DD, got ${value}` });
    }
  }
  if (since && until && until < since) throw new PipelineError({ field: "--until", message: `${until} is before --since ${since}` });
}


function toPricedRow(
  row: LogRow,
  date: string,
  price: PriceColumns,
  attribution: Attribution,
  policy: PolicyResult,
  pricingVersion: string,
  file: string,
  line: number,
): PricedRow {
  const record = {
    request_id: row.request_id,
    timestamp: row.timestamp,
    date,
    model: row.model,
    provider_account: price.provider_account,
    provider: price.provider,
    provider_model: price.provider_model,
    region: price.region,
    subject_type: row.subject_type,
    subject: row.subject,
    user: attribution.user,
    virtual_account: attribution.virtual_account,
    pat_name: row.pat_name,
    teams: JSON.stringify(row.teams),
    team: attribution.team,
    input_tokens: row.input_tokens,
    cache_read_tokens: row.cache_read_tokens,
    cache_write_tokens: row.cache_write_tokens,
    output_tokens: row.output_tokens,
    reasoning_tokens: row.reasoning_tokens,
    input_audio_tokens: row.input_audio_tokens,
    output_audio_tokens: row.output_audio_tokens,
    input_images: row.input_images,
    output_images: row.output_images,
    input_characters: row.input_characters,
    input_seconds: row.input_seconds,
    output_seconds: row.output_seconds,
    queries: row.queries,
    pages: row.pages,
    batch: row.batch,
    service_tier: row.service_tier,
    status_code: row.status_code,
    virtual_model: row.virtual_model,
    metadata: sortedJson(attribution.metadata),
    metadata_overrides: JSON.stringify(attribution.overrides),
    reported_cost_usd: row.reported_cost_usd === null ? null : toNano(parseDecimal(row.reported_cost_usd)),
    price_source: price.price_source,
    price_ref: price.price_ref,
    pricing_mode: price.pricing_mode,
    tier: price.tier,
    unpriced_reason: price.unpriced_reason,
    cost_usd: price.cost_nano,
    list_cost_usd: price.list_cost_nano,
    policy_status: policy.policy_status,
    policy_violations: JSON.stringify(policy.policy_violations),
    pricing_version: pricingVersion,
    source_file: file,
    source_line: line,
  } as Record<string, unknown>;
  for (const component of COMPONENTS) record[`${component}_cost_usd`] = price.components[component];
  return record as PricedRow;
}

function sortedJson(object: Record<string, string>): string {
  const keys = Object.keys(object).sort();
  const sorted: Record<string, string> = {};
  for (const key of keys) sorted[key] = object[key]!;
  return JSON.stringify(sorted);
}

export type { PolicyBook };
