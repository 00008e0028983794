import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../test/run-cli.ts";
import { writeTempTree } from "../../test/temp-dir.ts";
import { parseNano } from "../pricing/money.ts";
import {
  BreakdownSchema,
  SiteDownloadsSchema,
  SiteIssuesSchema,
  SitePricesSchema,
  SiteReconciliationSchema,
  SiteSummarySchema,
} from "../schemas/site-data.schema.ts";
import { readParquet } from "../parquet/read-parquet.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");
let tmp: string;
const read = async (name: string) => JSON.parse(await readFile(path.join(tmp, "site-data", name), "utf8"));

beforeAll(async () => {
  tmp = await writeTempTree({});
  expect((await runCli(ROOT, "run", "--logs", "data/sample", "--out", path.join(tmp, "data"), "--no-progress")).code).toBe(0);
  const result = await runCli(
    ROOT,
    "site-data",
    "--data",
    path.join(tmp, "data"),
    "--out",
    path.join(tmp, "site-data"),
    "--public-dir",
    path.join(tmp, "public"),
  );
  expect(result.err).toBe("");
  expect(result.code).toBe(0);
});

describe("costs site-data", () => {
  it("writes JSON that matches the shared schemas", async () => {
    SiteSummarySchema.parse(await read("summary.json"));
    SiteIssuesSchema.parse(await read("issues.json"));
    SitePricesSchema.parse(await read("prices.json"));
    SiteReconciliationSchema.parse(await read("reconciliation.json"));
    SiteDownloadsSchema.parse(await read("downloads.json"));
    const breakdowns = (await readdir(path.join(tmp, "site-data"))).filter((f) => f.startsWith("breakdown-"));
    expect(breakdowns.sort()).toEqual([
      "breakdown-metadata.application.json",
      "breakdown-metadata.cost_center.json",
      "breakdown-metadata.customer_id.json",
      "breakdown-metadata.environment.json",
      "breakdown-model.json",
      "breakdown-team.json",
      "breakdown-user.json",
    ]);
    for (const file of breakdowns) BreakdownSchema.parse(await read(file));
  });

  it("every total equals the manifest's: summary, each breakdown, its daily series and the cube", async () => {
    const manifest = JSON.parse(await readFile(path.join(tmp, "data/manifest.json"), "utf8"));
    const summary = await read("summary.json");
    const total = parseNano(manifest.dataset.cost_usd);
    expect(summary.totals.cost_usd).toBe(manifest.dataset.cost_usd);
    expect(summary.totals.requests).toBe(manifest.dataset.rows);
    expect(summary.daily.reduce((s: bigint, d: { cost_usd: string }) => s + parseNano(d.cost_usd), 0n)).toBe(total);
    for (const dimension of ["user", "model", "team", "metadata.customer_id"]) {
      const b = await read(`breakdown-${dimension}.json`);
      expect(
        b.rows.reduce((s: bigint, r: { cost_usd: string }) => s + parseNano(r.cost_usd), 0n),
        dimension,
      ).toBe(total);
      expect(
        b.daily.reduce((s: bigint, r: { cost_usd: string }) => s + parseNano(r.cost_usd), 0n),
        `${dimension} daily`,
      ).toBe(total);
      expect(b.rows.reduce((s: number, r: { requests: number }) => s + r.requests, 0)).toBe(manifest.dataset.rows);
      // The daily series: the 10 costliest values by name, the rest in `other` rows with no key.
      const daily = b.daily as { key: string | null; other?: true }[];
      const named = new Set(daily.filter((r) => !r.other).map((r) => r.key));
      const top = (b.rows as { key: string | null }[]).slice(0, 10).map((r) => r.key);
      expect(
        [...named].every((k) => top.includes(k)),
        `${dimension} daily keys`,
      ).toBe(true);
      expect(daily.filter((r) => r.other).every((r) => r.key === null)).toBe(true);
      expect(
        daily.some((r) => r.other),
        `${dimension} has an other row`,
      ).toBe(b.rows.length > 10);
    }
    const downloads = await read("downloads.json");
    const { columns } = await readParquet(path.join(tmp, "public", downloads.cube.href));
    expect(columns.cost_usd!.reduce((s, v) => (s as bigint) + (v as bigint), 0n)).toBe(total);
    expect(downloads.cube.dimensions).toContain("metadata.application");
    expect(downloads.extracts.map((e: { name: string }) => e.name)).toEqual(manifest.outputs.extracts.map((e: { name: string }) => e.name));
  });

  it("reconciles reported and computed cost, and lists unpriced reasons and prices", async () => {
    const rec = await read("reconciliation.json");
    expect(rec.reported_requests).toBeGreaterThan(1000);
    const issues = await read("issues.json");
    expect(issues.unpriced.reduce((s: number, u: { requests: number }) => s + u.requests, 0)).toBe(
      (await read("summary.json")).totals.unpriced_requests,
    );
    const prices = await read("prices.json");
    const ft = prices.models.find((m: { model: string }) => m.model === "azure-ft/support-bot-ft");
    expect(
      ft.entries.map((e: { effective_from: string; rates: Record<string, string> }) => [e.effective_from, e.rates.input_cost_per_token]),
    ).toEqual([
      ["2026-01-01", "0.000002"],
      ["2026-07-01", "0.0000018"],
    ]);
    const gemini = prices.models.find((m: { model: string }) => m.model === "gemini/gemini-2.5-pro");
    expect(gemini.entries[0]).toMatchObject({
      region: "*",
      pricing_mode: "cumulative",
      pricing_mode_declared: false,
      ref: "pricing/catalog/providers/google-gemini/gemini-2.5-pro.yaml#costs",
    });
  });

  it("adds the restated days of <data>/restatements.json to the summary (none: an empty list)", async () => {
    expect((await read("summary.json")).restatements).toEqual([]);
    const entry = (date: string) => ({
      date,
      restated_at: "2026-07-16T02:31:07.000Z",
      old: { rows: 171, cost_usd: "4.356571846", list_cost_usd: "4.238414496" },
      new: { rows: 171, cost_usd: "4.339634146", list_cost_usd: "4.238414496" },
      old_pricing_version: "sha256:old",
      new_pricing_version: "sha256:new",
      pricing_commit: "0123abc",
    });
    // 2026-05-01 was restated once but is no longer kept: no figure of the site to annotate.
    await writeFile(path.join(tmp, "data", "restatements.json"), JSON.stringify([entry("2026-05-01"), entry("2026-07-08")]));
    const out = path.join(tmp, "site-data-restated");
    const siteData = () =>
      runCli(ROOT, "site-data", "--data", path.join(tmp, "data"), "--out", out, "--public-dir", path.join(tmp, "public-restated"));
    expect((await siteData()).code).toBe(0);
    const summary = SiteSummarySchema.parse(JSON.parse(await readFile(path.join(out, "summary.json"), "utf8")));
    expect(summary.restatements).toEqual([entry("2026-07-08")]);
    await writeFile(path.join(tmp, "data", "restatements.json"), "[{");
    const broken = await siteData();
    expect(broken.code).toBe(1);
    expect(broken.err).toContain(`error: ${path.join(tmp, "data", "restatements.json")}: is not valid JSON (`);
  });
});
