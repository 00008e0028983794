import path from "node:path";
import { displayPath, PipelineError } from "../lib/errors.ts";
import { formatTable } from "../lib/format-table.ts";
import type { Io } from "../lib/io.ts";
import { formatNano, parseNano } from "../pricing/money.ts";
import { formatDayRanges } from "../restate/select-days.ts";
import { RESTATEMENTS_FILE } from "../restate/restatements-file.ts";
import { run, type RestateReport } from "../run.ts";
import { readManifest, type Manifest } from "../stages/write/index.ts";

export interface RestateOptions {
  since: string;
  until?: string;
  data: string;
  pricingDir: string;
  policiesDir: string;
  pricingCommit?: string;
}

/**
 * `costs restate`: prices the kept days from --since to --until again from their priced
 * Parquet with the current pricing and policies, through `costs run` itself (run.ts with
 * `restate`): their partitions and every output are rebuilt in one commit, and each day
 * whose totals changed is appended to `<data>/restatements.json`. Prints old → new per day.
 */
export async function restateCommand(options: RestateOptions, io: Io, now: () => Date = () => new Date()): Promise<number> {
  if (options.pricingCommit !== undefined && !/^[0-9a-f]{7,64}$/.test(options.pricingCommit)) {
    throw new PipelineError({
      field: "--pricing-commit",
      message: `must be a git commit id (7 to 64 hex digits), got ${JSON.stringify(options.pricingCommit)}`,
      hint: 'pass the commit of the pricing used, e.g. --pricing-commit "$(git rev-parse HEAD)"',
    });
  }
  const data = path.resolve(io.cwd, options.data);
  const started = Date.now();
  const result = await run({
    logs: [],
    pricingDir: options.pricingDir,
    policiesDir: options.policiesDir,
    out: options.data,
    since: options.since,
    until: options.until,
    // Rewritten partitions keep the page codec the nightly chose (it is in the manifest of the last run).
    parquetCompression: await lastCompression(data),
    cwd: io.cwd,
    now,
    restate: { pricingCommit: options.pricingCommit ?? null },
    onWarning: (message) => io.err(`warning: ${message}\n`),
  });
  io.out(summarizeRestatement(result.restatement!, result.manifest, displayPath(data, io.cwd) || ".", (Date.now() - started) / 1000));
  return 0;
}

async function lastCompression(data: string): Promise<"none" | "snappy"> {
  try {
    return (await readManifest(data)).options.parquet_compression === "snappy" ? "snappy" : "none";
  } catch {
    return "none";
  }
}

const n = (x: number) => x.toLocaleString("en");

/** The summary on stdout: one line per day, old → new cost and the change, then what was recorded. */
export function summarizeRestatement(report: RestateReport, manifest: Manifest, shown: string, seconds: number): string {
  const { window, days, recorded } = report;
  const rows = days.reduce((sum, d) => sum + d.new.rows, 0);
  const c = manifest.counts;
  const accounted = c.rows_read === c.priced + c.unpriced && c.rows_read === rows;
  const lines = [
    `costs restate: ${days.length} day${days.length === 1 ? "" : "s"} from ${days[0]!.date} to ${days.at(-1)!.date} priced again (${n(rows)} rows, ${accounted ? "every row accounted for" : "MISMATCH"}) in ${seconds.toFixed(1)} s`,
    "",
  ];
  const table = [["day", "rows", "old cost_usd", "", "new cost_usd", "change"]];
  for (const day of days) {
    const change = parseNano(day.new.cost_usd) - parseNano(day.old.cost_usd);
    table.push([
      day.date,
      n(day.new.rows),
      day.old.cost_usd,
      "→",
      day.new.cost_usd,
      !day.changed ? "unchanged" : change === 0n ? "list cost changed" : `${change > 0n ? "+" : ""}${formatNano(change)}`,
    ]);
  }
  lines.push(
    ...formatTable(table, new Set([1, 2, 4, 5]))
      .split("\n")
      .map((l) => `  ${l}`),
    "",
  );
  if (window.skipped.length > 0) {
    lines.push(
      `no priced partition, skipped: ${formatDayRanges(window.skipped)} (${n(window.skipped.length)} day${window.skipped.length === 1 ? "" : "s"})`,
    );
  }
  const unchanged = days.length - recorded.length;
  lines.push(
    recorded.length === 0
      ? `no day's totals changed: nothing recorded in ${shown}/${RESTATEMENTS_FILE}`
      : `${recorded.length} restated day${recorded.length === 1 ? "" : "s"} recorded in ${shown}/${RESTATEMENTS_FILE}${unchanged > 0 ? ` (${unchanged} unchanged, not recorded)` : ""}, pricing commit ${recorded[0]!.pricing_commit ?? "not given (--pricing-commit)"}`,
    `dataset total: ${manifest.dataset.cost_usd} USD over ${n(manifest.dataset.rows)} rows (pricing ${manifest.pricing_version})`,
  );
  return `${lines.join("\n")}\n`;
}
