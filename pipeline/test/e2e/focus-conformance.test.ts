/**
 * The FOCUS export against FOCUS 1.2's column list (test/focus/focus-1.2-columns.ts), read
 * back by a second reader (DuckDB) and as CSV: every Mandatory column present with the
 * spec's type, nothing outside the spec without the `x_` prefix, allowed values,
 * nullability, costs adding up to the manifest to the nano-USD, periods as UTC timestamps,
 * Tags as JSON objects. Run on the repository's sample data and on the golden fixture (tiers,
 * private prices, audio, units, batch, priority and unpriced calls); both runs write CSV with
 * the UTF-8 byte order mark on (`csv.bom: true`), checked byte by byte.
 */
import { appendFile, cp, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { FOCUS_1_2_ALLOWED, FOCUS_1_2_COLUMNS, type FocusSpecColumn } from "../focus/focus-1.2-columns.ts";
import { PRICING_FIXTURE } from "../pricing-fixture.ts";
import { runCli } from "../run-cli.ts";
import { writeTempTree } from "../temp-dir.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const GOLDEN = path.join(import.meta.dirname, "golden");

/** DuckDB's type for each FOCUS data type, as the export writes it (decimals: billed costs at 9 places, exact costs and prices at 24, quantities at 18). */
const DUCKDB_TYPE: Record<FocusSpecColumn["type"], RegExp> = {
  Decimal: /^DECIMAL\(38,(9|18|24)\)$/,
  "Date/Time": /^TIMESTAMP WITH TIME ZONE$/,
  String: /^VARCHAR$/,
  JSON: /^VARCHAR$/,
};

/** A decimal text as an exact fraction: its digits and its number of decimal places. */
function exact(text: string): { coef: bigint; scale: number } {
  const [whole, fraction = ""] = text.split(".");
  return { coef: BigInt(`${whole}${fraction}`), scale: fraction.length };
}

/** a × b == c, exactly (decimal texts). */
function productIs(a: string, b: string, c: string): boolean {
  const [x, y, z] = [exact(a), exact(b), exact(c)];
  const scale = Math.max(x.scale + y.scale, z.scale);
  return x.coef * y.coef * 10n ** BigInt(scale - x.scale - y.scale) === z.coef * 10n ** BigInt(scale - z.scale);
}

/** Two decimal texts with the same value. */
function sameValue(a: string, b: string): boolean {
  return productIs(a, "1", b);
}

interface Run {
  out: string;
  manifest: {
    dataset: { cost_usd: string; rows: number; unpriced_requests: number };
    outputs: { focus: { cost_usd: string; list_cost_usd: string; excluded_unpriced_requests: number } };
  };
}

async function query(sql: string): Promise<Array<Record<string, string | number | boolean | null>>> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run("SET TimeZone = 'UTC'");
    return (await connection.runAndReadAll(sql)).getRowObjectsJson() as Array<Record<string, string | number | boolean | null>>;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const runs: Record<string, Run> = {};

beforeAll(async () => {
  // The repository's sample data and policies, CSV with the byte order mark.
  const sample = await writeTempTree({});
  await cp(path.join(ROOT, "policies"), path.join(sample, "policies"), { recursive: true });
  await appendFile(path.join(sample, "policies/extracts.yaml"), "\ncsv:\n  bom: true\n");
  const sampleRun = await runCli(
    sample,
    "run",
    "--logs",
    path.join(ROOT, "data/sample"),
    "--pricing-dir",
    path.join(ROOT, "pricing"),
    "--out",
    "out",
    "--no-progress",
  );
  expect(sampleRun.code, sampleRun.err).toBe(0);
  // The golden fixture: tiers, private prices, audio, units, batch, priority, unpriced calls.
  const golden = await writeTempTree(Object.fromEntries(Object.entries(PRICING_FIXTURE).map(([k, v]) => [`pricing/${k}`, v])));
  await cp(path.join(GOLDEN, "logs"), path.join(golden, "logs"), { recursive: true });
  await cp(path.join(GOLDEN, "policies"), path.join(golden, "policies"), { recursive: true });
  await appendFile(path.join(golden, "policies/extracts.yaml"), "\ncsv:\n  bom: true\n");
  const goldenRun = await runCli(
    golden,
    "run",
    "--logs",
    "logs",
    "--pricing-dir",
    "pricing",
    "--policies-dir",
    "policies",
    "--out",
    "out",
    "--no-progress",
  );
  expect(goldenRun.code, goldenRun.err).toBe(0);
  for (const [name, dir] of [
    ["sample", sample],
    ["golden", golden],
  ] as const) {
    const out = path.join(dir, "out");
    runs[name] = { out, manifest: JSON.parse(await readFile(path.join(out, "manifest.json"), "utf8")) };
  }
}, 120_000);

describe.each(["sample", "golden"])("the FOCUS export of the %s run", (name) => {
  const parquet = () => `read_parquet('${path.join(runs[name]!.out, "focus/focus.parquet")}')`;

  it("has every FOCUS 1.2 Mandatory column with the spec's type, and only spec or x_ columns", async () => {
    const described = await query(`DESCRIBE SELECT * FROM ${parquet()}`);
    const types = new Map(described.map((r) => [r.column_name as string, r.column_type as string]));
    const spec = new Map(FOCUS_1_2_COLUMNS.map((c) => [c.name, c]));
    const mandatory = FOCUS_1_2_COLUMNS.filter((c) => c.level === "Mandatory");
    expect(mandatory).toHaveLength(21);
    for (const column of mandatory) expect(types.get(column.name), column.name).toMatch(DUCKDB_TYPE[column.type]);
    for (const [column, type] of types) {
      if (column.startsWith("x_")) continue;
      expect(spec.has(column), `${column} is not a FOCUS 1.2 column and has no x_ prefix`).toBe(true);
      expect(type, column).toMatch(DUCKDB_TYPE[spec.get(column)!.type]);
    }
    // The unit prices FOCUS 1.2 defines, and the SKU price they are read from.
    for (const column of ["ContractedUnitPrice", "ListUnitPrice", "SkuPriceId", "SkuMeter"]) expect(types.has(column), column).toBe(true);
  });

  it("leaves no null in a column the spec makes non-nullable, and uses the allowed values", async () => {
    const described = await query(`DESCRIBE SELECT * FROM ${parquet()}`);
    const present = FOCUS_1_2_COLUMNS.filter((c) => described.some((r) => r.column_name === c.name));
    const counts = (
      await query(`SELECT count(*) AS n, ${present.map((c) => `count("${c.name}") AS "${c.name}"`).join(", ")} FROM ${parquet()}`)
    )[0]!;
    expect(Number(counts.n)).toBeGreaterThan(0);
    for (const column of present.filter((c) => !c.nullable)) expect(Number(counts[column.name]), column.name).toBe(Number(counts.n));
    for (const [column, allowed] of Object.entries(FOCUS_1_2_ALLOWED)) {
      if (!present.some((c) => c.name === column)) continue;
      const values = await query(`SELECT DISTINCT "${column}" AS v FROM ${parquet()} WHERE "${column}" IS NOT NULL`);
      for (const { v } of values) expect(allowed, `${column} = ${v}`).toContain(v);
    }
    // Usage rows of regular charges: ChargeClass null, PricingQuantity/PricingCategory/ConsumedQuantity set.
    const usage = (
      await query(
        `SELECT count(*) AS n, count(ChargeClass) AS class, count(PricingQuantity) AS pq, count(PricingCategory) AS pc, count(ConsumedQuantity) AS cq FROM ${parquet()} WHERE ChargeCategory = 'Usage'`,
      )
    )[0]!;
    expect(usage).toEqual({ n: counts.n, class: "0", pq: counts.n, pc: counts.n, cq: counts.n });
  });

  it("prices every row exactly: unit price × PricingQuantity = ContractedCost and ListCost, one unit and price per row", async () => {
    const rows = await query(
      `SELECT ContractedUnitPrice::VARCHAR AS rate, ListUnitPrice::VARCHAR AS list_rate, PricingQuantity::VARCHAR AS q,
              ContractedCost::VARCHAR AS contracted, ListCost::VARCHAR AS list, BilledCost::VARCHAR AS billed,
              PricingUnit AS unit, ConsumedQuantity::VARCHAR AS consumed, ConsumedUnit AS consumed_unit, x_Component AS component, x_PriceSource AS source
         FROM ${parquet()}`,
    );
    expect(rows.length).toBeGreaterThan(0);
    const units = new Map<string, string>();
    for (const row of rows) {
      const where = JSON.stringify(row);
      expect([row.consumed, row.consumed_unit], where).toEqual([row.q, row.unit]);
      // One component has one unit, everywhere.
      expect(units.get(row.component as string) ?? row.unit, where).toBe(row.unit);
      units.set(row.component as string, row.unit as string);
      if (row.source === "gateway_cache") {
        // No provider call, no unit price: the costs are the gateway's own figure.
        expect([row.rate, row.list_rate, row.unit], where).toEqual([null, null, "Requests"]);
        expect(sameValue(row.contracted as string, row.billed as string), where).toBe(true);
        continue;
      }
      expect(row.rate, where).not.toBeNull();
      expect(productIs(row.rate as string, row.q as string, row.contracted as string), where).toBe(true);
      expect(productIs(row.list_rate as string, row.q as string, row.list as string), where).toBe(true);
    }
    expect(units.get("output")).toBe("Tokens");
  });

  it("adds up to the manifest: BilledCost to the nano-USD, ContractedCost within each call's rounding", async () => {
    const { manifest } = runs[name]!;
    const sums = (
      await query(
        `SELECT sum(BilledCost)::VARCHAR AS billed, sum(EffectiveCost)::VARCHAR AS effective, sum(ContractedCost)::VARCHAR AS contracted,
                sum(ListCost)::VARCHAR AS list, sum(x_Requests)::VARCHAR AS pieces FROM ${parquet()}`,
      )
    )[0]!;
    expect([sums.billed, sums.effective]).toEqual([manifest.dataset.cost_usd, manifest.dataset.cost_usd]);
    expect(manifest.outputs.focus.cost_usd).toBe(manifest.dataset.cost_usd);
    // Each call's component is rounded half to even to the nano-USD once: at most half a nano-USD per call and component.
    const contracted = exact(sums.contracted as string);
    const billed = exact(`${sums.billed}`);
    const gap = contracted.coef - billed.coef * 10n ** BigInt(contracted.scale - billed.scale);
    const bound = BigInt(sums.pieces as string) * 10n ** BigInt(contracted.scale - 9);
    expect(2n * (gap < 0n ? -gap : gap) <= bound, `ContractedCost ${sums.contracted} vs BilledCost ${sums.billed}`).toBe(true);
    // The manifest's list total is the export's ListCost, rounded to the nano-USD.
    expect(manifest.outputs.focus.list_cost_usd).toMatch(/^\d+\.\d{9}$/);
    const list = exact(sums.list as string);
    const listNano = exact(manifest.outputs.focus.list_cost_usd);
    const listGap = list.coef - listNano.coef * 10n ** BigInt(list.scale - 9);
    expect(2n * (listGap < 0n ? -listGap : listGap) <= 10n ** BigInt(list.scale - 9)).toBe(true);
    // And the priced rows' own list costs (a call without a list price: its cost), within the same rounding.
    const priced = `read_parquet('${path.join(runs[name]!.out, "priced/*/*.parquet")}')`;
    const rowsList = (
      await query(`SELECT sum(coalesce(list_cost_usd, cost_usd))::VARCHAR AS list FROM ${priced} WHERE price_source <> 'unpriced'`)
    )[0]!;
    const rowsGap = list.coef - exact(rowsList.list as string).coef * 10n ** BigInt(list.scale - 9);
    expect(2n * (rowsGap < 0n ? -rowsGap : rowsGap) <= bound, `ListCost ${sums.list} vs the rows' ${rowsList.list}`).toBe(true);
    expect(manifest.outputs.focus.excluded_unpriced_requests).toBe(manifest.dataset.unpriced_requests);
    if (name === "golden") expect(manifest.dataset.unpriced_requests).toBeGreaterThan(0);
  });

  it("bills each component what the priced rows' component costs say, day by day and gateway model", async () => {
    const priced = `read_parquet('${path.join(runs[name]!.out, "priced/*/*.parquet")}')`;
    const components = [
      "input",
      "cache_read",
      "cache_write",
      "input_audio",
      "output",
      "output_audio",
      "request",
      "input_image",
      "output_image",
      "input_character",
      "input_second",
      "output_second",
      "query",
      "page",
    ];
    const fromRows = await query(
      `SELECT date::VARCHAR AS day, model, component, sum(cost)::VARCHAR AS cost FROM (
         ${components.map((c) => `SELECT date, model, '${c}' AS component, ${c}_cost_usd AS cost FROM ${priced} WHERE price_source IN ('public', 'private') AND ${c}_cost_usd <> 0`).join(" UNION ALL ")}
         UNION ALL SELECT date, model, 'gateway_cache', cost_usd FROM ${priced} WHERE price_source = 'gateway_cache'
       ) GROUP BY ALL ORDER BY ALL`,
    );
    const fromFocus = await query(
      `SELECT strftime(ChargePeriodStart, '%Y-%m-%d') AS day, x_GatewayModel AS model, x_Component AS component, sum(BilledCost)::VARCHAR AS cost
         FROM ${parquet()} GROUP BY ALL HAVING sum(BilledCost) <> 0 ORDER BY ALL`,
    );
    expect(fromFocus).toEqual(fromRows);
    // Cache reads are never split by another rate: their quantity is the rows' cache-read tokens.
    const reads = await query(
      `SELECT (SELECT coalesce(sum(cache_read_tokens), 0) FROM ${priced} WHERE price_source IN ('public', 'private'))::VARCHAR AS rows,
              (SELECT coalesce(sum(PricingQuantity), 0) FROM ${parquet()} WHERE x_Component = 'cache_read')::BIGINT::VARCHAR AS focus`,
    );
    expect(reads[0]!.focus).toBe(reads[0]!.rows);
  });

  it("has UTC day charge periods inside calendar-month billing periods", async () => {
    const bad = await query(
      `SELECT count(*) AS n FROM ${parquet()} WHERE ChargePeriodEnd - ChargePeriodStart <> INTERVAL 1 DAY
         OR BillingPeriodStart <> date_trunc('month', ChargePeriodStart) OR BillingPeriodEnd <> BillingPeriodStart + INTERVAL 1 MONTH
         OR strftime(ChargePeriodStart, '%H:%M:%S') <> '00:00:00'`,
    );
    expect(bad[0]!.n).toBe("0");
  });

  it("writes the same rows as CSV, with the byte order mark, ISO 8601 UTC times and JSON Tags", async () => {
    const bytes = await readFile(path.join(runs[name]!.out, "focus/focus.csv"));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(bytes.subarray(3).toString("utf8"), { columns: true }) as Array<Record<string, string>>;
    const fromParquet = await query(
      `SELECT strftime(ChargePeriodStart, '%Y-%m-%dT%H:%M:%SZ') AS start, strftime(BillingPeriodEnd, '%Y-%m-%dT%H:%M:%SZ') AS billing_end, BilledCost::VARCHAR AS cost, Tags, x_Team,
              ContractedCost::VARCHAR AS contracted, ContractedUnitPrice::VARCHAR AS rate, ListCost::VARCHAR AS list, PricingQuantity::VARCHAR AS q FROM ${parquet()}`,
    );
    expect(rows).toHaveLength(fromParquet.length);
    rows.forEach((row, i) => {
      const want = fromParquet[i]!;
      expect(row.ChargePeriodStart).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00Z$/);
      expect([row.ChargePeriodStart, row.BillingPeriodEnd, row.BilledCost, row.Tags]).toEqual([
        want.start,
        want.billing_end,
        want.cost,
        want.Tags,
      ]);
      // Exact decimals: the CSV writes the fewest digits, DuckDB the column's scale.
      for (const [column, value] of [
        ["ContractedCost", want.contracted],
        ["ListCost", want.list],
        ["PricingQuantity", want.q],
      ] as const) {
        expect(sameValue(row[column]!, value as string), `${column} ${row[column]} vs ${value}`).toBe(true);
      }
      expect(row.ContractedUnitPrice === "" ? null : sameValue(row.ContractedUnitPrice!, want.rate as string)).toBe(
        want.rate === null ? null : true,
      );
      const tags = JSON.parse(row.Tags!) as Record<string, unknown>;
      expect(typeof tags).toBe("object");
      expect(tags["costs/team"] ?? null).toBe(want.x_Team);
      expect(tags["costs/gateway_model"]).toBe(row.x_GatewayModel);
    });
    // Every extract's CSV starts with the mark too.
    for (const extract of (
      runs[name]!.manifest as unknown as { outputs: { extracts: Array<{ files: Array<{ path: string; format: string }> }> } }
    ).outputs.extracts) {
      for (const file of extract.files.filter((f) => f.format === "csv")) {
        const start = (await readFile(path.join(runs[name]!.out, file.path))).subarray(0, 3);
        expect([...start], file.path).toEqual([0xef, 0xbb, 0xbf]);
      }
    }
  });
});

describe("costs extract --bom", () => {
  it("starts the CSV with the byte order mark only when asked, and refuses it for Parquet", async () => {
    const cwd = path.dirname(runs.golden!.out);
    const plain = await runCli(cwd, "extract", "--group-by", "team", "--data", "out");
    expect(plain.code).toBe(0);
    expect(plain.out.startsWith("team,")).toBe(true);
    const marked = await runCli(cwd, "extract", "--group-by", "team", "--data", "out", "--bom", "--out", "team.csv");
    expect(marked.code).toBe(0);
    const bytes = await readFile(path.join(cwd, "team.csv"));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString("utf8")).toBe(plain.out);
    const parquet = await runCli(
      cwd,
      "extract",
      "--group-by",
      "team",
      "--data",
      "out",
      "--bom",
      "--format",
      "parquet",
      "--out",
      "team.parquet",
    );
    expect(parquet).toMatchObject({ code: 1, err: expect.stringMatching(/--bom.*byte order mark is for CSV/) });
  });
});

describe("FOCUS Tags with metadata (`focus.tags`)", () => {
  let out = "";
  // A call whose metadata tries to forge tags: a quote-laden value, a `__proto__` key, a `costs/team` key (not listed: no tag).
  const hostile = {
    request_id: "r-hostile",
    timestamp: "2026-07-20T09:00:00Z",
    model: "acme-main/flat",
    subject_type: "user",
    subject: "mallory@example.com",
    teams: ["search"],
    input_tokens: 10,
    output_tokens: 10,
    metadata: { environment: 'production","team":"forged', cost_center: "CC-7", "costs/team": "forged" },
  };

  // The golden run without tags, then `focus.tags` set and one more day run: the kept days'
  // rollups lack the new FOCUS grain and are rebuilt from their rows.
  beforeAll(async () => {
    const dir = await writeTempTree(Object.fromEntries(Object.entries(PRICING_FIXTURE).map(([k, v]) => [`pricing/${k}`, v])));
    await cp(path.join(GOLDEN, "logs"), path.join(dir, "logs"), { recursive: true });
    await cp(path.join(GOLDEN, "policies"), path.join(dir, "policies"), { recursive: true });
    const run = (logs: string) =>
      runCli(dir, "run", "--logs", logs, "--pricing-dir", "pricing", "--policies-dir", "policies", "--out", "out", "--no-progress");
    const first = await run("logs");
    expect(first.code, first.err).toBe(0);
    const untagged = await query(`SELECT DISTINCT Tags FROM read_parquet('${path.join(dir, "out/focus/focus.parquet")}')`);
    expect(untagged.some((r) => String(r.Tags).includes("environment"))).toBe(false);
    await appendFile(path.join(dir, "policies/extracts.yaml"), "\nfocus:\n  tags: [environment, cost_center, __proto__]\n");
    // JSON.stringify drops a `__proto__` set by assignment: the line is written as text.
    const line = JSON.stringify(hostile).replace('"metadata":{', '"metadata":{"__proto__":"p\\"q\\\\r",');
    await writeFile(path.join(dir, "hostile.jsonl"), `${line}\n`);
    const second = await run("hostile.jsonl");
    expect(second.code, second.err).toBe(0);
    out = path.join(dir, "out");
  }, 120_000);

  const focus = () => `read_parquet('${path.join(out, "focus/focus.parquet")}')`;
  const priced = () => `read_parquet('${path.join(out, "priced/*/*.parquet")}')`;

  it("holds team, user, virtual account and the configured metadata keys, summing like the priced rows grouped by them", async () => {
    const key = (json: string) =>
      ["costs/team", "costs/user", "costs/virtual_account", "environment", "cost_center", "__proto__"]
        .map((k) => `coalesce(json_extract_string(${json}, '$."${k}"'), '∅')`)
        .join(" || '|' || ");
    // The same key built plainly from the row columns and the metadata JSON.
    const rowKey = ["team", '"user"', "virtual_account"]
      .map((c) => `coalesce(${c}, '∅')`)
      .concat(["environment", "cost_center", "__proto__"].map((k) => `coalesce(json_extract_string(metadata, '$."${k}"'), '∅')`))
      .join(" || '|' || ");
    const rows = await query(
      `SELECT ${rowKey} AS k, sum(cost_usd)::VARCHAR AS cost FROM ${priced()} WHERE price_source <> 'unpriced' GROUP BY 1 ORDER BY 1`,
    );
    const tagged = await query(`SELECT ${key("Tags")} AS k, sum(BilledCost)::VARCHAR AS cost FROM ${focus()} GROUP BY 1 ORDER BY 1`);
    expect(tagged).toEqual(rows);
    expect(rows.map((r) => r.k)).toContain("payments|∅|checkout-service|production|CC-1042|∅");
  });

  it("encodes attacker-controlled values as JSON: no forged key, `__proto__` an ordinary key", async () => {
    const [row] = await query(`SELECT Tags FROM ${focus()} WHERE json_extract_string(Tags, '$."costs/user"') = 'mallory@example.com'`);
    const tags = JSON.parse(row!.Tags as string) as Record<string, string>;
    expect(Object.hasOwn(tags, "__proto__")).toBe(true);
    expect(tags).toEqual({
      ["__proto__"]: 'p"q\\r', // a computed key: an own property, as JSON.parse makes it
      cost_center: "CC-7",
      "costs/gateway_model": "acme-main/flat",
      "costs/price_source": "public",
      "costs/provider_account": "acme-main",
      "costs/team": "search",
      "costs/user": "mallory@example.com",
      environment: 'production","team":"forged',
    });
  });
});
