/**
 * `npm run bench:nightly -- [--per-day N] [--history 30,90] [--seed S] [--keep]`: what the
 * nightly costs as history grows. For each history length D it prices D days of N
 * generated calls a day (the sample generator, cached in `.bench/`), then measures, each
 * as a child process (wall time, peak RSS as VmHWM, CPU), the way the nightly runs:
 *
 * - `costs run` of the next day (`--since/--until` that day) into an empty output folder;
 * - the same run into a copy of the D-day history;
 * - `costs site-data` over the history and that day.
 *
 * It prints the ratios the project holds itself to: the nightly into history within 1.5×
 * the time and peak RSS of the same day into an empty folder, site-data within 3× that
 * day's time and under 600 MB, and checks the history run's total equals the sum of the
 * history and the day priced on their own (to the nano-USD).
 */
import { cp, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_SEED, generateRows } from "./generate-rows.ts";
import { measureChild, type ChildResult } from "./measure-child.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const { values } = parseArgs({
  options: {
    "per-day": { type: "string", default: "33000" },
    history: { type: "string", default: "30,90" },
    seed: { type: "string", default: String(DEFAULT_SEED) },
    keep: { type: "boolean", default: false },
  },
});
const perDay = Number(values["per-day"]);
const histories = values.history.split(",").map(Number);
const seed = Number(values.seed);
const START = "2026-03-01";
const log = (line: string) => process.stderr.write(`${line}\n`);
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

const costs = (args: string[]): Promise<ChildResult> =>
  measureChild(process.execPath, [path.join(ROOT, "pipeline/bin/costs.js"), ...args], { cwd: ROOT });
async function must(what: string, result: Promise<ChildResult>): Promise<ChildResult> {
  const r = await result;
  if (r.code !== 0) throw new Error(`${what} failed (${r.code ?? r.signal}):\n${r.stderr.slice(-2000)}`);
  return r;
}
const total = async (out: string) => JSON.parse(await readFile(path.join(out, "manifest.json"), "utf8")).dataset.cost_usd as string;
const nano = (text: string) => BigInt(text.replace(".", ""));
const fmt = (r: ChildResult) =>
  `${(r.wallMs / 1000).toFixed(2).padStart(7)} s  ${((r.peakRssBytes ?? 0) / 1e6).toFixed(0).padStart(6)} MB  ${((r.cpuMs ?? 0) / 1000).toFixed(1).padStart(6)} s CPU`;

const work = await mkdtemp(path.join(tmpdir(), "bench-nightly-"));
await must("warm-up", costs(["--help"])); // builds the cached bundle once
const rows: string[] = [];
for (const days of histories) {
  const day = addDays(START, days);
  log(`history of ${days} days × ${perDay.toLocaleString("en")} calls, then ${day} …`);
  const cache = path.join(ROOT, ".bench");
  await mkdir(cache, { recursive: true });
  const history = await generateRows({ rows: perDay * days, days, seed, dir: cache, start: START, onProgress: log });
  const next = await generateRows({ rows: perDay, days: 1, seed: seed + days, dir: cache, start: day, onProgress: log });
  const dir = path.join(work, `h${days}`);
  const out = path.join(dir, "history");
  const priced = await must("pricing the history", costs(["run", "--logs", history.file, "--out", out, "--no-progress"]));
  log(`  history priced in ${(priced.wallMs / 1000).toFixed(1)} s`);
  const empty = await must(
    "the day into an empty folder",
    costs(["run", "--logs", next.file, "--out", path.join(dir, "empty"), "--since", day, "--until", day, "--no-progress"]),
  );
  const grown = path.join(dir, "grown");
  await cp(out, grown, { recursive: true });
  const nightly = await must(
    "the day into the history",
    costs(["run", "--logs", next.file, "--out", grown, "--since", day, "--until", day, "--no-progress"]),
  );
  const site = await must(
    "site-data",
    costs(["site-data", "--data", grown, "--out", path.join(dir, "site"), "--public-dir", path.join(dir, "public")]),
  );
  const sum = nano(await total(out)) + nano(await total(path.join(dir, "empty")));
  const equal = nano(await total(grown)) === sum;
  rows.push(
    [
      `${days} days of history (${(perDay * days).toLocaleString("en")} calls) + ${day} (${next.rows.toLocaleString("en")} calls)`,
      `  costs run, the day into an empty folder   ${fmt(empty)}`,
      `  costs run, the day into the history       ${fmt(nightly)}   ${(nightly.wallMs / empty.wallMs).toFixed(2)}× time, ${((nightly.peakRssBytes ?? 0) / (empty.peakRssBytes ?? 1)).toFixed(2)}× RSS (target ≤ 1.5×)`,
      `  costs site-data over the history + day    ${fmt(site)}   ${(site.wallMs / empty.wallMs).toFixed(2)}× the day's time (target ≤ 3×, < 600 MB)`,
      `  total after the nightly = history + day: ${equal ? "yes" : "NO"} (${await total(grown)} USD)`,
    ].join("\n"),
  );
  if (!equal) process.exitCode = 1;
}
console.log(
  `\nnightly at constant cost (${new Date().toISOString().slice(0, 10)}, Node ${process.version}; wall, peak RSS, CPU per child process)\n`,
);
console.log(rows.join("\n\n"));
if (!values.keep) await rm(work, { recursive: true, force: true });
else console.log(`\nkept: ${work}`);
