/**
 * Day rollups (history/day-rollup.ts): what `costs run` writes for each day equals the
 * rollup built from the day's rows read back (every grain's groups, totals, and the site's
 * lists of calls); outputs rebuilt over kept days from their rollups equal those rebuilt
 * from rows; a day kept as a rollup alone still counts; a policy change that needs a day's
 * rows, when only its rollup is left, stops the run with a clear error.
 */
import { cp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Rollup } from "../../src/engine/rollup.ts";
import { toExtractTable } from "../../src/extracts/to-extract-table.ts";
import { dayRollupFromRows } from "../../src/history/day-rollup-from-rows.ts";
import { listRollupDays, readDayRollup, type DayRollup } from "../../src/history/day-rollup.ts";
import { loadPoliciesOrThrow } from "../../src/policies/load-policies.ts";
import { loadPricingOrThrow } from "../../src/pricing/load-pricing.ts";
import { dayGrains, focusPieceDimensions } from "../../src/schemas/fields.ts";
import { runCli } from "../run-cli.ts";
import { writeTempTree } from "../temp-dir.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");
let dir: string;
const data = () => path.join(dir, "data");
const run = (out: string, ...extra: string[]) => runCli(ROOT, "run", "--logs", "data/sample", "--out", out, "--no-progress", ...extra);

/** Outputs that must not depend on how kept days were read: extracts, FOCUS, the manifest's dataset totals. */
async function outputs(out: string): Promise<Record<string, string>> {
  const files = [
    "focus/focus.csv",
    ...(await readdir(path.join(out, "extracts"))).filter((f) => f.endsWith(".csv")).map((f) => `extracts/${f}`),
  ];
  const result = Object.fromEntries(await Promise.all(files.map(async (f) => [f, await readFile(path.join(out, f), "utf8")])));
  const manifest = JSON.parse(await readFile(path.join(out, "manifest.json"), "utf8"));
  return { ...result, dataset: JSON.stringify({ ...manifest.dataset, rollup_only_days: undefined }) };
}

/** A grain's groups as sorted extract rows: equal content whatever the order groups were added in. */
const rowsOf = (rollup: DayRollup, key: string) => {
  const r = Rollup.fromJSON(rollup.grains[key]!);
  return toExtractTable(r.toColumns(), r.dimensions as string[]).rows;
};

beforeAll(async () => {
  dir = await writeTempTree({});
  expect((await run(data())).code).toBe(0);
}, 60_000);

describe("day rollups", () => {
  it("costs run writes one per day, equal to the rollup built from the day's rows", async () => {
    const days = await listRollupDays(data());
    expect(days).toHaveLength(30);
    const policies = await loadPoliciesOrThrow(path.join(ROOT, "policies"));
    const grains = dayGrains(policies.extracts, policies.siteMetadataKeys, policies.focusTags, policies.budgetKeys);
    expect(grains.map((g) => g.key)).toContain(
      "by:date,team,model,provider_account,region,user,virtual_account,price_source,policy_status,metadata.application,metadata.environment,metadata.cost_center,metadata.customer_id",
    );
    // The sample's policies/budgets.yaml names no metadata key: the budgets' grain is the bare one.
    expect(grains.map((g) => g.key)).toContain("by:date,user,team,virtual_account,model,provider_account");
    let examples = 0;
    let differences = 0;
    const book = await loadPricingOrThrow(path.join(ROOT, "pricing"));
    const dimensions = focusPieceDimensions(policies.focusTags);
    for (const day of days) {
      const written = (await readDayRollup(data(), day))!;
      const focus = { book, pricingVersion: written.pricing_version, dimensions };
      const fromRows = await dayRollupFromRows(data(), day, grains, undefined, focus);
      expect(written.focus_pieces!.rows.length, day).toBeGreaterThan(0);
      for (const g of grains) expect(rowsOf(written, g.key), `${day} ${g.key}`).toEqual(rowsOf(fromRows, g.key));
      expect(written.extras, day).toEqual(fromRows.extras);
      expect({ ...written, grains: null }, day).toEqual({ ...fromRows, grains: null });
      examples += written.extras.examples.length;
      differences += written.extras.differences.length;
    }
    // The sample has unpriced calls, violations and reported costs: the lists are not empty.
    expect(examples).toBeGreaterThan(30);
    expect(differences).toBeGreaterThan(30);
  });

  it("outputs over kept days are the same from their rollups, from their rows (rollups deleted, then rebuilt) and from a full run", async () => {
    const fromRollups = path.join(dir, "from-rollups");
    const fromRows = path.join(dir, "from-rows");
    await cp(data(), fromRollups, { recursive: true });
    await cp(data(), fromRows, { recursive: true });
    await rm(path.join(fromRows, "rollups"), { recursive: true });
    for (const out of [fromRollups, fromRows]) expect((await run(out, "--since", "2026-06-20", "--until", "2026-06-20")).code).toBe(0);
    expect(await listRollupDays(fromRows)).toHaveLength(30); // rebuilt from the kept rows, and written
    expect(await outputs(fromRollups)).toEqual(await outputs(data()));
    expect(await outputs(fromRows)).toEqual(await outputs(data()));
  });

  it("a day kept as its rollup alone (rows lost) still counts in every output, and the manifest says so", async () => {
    const out = path.join(dir, "rollup-only");
    await cp(data(), out, { recursive: true });
    await rm(path.join(out, "priced", "date=2026-06-17"), { recursive: true });
    expect((await run(out, "--since", "2026-06-20", "--until", "2026-06-20")).code).toBe(0);
    const manifest = JSON.parse(await readFile(path.join(out, "manifest.json"), "utf8"));
    expect(manifest.dataset.rollup_only_days).toEqual(["2026-06-17"]);
    expect(manifest.dataset.days).toHaveLength(30);
    expect(await outputs(out)).toEqual(await outputs(data()));
    // Readers accept it: the manifest describes the folder.
    expect((await runCli(ROOT, "extract", "--data", out, "--group-by", "team")).code).toBe(0);
  });

  it("costs site-data gives the same files from the day rollups as from every row (--from-rows), also with a rollup-only day", async () => {
    const site = async (out: string, ...extra: string[]) => {
      const target = path.join(dir, `site-${path.basename(out)}-${extra.length}`);
      const result = await runCli(
        ROOT,
        "site-data",
        "--data",
        out,
        "--out",
        path.join(target, "json"),
        "--public-dir",
        path.join(target, "public"),
        ...extra,
      );
      expect(result.err).toBe("");
      expect(result.code).toBe(0);
      const files: Record<string, string> = {};
      for (const entry of await readdir(target, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile()) continue;
        const file = path.join(entry.parentPath, entry.name);
        const text = (await readFile(file)).toString("base64");
        files[path.relative(target, file)] =
          entry.name === "summary.json" ? JSON.stringify({ ...JSON.parse(await readFile(file, "utf8")), generated_at: null }) : text;
      }
      return files;
    };
    const fromRollups = await site(data());
    expect(Object.keys(fromRollups)).toContain("public/data/cube.parquet");
    expect(await site(data(), "--from-rows")).toEqual(fromRollups);
    // The rollup-only day of the test above: the site is the same as with its rows (the same runs made both folders;
    // the last run's own counts, which the site also shows, differ from the full run's).
    expect(await site(path.join(dir, "rollup-only"))).toEqual(await site(path.join(dir, "from-rollups")));
  });

  it("a new extract that needs the rows of a rollup-only day stops the run and names the day", async () => {
    const out = path.join(dir, "rollup-only-new-extract");
    await cp(data(), out, { recursive: true });
    await rm(path.join(out, "priced", "date=2026-06-17"), { recursive: true });
    const policies = path.join(dir, "policies-more");
    await cp(path.join(ROOT, "policies"), policies, { recursive: true });
    const extracts = await readFile(path.join(policies, "extracts.yaml"), "utf8");
    await writeFile(
      path.join(policies, "extracts.yaml"),
      extracts.replace("extracts:\n", "extracts:\n  - name: cost-by-region\n    group_by: [date, region]\n"),
    );
    const result = await run(out, "--policies-dir", policies, "--since", "2026-06-20", "--until", "2026-06-20");
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /day 2026-06-17 has no priced rows and its rollup lacks what the policies now need \(grouped by date, region\)/,
    );
    expect(result.err).toMatch(/restore the day's priced partition/);
  });
});
