/**
 * `npm run bench:pricing`: measures what unit tests must not time. Prints, for this machine:
 * - loading the project's pricing/ and, when ../shared is present, the whole upstream catalog;
 * - pricing throughput of `priceCall` on calls shaped like real traffic (token sizes from
 *   ../shared/traces when present, else a built-in log-normal distribution);
 * - rows/s of the compiled pricer `costs run` uses (`createRowPricer`, stages/price) on
 *   sample rows (the sample generator's, read as `costs run` reads them; virtual-model
 *   parents left out, as the run does not price them), over several passes, each with a
 *   fresh pricer (its memo of resolutions built on the way, as in a run).
 * Options: --calls N (default 200000), --rows N sample rows (default 200000), --passes N (default 5).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadCatalog } from "../src/pricing/load-catalog.ts";
import { loadPricing } from "../src/pricing/load-pricing.ts";
import { formatNano } from "../src/pricing/money.ts";
import { priceCall } from "../src/pricing/price-call.ts";
import type { Call } from "../src/pricing/call.ts";
import { generateSample } from "../src/sample/generate-sample.ts";
import type { LogRow } from "../src/schemas/log-row.ts";
import { compilePreset } from "../src/stages/ingest/compile-preset.ts";
import { toLogRow } from "../src/stages/ingest/to-log-row.ts";
import { createRowPricer } from "../src/stages/price/index.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SHARED = path.resolve(ROOT, "../shared");
const { values } = parseArgs({
  options: {
    calls: { type: "string", default: "200000" },
    rows: { type: "string", default: "200000" },
    passes: { type: "string", default: "5" },
  },
});
const calls = Number(values.calls);
const sampleRows = Number(values.rows);
const passes = Math.max(1, Number(values.passes));

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await work();
  console.log(`${label.padEnd(52)} ${(performance.now() - start).toFixed(0).padStart(7)} ms`);
  return result;
}

const { book } = await timed("load project pricing/", () => loadPricing(path.join(ROOT, "pricing")));
const upstream = path.join(SHARED, "catalog/truefoundry-models");
if (existsSync(upstream)) {
  const { catalog } = await timed("load upstream catalog (../shared, 1,248 files)", () => loadCatalog(upstream));
  console.log(`${"  files / providers".padEnd(52)} ${catalog.fileCount} / ${catalog.providers.size}`);
} else {
  console.log(`skipping the upstream catalog: ${upstream} is absent`);
}

/** Deterministic token sizes: the real traces when present, else a seeded log-normal. */
function tokenSizes(): Array<[number, number]> {
  const trace = path.join(SHARED, "traces/AzureLLMInferenceTrace_conv.csv");
  if (existsSync(trace)) {
    return readFileSync(trace, "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => {
        const [, input, output] = line.split(",");
        return [Number(input), Number(output)];
      });
  }
  console.log("token sizes: built-in distribution (../shared/traces absent)");
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: 10_000 }, () => [Math.round(Math.exp(6 + 1.5 * random())), Math.round(Math.exp(4 + random()))]);
}

const sizes = tokenSizes();
const models = [
  "openai-main/gpt-4o",
  "anthropic-main/claude-sonnet-4-5",
  "gemini/gemini-2.5-pro",
  "bedrock-prod/nova-lite",
  "azure-ft/support-bot-ft",
];
const batch: Call[] = Array.from({ length: calls }, (_, i) => {
  const [input, output] = sizes[i % sizes.length]!;
  return {
    model: models[i % models.length]!,
    timestamp: Date.UTC(2026, 2, 1) + i * 1000,
    input_tokens: input,
    cache_read_tokens: i % 3 === 0 ? Math.floor(input / 2) : 0,
    output_tokens: output,
    batch: i % 17 === 0,
  };
});

const start = performance.now();
let total = 0n;
let unpriced = 0;
for (const call of batch) {
  const priced = priceCall(book, call);
  if (priced.cost_nano === null) unpriced++;
  else total += priced.cost_nano;
}
const seconds = (performance.now() - start) / 1000;
console.log(`${`priceCall × ${calls.toLocaleString("en")}`.padEnd(52)} ${(seconds * 1000).toFixed(0).padStart(7)} ms`);
console.log(`${"  calls/s".padEnd(52)} ${Math.round(calls / seconds).toLocaleString("en")}`);
console.log(`${"  total cost_usd / unpriced calls".padEnd(52)} ${formatNano(total)} / ${unpriced}`);

/** Sample rows as `costs run` sees them: generated, written as JSON and read back through the canonical preset. */
function sampleLogRows(): LogRow[] {
  const preset = compilePreset("canonical");
  const rows: LogRow[] = [];
  for (const record of generateSample({ rows: sampleRows, start: "2026-06-16", days: 30 })) {
    const result = toLogRow(JSON.parse(JSON.stringify(record)) as Record<string, unknown>, preset);
    if ("row" in result && result.row.virtual_model === null) rows.push(result.row);
  }
  return rows;
}

const rows = await timed(`generate ${sampleRows.toLocaleString("en")} sample rows`, async () => sampleLogRows());
const rates: number[] = [];
let compiledTotal = 0n;
let compiledUnpriced = 0;
for (let pass = 0; pass <= passes; pass++) {
  const price = createRowPricer(book, ROOT);
  const t = performance.now();
  let sum = 0n;
  let none = 0;
  for (const row of rows) {
    const priced = price(row);
    if ("reject" in priced || priced.cost_nano === null) none++;
    else sum += priced.cost_nano;
  }
  const ms = performance.now() - t;
  if (pass > 0) rates.push(rows.length / (ms / 1000)); // pass 0 warms the JIT up
  compiledTotal = sum;
  compiledUnpriced = none;
}
rates.sort((a, b) => a - b);
const rate = (r: number) => Math.round(r).toLocaleString("en");
console.log(`${`createRowPricer × ${rows.length.toLocaleString("en")} sample rows`.padEnd(52)} ${passes} passes`);
console.log(
  `${"  rows/s median (min – max)".padEnd(52)} ${rate(rates[Math.floor(rates.length / 2)]!)} (${rate(rates[0]!)} – ${rate(rates.at(-1)!)})`,
);
console.log(`${"  total cost_usd / unpriced or rejected rows".padEnd(52)} ${formatNano(compiledTotal)} / ${compiledUnpriced}`);
console.log(`${"  peak RSS".padEnd(52)} ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
