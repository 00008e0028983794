import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it, vi } from "vitest";

let dir: string;
let load: typeof import("./load.ts");

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "site-data-"));
  vi.stubEnv("SITE_DATA_DIR", dir);
  load = await import("./load.ts");
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

it("fails with the missing file's name and how to produce it", () => {
  expect(() => load.loadSummary()).toThrow(/site data missing: .*summary\.json does not exist\. Produce it with `npm run costs -- site-data`/);
});

it("fails with the invalid fields of a file that does not match its schema", async () => {
  await writeFile(path.join(dir, "issues.json"), JSON.stringify({ unpriced: [], policy_status: [{ status: "ok", requests: 1, cost_usd: 1.5 }], violations: [] }));
  expect(() => load.loadIssues()).toThrow(/issues\.json does not match its schema[\s\S]*policy_status\.0\.cost_usd: [\s\S]*examples: [\s\S]*npm run costs -- site-data/);
  await writeFile(path.join(dir, "prices.json"), "{ not json");
  expect(() => load.loadPrices()).toThrow(/prices\.json is not JSON/);
});

it("finds a metadata key's breakdown by its slug and refuses a file that holds another key's", async () => {
  const breakdown = (dimension: string) => JSON.stringify({ dimension, rows: [], daily: [] });
  // The key `..`: dimension `metadata...`, slug `__2e_2e`.
  await writeFile(path.join(dir, "breakdown-metadata.__2e_2e.json"), breakdown("metadata..."));
  expect(load.loadBreakdown("metadata...").dimension).toBe("metadata...");
  // The key `k-2e2e` (plain), in a file that holds the breakdown of `..`.
  await writeFile(path.join(dir, "breakdown-metadata.k-2e2e.json"), breakdown("metadata..."));
  expect(() => load.loadBreakdown("metadata.k-2e2e")).toThrow(/breakdown-metadata\.k-2e2e\.json holds the breakdown of "metadata\.\.\.", not of "metadata\.k-2e2e"/);
});
