import { existsSync } from "node:fs";
import { mkdir, readFile, symlink } from "node:fs/promises";
import path from "node:path";
import { Decimal as Big } from "decimal.js";
import { describe, expect, it } from "vitest";
import { SHARED_CATALOG, writeTempTree } from "../../test/temp-dir.ts";
import { listYamlFiles, loadCatalog } from "./load-catalog.ts";
import { loadPricing } from "./load-pricing.ts";
import { formatDecimal, formatNano } from "./money.ts";
import { priceCall } from "./price-call.ts";

const UPSTREAM = path.join(SHARED_CATALOG, "truefoundry-models");
const V2_EXAMPLES = path.join(SHARED_CATALOG, "upstream-v2-examples");
const present = existsSync(path.join(UPSTREAM, "providers"));
if (!present) console.log(`skipping the upstream catalog tests: ${UPSTREAM} is absent (only the project's CI and dev machines have ../shared)`);

describe.skipIf(!present)("the real upstream catalog (../shared/catalog)", () => {
  it("loads all 1,248 files with zero problems and keeps every model that has costs", async () => {
    const { catalog, problems } = await loadCatalog(UPSTREAM);
    expect(problems).toEqual([]);
    expect(catalog.fileCount).toBe(1248);

    // An independent reading of the files: every (provider, model) whose file has a
    // top-level `costs:` block, and its input/output rates as written.
    const files = await listYamlFiles(path.join(UPSTREAM, "providers"));
    let withCosts = 0;
    let ratesChecked = 0;
    for (const file of files) {
      const text = await readFile(file, "utf8");
      const model = /^model:\s*(.+)$/m.exec(text)?.[1]?.trim().replace(/^['"]|['"]$/g, "");
      const costs = /^costs:\n((?:[ ]{2}.*\n?)+)/m.exec(text)?.[1];
      if (!model || !costs) continue;
      withCosts++;
      const provider = path.relative(path.join(UPSTREAM, "providers"), file).split(path.sep)[0]!;
      const loaded = catalog.providers.get(provider)?.models.get(model);
      expect(loaded?.entries.length, `${file}`).toBeGreaterThan(0);
      for (const field of ["input_cost_per_token", "output_cost_per_token"] as const) {
        const raw = new RegExp(`^  ${field}:\\s*(\\S+)\\s*$`, "m").exec(costs)?.[1];
        if (!raw) continue;
        expect(formatDecimal(loaded!.entries[0]!.rates[field]!), `${file} ${field}`).toBe(new Big(raw.replace(".e", "e")).toFixed());
        ratesChecked++;
      }
    }
    expect(withCosts).toBe(897);
    expect(ratesChecked).toBeGreaterThan(1500);
  });

  it("prices real catalog entries: Gemini and Claude long-context tiers, v2 regional Nova Lite", async () => {
    const dir = await writeTempTree({
      "accounts/g.yaml": "name: g\nprovider: google-gemini\nmodels:\n  - {name: pro, provider_model: gemini-2.5-pro, cost: public}\n",
      "accounts/a.yaml": "name: a\nprovider: anthropic\nmodels:\n  - {name: sonnet, provider_model: claude-sonnet-4-5, cost: public}\n",
    });
    await symlink(UPSTREAM, path.join(dir, "catalog"));
    const { book, problems } = await loadPricing(dir);
    expect(problems).toEqual([]);
    const at = Date.parse("2026-02-06T00:00:00Z");
    const cost = (model: string, input: number, output: number, extra = {}) =>
      formatNano(priceCall(book, { model, timestamp: at, input_tokens: input, output_tokens: output, ...extra }).cost_nano!);
    // 200,000 × 0.00000125 + 1,000 × 0.00001 = 0.25 + 0.01
    expect(cost("g/pro", 200_000, 1000)).toBe("0.260000000");
    // 200,001 × 0.0000025 + 1,000 × 0.000015 = 0.5000025 + 0.015
    expect(cost("g/pro", 200_001, 1000)).toBe("0.515002500");
    // Claude: 250,000 prompt of which 100,000 cache read (6.e-7 tier) and 50,000 cache write (0.0000075 tier):
    // 100,000 × 0.000006 + 100,000 × 6e-7 + 50,000 × 0.0000075 + 2,000 × 0.0000225 = 0.6 + 0.06 + 0.375 + 0.045
    expect(cost("a/sonnet", 250_000, 2000, { cache_read_tokens: 100_000, cache_write_tokens: 50_000 })).toBe("1.080000000");
  });

  it("loads the v2 examples and prices Nova Lite per region", async () => {
    const dir = await writeTempTree({
      "accounts/b.yaml": "name: b\nprovider: aws-bedrock\nregion: us-west-2\nmodels:\n  - {name: lite, provider_model: 'amazon.nova-lite-v1:0', cost: public}\n",
    });
    // The examples are laid out as <provider>/<file>; a catalog wants providers/<provider>/<file>.
    await mkdir(path.join(dir, "catalog"));
    await symlink(V2_EXAMPLES, path.join(dir, "catalog", "providers"));
    const { book, problems } = await loadPricing(dir);
    expect(problems).toEqual([]);
    const lite = book.catalog.providers.get("aws-bedrock")!.models.get("amazon.nova-lite-v1:0")!;
    expect(lite.shape).toBe("v2");
    expect(lite.entries).toHaveLength(18);
    const at = Date.parse("2026-02-06T00:00:00Z");
    const price = (region: string | null) =>
      priceCall(book, { model: "b/lite", timestamp: at, region, input_tokens: 1_000_000, output_tokens: 1_000_000 });
    expect(formatNano(price(null).cost_nano!)).toBe("0.300000000"); // us-west-2: 0.06 + 0.24
    expect(formatNano(price("eu-south-1").cost_nano!)).toBe("0.480000000"); // 0.096 + 0.384
    expect(price("sa-east-1").unpriced_reason).toMatch(/no cost entry for region `sa-east-1`/);
  });
});
