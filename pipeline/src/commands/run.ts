import { writeFile } from "node:fs/promises";
import path from "node:path";
import { displayPath } from "../lib/errors.ts";
import { formatTable } from "../lib/format-table.ts";
import type { Io } from "../lib/io.ts";
import { run, type RunOptions } from "../run.ts";
import type { Manifest } from "../stages/write/index.ts";

export type RunCommandOptions = Omit<RunOptions, "cwd" | "now" | "onProgress" | "onWarning" | "onCommitStep"> & {
  progress?: boolean;
  timings?: string;
};

/**
 * `costs run`: the nightly job. Progress goes to stderr (at most every 2 s, so short runs
 * stay quiet); the summary of what happened to every row goes to stdout.
 */
export async function runCommand(options: RunCommandOptions, io: Io, now: () => Date = () => new Date()): Promise<number> {
  const started = Date.now();
  let lastReport = started;
  const result = await run({
    ...options,
    cwd: io.cwd,
    now,
    onWarning: (message) => io.err(`warning: ${message}\n`),
    onProgress: (rows) => {
      const t = Date.now();
      if (options.progress === false || t - lastReport < 2000) return;
      lastReport = t;
      io.err(`  ${rows.toLocaleString("en")} rows read (${Math.round(rows / ((t - started) / 1000)).toLocaleString("en")} rows/s)\n`);
    },
  });
  const seconds = (Date.now() - started) / 1000;
  io.out(summarize(result.manifest, displayPath(result.out, io.cwd) || ".", seconds));
  if (options.timings) {
    const t = result.timings;
    const rows = result.manifest.counts.rows_read;
    const report = {
      wall_ms: Math.round(seconds * 1000),
      peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
      threads: t.threads,
      rows,
      rows_per_second: Math.round(rows / Math.max(seconds, 0.001)),
      stages: [
        { stage: "config", ms: Math.round(t.config), note: "load and check pricing/ and policies/, start worker threads" },
        { stage: "read", ms: Math.round(t.read), note: "read (and gunzip) the input, cut it into chunks of whole lines" },
        {
          stage: "parse+price",
          ms: Math.round(t.parse),
          note: "parse, attribute, validate, price and encode columns; summed over worker threads",
        },
        {
          stage: "write",
          ms: Math.round(t.write),
          note: "rejects, extracts, FOCUS, manifest and the swap (day files are written while reading)",
        },
      ],
    };
    await writeFile(path.resolve(io.cwd, options.timings), `${JSON.stringify(report, null, 2)}\n`);
  }
  return 0;
}

const n = (x: number) => x.toLocaleString("en");

export function summarize(manifest: Manifest, out: string, seconds: number): string {
  const c = manifest.counts;
  const lines: string[] = [];
  lines.push(
    `costs run: ${n(c.rows_read)} row${c.rows_read === 1 ? "" : "s"} read from ${manifest.inputs.length} file${manifest.inputs.length === 1 ? "" : "s"} in ${seconds.toFixed(1)} s (${n(Math.round(c.rows_read / Math.max(seconds, 0.001)))} rows/s)`,
    "",
  );
  const outcomes = [
    ["outcome", "rows"],
    ["priced", n(c.priced)],
    ["unpriced", n(c.unpriced)],
    ["rejected", n(c.rejected)],
    ["duplicates", n(c.duplicates)],
    ["virtual-model parents", n(c.virtual_parents)],
    ["outside --since/--until", n(c.out_of_window)],
    ["rows read", n(c.rows_read)],
  ];
  lines.push(...indent(formatTable(outcomes, new Set([1]))));
  const sum = c.priced + c.unpriced + c.rejected + c.duplicates + c.virtual_parents + c.out_of_window;
  lines.push(`  (${sum === c.rows_read ? "every row accounted for" : `MISMATCH: outcomes add up to ${n(sum)}`})`, "");

  const source = manifest.run.by_price_source;
  lines.push(
    ...indent(
      formatTable(
        [
          ["price source", "requests", "cost_usd"],
          ["public", n(source.public!.requests), source.public!.cost_usd],
          ["private", n(source.private!.requests), source.private!.cost_usd],
          ["gateway cache", n(source.gateway_cache?.requests ?? 0), source.gateway_cache?.cost_usd ?? "0.000000000"],
          ["unpriced", n(source.unpriced!.requests), "—"],
          ["total", n(Object.values(source).reduce((sum, b) => sum + (b?.requests ?? 0), 0)), manifest.run.cost_usd],
        ],
        new Set([1, 2]),
      ),
    ),
    "",
  );
  const assumptions = priceAssumptionLines(manifest);
  if (assumptions.length > 0)
    lines.push("  price columns missing from the input (see manifest.json inputs[].missing_price_columns)", ...assumptions, "");
  const suspects = manifest.inputs.filter((i) => i.suspect_columns?.length);
  if (suspects.length > 0) {
    lines.push("  columns ignored that look like misspellings (unknown_columns: warn; map them or list them under ignore:)");
    for (const i of suspects) lines.push(`  ${i.file}: ${i.suspect_columns!.join(", ")}`);
    lines.push("");
  }
  if (manifest.run.unpriced_reasons.length > 0) {
    lines.push("  top unpriced reasons");
    for (const { reason, requests } of manifest.run.unpriced_reasons.slice(0, 5)) lines.push(`  ${n(requests).padStart(8)}  ${reason}`);
    lines.push("");
  }
  const policy = manifest.run.by_policy_status;
  lines.push(
    ...indent(
      formatTable(
        [
          ["policy status", "requests", "cost_usd"],
          ["ok", n(policy.ok!.requests), policy.ok!.cost_usd],
          ["warning", n(policy.warning!.requests), policy.warning!.cost_usd],
          ["rejected_by_policy", n(policy.rejected_by_policy!.requests), policy.rejected_by_policy!.cost_usd],
        ],
        new Set([1, 2]),
      ),
    ),
  );
  const cov = manifest.run.policy_coverage;
  lines.push(
    `  policy coverage: ${cov === null ? "n/a (no cost)" : `${percent(cov)} of cost passes every rule`}; ` +
      `${n(manifest.run.metadata_overrides.rows)} rows had client metadata overridden by admins' tags`,
    "",
  );
  const extracts = manifest.outputs.extracts;
  lines.push(
    `outputs in ${out}/: priced/ (${manifest.run.days.length} day${manifest.run.days.length === 1 ? "" : "s"} written, ${manifest.dataset.days.length} in all), ` +
      `rejects.csv (${n(c.rejected)}), extracts/ (${extracts.map((e) => e.name).join(", ")}), focus/, manifest.json`,
  );
  lines.push(`dataset total: ${manifest.dataset.cost_usd} USD over ${n(manifest.dataset.rows)} rows (pricing ${manifest.pricing_version})`);
  return `${lines.join("\n")}\n`;
}

/**
 * One line per input file and missing price field: "12,345 rows from gateway_model_metrics.csv
 * have no cache_read_tokens column: priced as no cache reads (0); 8,000 of them
 * (4,567.123456789 USD) are for models with a cache-read rate".
 */
export function priceAssumptionLines(manifest: Pick<Manifest, "inputs">): string[] {
  const lines: string[] = [];
  for (const input of manifest.inputs) {
    for (const m of input.missing_price_columns) {
      lines.push(
        `  ${n(m.rows)} row${m.rows === 1 ? "" : "s"} from ${input.file} ha${m.rows === 1 ? "s" : "ve"} no ${m.field} column: ` +
          `priced as ${m.assumption}; ${n(m.rows_affected)} of them (${m.cost_affected_usd} USD) ${m.rows_affected === 1 ? "is" : "are"} for models with ${m.depends_on}`,
      );
    }
  }
  return lines;
}

function indent(text: string): string[] {
  return text.split("\n").map((l) => `  ${l}`);
}

/** "0.981234" → "98.1234%" without floats. */
function percent(share: string): string {
  const [whole, frac = ""] = share.split(".");
  const digits = `${whole}${frac.padEnd(6, "0")}`.replace(/^0+(?=\d{5})/, "");
  const padded = digits.padStart(5, "0");
  return `${String(Number(padded.slice(0, -4)))}.${padded.slice(-4)}%`;
}
