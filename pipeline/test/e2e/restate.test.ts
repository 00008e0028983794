/**
 * A backdated private price, end to end (issue 12, part 3): the committed sample priced
 * into a temp folder with a copy of `pricing/` in a real git repository; then a pull
 * request adds a cheaper week to the azure-ft/support-bot-ft contract, starting in the
 * past. `costs diff` must report exactly the days that model has calls in that week as the
 * restatement window; `costs restate` over it must change exactly those days, to what a
 * fresh `costs run` of the whole sample with the new pricing gives, leave every other
 * partition byte for byte as it was, keep every row, and record old → new per day in
 * restatements.json and the manifest; the ledger (costs-ledger branch of the same repository)
 * then records exactly those days old → new with the pricing commit. Clocks pinned.
 */
import { cp, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli.ts";
import { listPartitions, readPartitionColumns } from "../../src/dataset/read-partitions.ts";
import { sha256File } from "../../src/lib/hash.ts";
import { formatNano, parseNano } from "../../src/pricing/money.ts";
import { calendarDays } from "../../src/restate/select-days.ts";
import { PricingDiffSchema } from "../../src/schemas/pricing-diff.schema.ts";
import { RestatementsSchema } from "../../src/schemas/restatement.schema.ts";
import { checkOutputs } from "../check-outputs.ts";
import { PRICING_FIXTURE } from "../pricing-fixture.ts";
import { git } from "../git.ts";
import { writeTempTree } from "../temp-dir.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");
/** The pull request is reviewed, merged and the nightly runs on the morning of 2026-07-16 (UTC). */
const DIFF_NOW = new Date("2026-07-16T02:30:00.000Z");
const RESTATE_NOW = new Date("2026-07-16T02:31:07.000Z");
const MODEL = "azure-ft/support-bot-ft";
const WEEK = { from: Date.parse("2026-07-05T00:00:00Z"), to: Date.parse("2026-07-10T00:00:00Z") };

/** The contract's amendment 3 (from 2026-07-01, open-ended) cut into: itself until 07-05, a cheaper amendment 4 for 07-05 … 07-10, amendment 3's rates again after. */
const AMENDMENT_3 = `  - model: azure-ft/support-bot-ft
    effective_from: 2026-07-01
    region: "*"
    costs:
      input_cost_per_token: 0.0000018
      output_cost_per_token: 0.0000072
      cache_read_input_token_cost: 9.e-7
    source: "MSA 2026, amendment 3"
`;
const REBATE_WEEK = `  - model: azure-ft/support-bot-ft
    effective_from: 2026-07-01
    effective_to: 2026-07-05
    region: "*"
    costs:
      input_cost_per_token: 0.0000018
      output_cost_per_token: 0.0000072
      cache_read_input_token_cost: 9.e-7
    source: "MSA 2026, amendment 3"

  - model: azure-ft/support-bot-ft
    effective_from: 2026-07-05
    effective_to: 2026-07-10
    region: "*"
    costs:
      input_cost_per_token: 0.0000015
      output_cost_per_token: 0.000006
      cache_read_input_token_cost: 7.5e-7
    source: "MSA 2026, amendment 4 (rebate week, signed 2026-07-14)"

  - model: azure-ft/support-bot-ft
    effective_from: 2026-07-10
    region: "*"
    costs:
      input_cost_per_token: 0.0000018
      output_cost_per_token: 0.0000072
      cache_read_input_token_cost: 9.e-7
    source: "MSA 2026, amendment 3"
`;

let tmp: string;
let repo: string;
let data: string;
let commits: { base: string; head: string };
/** Before the pricing change: each partition's sha256, each day's totals, the manifest. */
let before: { sha: Map<string, string>; totals: Map<string, Totals>; manifest: { pricing_version: string; dataset: { rows: number } } };
/** The days support-bot-ft has calls in the rebate week. */
let weekDays: string[];

interface Totals {
  rows: number;
  cost_usd: string;
  list_cost_usd: string;
}

/** The command line in-process with a pinned clock. */
async function costs(now: Date, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s), cwd: ROOT, now: () => now });
  return { code, out, err };
}

async function shas(out: string): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  for (const day of await listPartitions(out)) {
    for (const file of (await readdir(path.join(out, "priced", `date=${day}`))).sort()) {
      map.set(`${day}/${file}`, await sha256File(path.join(out, "priced", `date=${day}`, file)));
    }
  }
  return map;
}

/** Each day's rows, cost and list cost, summed from its priced rows. */
async function dayTotals(out: string): Promise<Map<string, Totals>> {
  const rows = await readPartitionColumns(out, await listPartitions(out), ["date", "cost_usd", "list_cost_usd"]);
  const sums = new Map<string, { rows: number; cost: bigint; list: bigint }>();
  rows.date!.forEach((date, i) => {
    const day = sums.get(date as string) ?? sums.set(date as string, { rows: 0, cost: 0n, list: 0n }).get(date as string)!;
    day.rows++;
    day.cost += (rows.cost_usd![i] as bigint | null) ?? 0n;
    day.list += (rows.list_cost_usd![i] as bigint | null) ?? 0n;
  });
  return new Map([...sums].map(([d, s]) => [d, { rows: s.rows, cost_usd: formatNano(s.cost), list_cost_usd: formatNano(s.list) }]));
}

/** Every column of the rows of `days`, in file order. */
async function rowsOf(out: string, days: string[]): Promise<Record<string, unknown[]>> {
  const { PRICED_COLUMNS } = await import("../../src/dataset/priced-columns.ts");
  return readPartitionColumns(
    out,
    days,
    PRICED_COLUMNS.map(([name]) => name),
  );
}

async function readJson(file: string) {
  return JSON.parse(await readFile(file, "utf8"));
}

beforeAll(async () => {
  tmp = await writeTempTree({});
  repo = path.join(tmp, "repo");
  data = path.join(tmp, "data");
  await cp(path.join(ROOT, "pricing"), path.join(repo, "pricing"), { recursive: true });
  await cp(path.join(ROOT, "policies"), path.join(repo, "policies"), { recursive: true });
  await git(repo, "init", "-q", "-b", "main");
  await git(repo, "add", "pricing", "policies");
  await git(repo, "commit", "-q", "-m", "pricing as the sample was priced");
  const pricing = ["--pricing-dir", path.join(repo, "pricing"), "--policies-dir", path.join(repo, "policies")];
  const priced = await costs(DIFF_NOW, "run", "--logs", "data/sample", "--out", data, "--no-progress", ...pricing);
  expect(priced.err).toBe("");
  before = { sha: await shas(data), totals: await dayTotals(data), manifest: await readJson(path.join(data, "manifest.json")) };
  // The nightly published these days: the ledger records them on its branch of the repository.
  const recorded = await costs(DIFF_NOW, "ledger", "record", "--data", data, "--repo", repo);
  expect(recorded.err).toBe("");
  expect(recorded.code).toBe(0);

  const contract = path.join(repo, "pricing/private/azure-ft.yaml");
  const text = await readFile(contract, "utf8");
  expect(text).toContain(AMENDMENT_3);
  await writeFile(contract, text.replace(AMENDMENT_3, REBATE_WEEK));
  await git(repo, "commit", "-q", "-am", "azure-ft: rebate week 2026-07-05 … 2026-07-09 (amendment 4, backdated)");
  commits = { base: await git(repo, "rev-parse", "HEAD~1"), head: await git(repo, "rev-parse", "HEAD") };

  const calls = await readPartitionColumns(data, await listPartitions(data), ["date", "model", "timestamp"]);
  weekDays = [
    ...new Set(
      calls.date!.filter(
        (_, i) => calls.model![i] === MODEL && (calls.timestamp![i] as number) >= WEEK.from && (calls.timestamp![i] as number) < WEEK.to,
      ),
    ),
  ].sort() as string[];
}, 120_000);

describe("a backdated private price, from the pull request to the restated days", () => {
  let window: { since: string; until: string; change_usd: string };

  it("costs diff reports as the restatement window exactly the days the model has calls in the backdated week", async () => {
    expect(weekDays.length).toBeGreaterThan(2);
    const result = await costs(DIFF_NOW, "diff", "--repo", repo, "--base", "HEAD~1", "--head", "HEAD", "--usage", data, "--format", "json");
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    const diff = PricingDiffSchema.parse(JSON.parse(result.out));
    expect(diff.restatement).toMatchObject({
      since: weekDays[0],
      until: weekDays.at(-1),
      days: weekDays.length,
      reason: `private prices of ${MODEL} change for 2026-07-05 … 2026-07-09, and the priced usage has calls of that model in that range`,
    });
    // No day in the window without a call of the model: the window is exactly its days.
    expect(calendarDays(diff.restatement!.since!, diff.restatement!.until!)).toEqual(weekDays);
    window = diff.restatement as typeof window;

    const markdown = await costs(DIFF_NOW, "diff", "--repo", repo, "--base", "HEAD~1", "--head", "HEAD", "--usage", data);
    expect(markdown.out).toContain(
      `**Restatement:** after merge, the nightly restates **${weekDays[0]} … ${weekDays.at(-1)}** (${weekDays.length} days, **${window.change_usd} USD** from the re-priced usage)`,
    );
  });

  it("costs restate over that window changes exactly those days, to the totals of a fresh run with the new pricing", async () => {
    const pricing = ["--pricing-dir", path.join(repo, "pricing"), "--policies-dir", path.join(repo, "policies")];
    const result = await costs(
      RESTATE_NOW,
      "restate",
      "--since",
      window.since,
      "--until",
      window.until,
      "--data",
      data,
      ...pricing,
      "--pricing-commit",
      commits.head,
    );
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    expect(result.out).toMatch(
      new RegExp(
        `^costs restate: ${weekDays.length} days from ${weekDays[0]} to ${weekDays.at(-1)} priced again \\([\\d,]+ rows, every row accounted for\\)`,
      ),
    );
    expect(result.out).toContain(`${weekDays.length} restated days recorded in`);

    const fresh = path.join(tmp, "fresh");
    expect((await costs(RESTATE_NOW, "run", "--logs", "data/sample", "--out", fresh, "--no-progress", ...pricing)).code).toBe(0);
    const expected = await dayTotals(fresh);
    const after = await dayTotals(data);
    // Every day's total equals the fresh run's, to the nano-USD; the days that changed are exactly the model's days in the week.
    expect(after).toEqual(expected);
    const changed = [...after.keys()].filter((d) => JSON.stringify(after.get(d)) !== JSON.stringify(before.totals.get(d)));
    expect(changed).toEqual(weekDays);
    for (const day of weekDays) expect(parseNano(after.get(day)!.cost_usd)).toBeLessThan(parseNano(before.totals.get(day)!.cost_usd));
    // The restated rows are the fresh run's rows, every column (lineage included).
    expect(await rowsOf(data, weekDays)).toEqual(await rowsOf(fresh, weekDays));
    // Every other partition is byte for byte what it was.
    const now = await shas(data);
    for (const [file, sha] of before.sha) {
      if (weekDays.includes(file.slice(0, 10))) expect(now.get(file), file).not.toBe(sha);
      else expect(now.get(file), file).toBe(sha);
    }

    // restatements.json: old → new per changed day; the manifest lists it.
    const recorded = RestatementsSchema.parse(await readJson(path.join(data, "restatements.json")));
    const freshManifest = await readJson(path.join(fresh, "manifest.json"));
    expect(recorded).toEqual(
      weekDays.map((date) => ({
        date,
        restated_at: "2026-07-16T02:31:07.000Z",
        old: before.totals.get(date),
        new: expected.get(date),
        old_pricing_version: before.manifest.pricing_version,
        new_pricing_version: freshManifest.pricing_version,
        pricing_commit: commits.head,
      })),
    );
    expect(before.manifest.pricing_version).not.toBe(freshManifest.pricing_version);
    // The diff's change is what the restatement did.
    const change = recorded.reduce((sum, r) => sum + parseNano(r.new.cost_usd) - parseNano(r.old.cost_usd), 0n);
    expect(formatNano(change)).toBe(window.change_usd);

    const manifest = await checkOutputs(data);
    expect(manifest.restatements).toEqual(recorded);
    expect(manifest.outputs.restatements).toMatchObject({ path: "restatements.json", format: "json", rows: weekDays.length });
    expect(manifest.options).toMatchObject({ since: window.since, until: window.until, restate: true, pricing_commit: commits.head });
    // Every row accounted for: the days' rows read back, each priced again, none lost.
    const rows = weekDays.reduce((n, d) => n + before.totals.get(d)!.rows, 0);
    expect(manifest.counts).toEqual({
      rows_read: rows,
      priced: manifest.counts.priced,
      unpriced: manifest.counts.unpriced,
      rejected: 0,
      duplicates: 0,
      virtual_parents: 0,
      out_of_window: 0,
    });
    expect(manifest.counts.priced + manifest.counts.unpriced).toBe(rows);
    expect(manifest.run.days).toEqual(weekDays);
    expect(manifest.dataset.rows).toBe(before.manifest.dataset.rows);
    expect(manifest.dataset.cost_usd).toBe(freshManifest.dataset.cost_usd);
    expect(manifest.inputs.map((i: { file: string; preset: string }) => [path.basename(path.dirname(i.file)), i.preset])).toEqual(
      weekDays.map((d) => [`date=${d}`, "priced"]),
    );

    // A later nightly run keeps restatements.json and lists it.
    const nightly = await costs(
      RESTATE_NOW,
      "run",
      "--logs",
      "data/sample",
      "--out",
      data,
      "--since",
      "2026-07-15",
      "--until",
      "2026-07-15",
      "--no-progress",
      ...pricing,
    );
    expect(nightly.code).toBe(0);
    const next = await readJson(path.join(data, "manifest.json"));
    expect(next.restatements).toEqual(recorded);
    expect(next.outputs.restatements).toEqual(manifest.outputs.restatements);
  });

  it("the ledger then records exactly the restated days, each old → new with the pricing commit, and verify accepts the data", async () => {
    const recorded = await costs(RESTATE_NOW, "ledger", "record", "--data", data, "--repo", repo);
    expect(recorded.err).toBe("");
    expect(recorded.code).toBe(0);
    const after = await dayTotals(data);
    for (const day of await listPartitions(data)) {
      const entry = JSON.parse(await git(repo, "show", `costs-ledger:days/${day}.json`));
      if (!weekDays.includes(day)) {
        expect(entry.restatements, day).toEqual([]);
        expect(entry.cost_usd, day).toBe(before.totals.get(day)!.cost_usd);
        continue;
      }
      expect(entry.cost_usd, day).toBe(after.get(day)!.cost_usd);
      expect(entry.restatements, day).toEqual([
        expect.objectContaining({
          reason: "restate",
          old: expect.objectContaining({ cost_usd: before.totals.get(day)!.cost_usd, rows: before.totals.get(day)!.rows }),
          new: expect.objectContaining({ cost_usd: after.get(day)!.cost_usd, rows: after.get(day)!.rows }),
          pricing_commit: commits.head,
        }),
      ]);
    }
    expect(weekDays.some((day) => before.totals.get(day)!.cost_usd !== after.get(day)!.cost_usd)).toBe(true);
    const verified = await costs(RESTATE_NOW, "ledger", "verify", "--data", data, "--repo", repo);
    expect(verified.code).toBe(0);
  });

  it("restating again with the same pricing rewrites byte-identical partitions and records nothing", async () => {
    const pricing = ["--pricing-dir", path.join(repo, "pricing"), "--policies-dir", path.join(repo, "policies")];
    const sha = await shas(data);
    const recorded = await readFile(path.join(data, "restatements.json"), "utf8");
    const result = await costs(RESTATE_NOW, "restate", "--since", window.since, "--until", window.until, "--data", data, ...pricing);
    expect(result.code).toBe(0);
    expect(result.out.match(/ unchanged$/gm)).toHaveLength(weekDays.length);
    expect(result.out).toContain("no day's totals changed: nothing recorded in");
    expect(await shas(data)).toEqual(sha);
    expect(await readFile(path.join(data, "restatements.json"), "utf8")).toBe(recorded);
  });

  it("the whole sample priced again with the pricing it was priced with comes back row for row, and here byte for byte", async () => {
    const copy = path.join(tmp, "unchanged");
    const priced = await costs(DIFF_NOW, "run", "--logs", "data/sample", "--out", copy, "--no-progress");
    expect(priced.code).toBe(0);
    const sha = await shas(copy);
    const rows = await rowsOf(copy, await listPartitions(copy));
    const result = await costs(RESTATE_NOW, "restate", "--since", "2026-06-16", "--data", copy);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(
      /^costs restate: 30 days from 2026-06-16 to 2026-07-15 priced again \(4,184 rows, every row accounted for\)/,
    );
    expect(await rowsOf(copy, await listPartitions(copy))).toEqual(rows);
    // The files too: the sample's duplicates leave no stale dictionary entry behind (docs/pipeline.md, section 9).
    expect(await shas(copy)).toEqual(sha);
    expect(await readdir(copy)).not.toContain("restatements.json");
    expect((await readJson(path.join(copy, "manifest.json"))).restatements).toEqual([]);
  });
});

describe("costs restate refuses what would lose or invent a row", () => {
  it("a price that would reject rows: nothing is restated, the rows are named", async () => {
    const pricing = path.join(tmp, "absurd");
    await cp(path.join(repo, "pricing"), path.join(pricing, "pricing"), { recursive: true });
    const contract = path.join(pricing, "pricing/private/azure-ft.yaml");
    await writeFile(
      contract,
      (await readFile(contract, "utf8")).replace("input_cost_per_token: 0.0000015", "input_cost_per_token: 999999"),
    );
    const sha = await shas(data);
    const manifest = await readFile(path.join(data, "manifest.json"), "utf8");
    const result = await costs(
      RESTATE_NOW,
      "restate",
      "--since",
      "2026-07-05",
      "--until",
      "2026-07-09",
      "--data",
      data,
      "--pricing-dir",
      path.join(pricing, "pricing"),
      "--policies-dir",
      path.join(repo, "policies"),
    );
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^error: the restatement would not keep every row of the days it re-prices; nothing was restated\n/);
    expect(result.err).toMatch(/\nerror: \d+ rows are rejected by the current rules\n/);
    expect(result.err).toMatch(/\nerror: data\/sample\/[a-z-]+\.(jsonl\.gz|csv):\d+: cost_usd \d+\.\d{9} is too large/);
    expect(await shas(data)).toEqual(sha);
    expect(await readFile(path.join(data, "manifest.json"), "utf8")).toBe(manifest);
    expect((await readdir(data)).filter((f) => f.startsWith("."))).toEqual([]);
  });

  it("days without a partition are skipped and named; a window without any is an error", async () => {
    const partial = await costs(
      RESTATE_NOW,
      "restate",
      "--since",
      "2026-07-14",
      "--until",
      "2026-07-18",
      "--data",
      data,
      "--pricing-dir",
      path.join(repo, "pricing"),
      "--policies-dir",
      path.join(repo, "policies"),
    );
    expect(partial.code).toBe(0);
    expect(partial.out).toContain("no priced partition, skipped: 2026-07-16 … 2026-07-18 (3 days)");
    expect(partial.out).toMatch(/^costs restate: 2 days from 2026-07-14 to 2026-07-15/);
    const none = await costs(RESTATE_NOW, "restate", "--since", "2026-08-01", "--data", data);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(
      /^error: .*data\/priced: has no day from 2026-08-01 to the last day to restate \(it holds 2026-06-16 … 2026-07-15\); nothing was restated\n/,
    );
    const bad = await costs(RESTATE_NOW, "restate", "--since", "2026-07-01", "--pricing-commit", "HEAD", "--data", data);
    expect([bad.code, bad.err.split("\n")[0]]).toEqual([
      1,
      'error: --pricing-commit: must be a git commit id (7 to 64 hex digits), got "HEAD"',
    ]);
  });

  it("a request id two nightly runs kept on two days stays on both", async () => {
    const dir = await writeTempTree({
      ...Object.fromEntries(Object.entries(PRICING_FIXTURE).map(([k, v]) => [`pricing/${k}`, v])),
      "logs/day1.jsonl": `${JSON.stringify({ request_id: "same", timestamp: "2026-07-01T10:00:00Z", model: "acme-main/flat", input_tokens: 1000 })}\n`,
      "logs/day2.jsonl": `${JSON.stringify({ request_id: "same", timestamp: "2026-07-02T10:00:00Z", model: "acme-main/flat", input_tokens: 2000 })}\n`,
    });
    const out = path.join(dir, "out");
    const common = ["--pricing-dir", path.join(dir, "pricing"), "--policies-dir", path.join(dir, "policies")];
    for (const day of ["1", "2"]) {
      const logs = path.join(dir, `logs/day${day}.jsonl`);
      expect(
        (
          await costs(
            RESTATE_NOW,
            "run",
            "--logs",
            logs,
            "--out",
            out,
            "--since",
            `2026-07-0${day}`,
            "--until",
            `2026-07-0${day}`,
            "--no-progress",
            ...common,
          )
        ).code,
      ).toBe(0);
    }
    const result = await costs(RESTATE_NOW, "restate", "--since", "2026-07-01", "--data", out, ...common);
    expect(result.code).toBe(0);
    const manifest = await readJson(path.join(out, "manifest.json"));
    expect(manifest.counts).toMatchObject({ rows_read: 2, priced: 2, duplicates: 0 });
    // 1,000 and 2,000 input tokens at 0.000001 USD, plus the model's 0.005 USD per request.
    expect(manifest.dataset).toMatchObject({ rows: 2, cost_usd: "0.013000000" });
    const rows = await readPartitionColumns(out, ["2026-07-01", "2026-07-02"], ["request_id", "source_file", "source_line"]);
    expect(rows).toEqual({
      request_id: ["same", "same"],
      source_file: [path.join(dir, "logs/day1.jsonl"), path.join(dir, "logs/day2.jsonl")],
      source_line: [1n, 1n],
    });
  });
});
