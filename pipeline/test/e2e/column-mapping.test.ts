/**
 * End-to-end: the same calls written as a LiteLLM/ClickHouse-style CSV export (epoch
 * seconds, cost in cents, usage inside JSON text, a ClickHouse map with dotted keys,
 * ClickHouse array teams, `\N` nulls, extra columns), priced through a column mapping that
 * uses a template, a constant, a value map, units, JSON-text paths, dotted keys, `ignore:`,
 * `unknown_columns: warn` and a provider alias; as a JSON array and as a `{data:[…]}` page;
 * and as canonical JSON Lines. Every form prices each call the same, a malformed row or
 * element is one reject at its line or element number, and the counts add up.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { readParquet } from "../../src/parquet/read-parquet.ts";
import { PRICING_FIXTURE } from "../pricing-fixture.ts";
import { runCli } from "../run-cli.ts";
import { writeTempTree } from "../temp-dir.ts";

interface Call {
  id: string;
  at: number; // epoch seconds
  model: string; // the account's gateway model name
  input: number;
  cached: number;
  output: number;
  batch: boolean;
  cents: string; // what the gateway reported, in cents
  teams: string[];
  user: string;
}
const CALLS: Call[] = [
  {
    id: "r1",
    at: 1782900000,
    model: "flat",
    input: 1000,
    cached: 200,
    output: 500,
    batch: false,
    cents: "0.7",
    teams: ["payments"],
    user: "alice",
  },
  {
    id: "r2",
    at: 1782900060,
    model: "flat",
    input: 2000,
    cached: 0,
    output: 100,
    batch: true,
    cents: "12.5",
    teams: ["pay'ments", "search"],
    user: "bob",
  },
  { id: "r3", at: 1782900120, model: "nobatch", input: 100, cached: 0, output: 10, batch: false, cents: "0.045", teams: [], user: "carol" },
];

const chText = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
const cell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const HEADER =
  "request_id,start_time,custom_llm_provider,model_group,service_tier,cost,metadata,SpanAttributes,Teams,request_tags,object,SpanKind";
const csvRow = (c: Call) =>
  [
    c.id,
    String(c.at),
    "acme",
    c.model,
    c.batch ? "batch" : "default",
    c.cents,
    JSON.stringify({
      usage_object: { prompt_tokens: c.input, completion_tokens: c.output, prompt_tokens_details: { cached_tokens: c.cached } },
    }),
    `{${chText("user.id")}:${chText(c.user)},'env':'prod'}`,
    c.teams.length === 0 ? "\\N" : `[${c.teams.map(chText).join(",")}]`,
    "['x']",
    "chat.completion",
    "\\N",
  ]
    .map(cell)
    .join(",");
// Line 5: teams that are neither JSON nor a ClickHouse array: one reject naming the field.
const csv = `${HEADER}\n${CALLS.map(csvRow).join("\n")}\n${csvRow({ ...CALLS[0]!, id: "r4" }).replace("['payments']", "['payments'")}\n`;

const MAPPING = `base: canonical
columns:
  timestamp: { column: start_time, unit: epoch_seconds }
  model: { template: "{custom_llm_provider}/{model_group}" }
  region: { value: us-east-1 }
  batch: { column: service_tier, map: { batch: true }, default: false }
  reported_cost_usd: { column: cost, unit: cents }
  input_tokens: { column: metadata, path: [usage_object, prompt_tokens] }
  output_tokens: { column: metadata, path: [usage_object, completion_tokens] }
  cache_read_tokens: { column: metadata, path: [usage_object, prompt_tokens_details, cached_tokens] }
  subject: { column: SpanAttributes, path: [user.id] }
  metadata: { value: "{}" }
  teams: Teams
ignore: [request_tags, SpanKind]
unknown_columns: warn
provider_aliases: { acme: acme-main }
`;

const canonical = (c: Call) => ({
  request_id: c.id,
  timestamp: new Date(c.at * 1000).toISOString(),
  model: `acme-main/${c.model}`,
  region: "us-east-1",
  batch: c.batch,
  reported_cost_usd: (Number(c.cents) / 100).toString(),
  input_tokens: c.input,
  output_tokens: c.output,
  cache_read_tokens: c.cached,
  subject: c.user,
  teams: c.teams,
});
const jsonl = `${CALLS.map((c) => JSON.stringify(canonical(c))).join("\n")}\n`;
// Element 2 is malformed JSON; the others are the calls.
const [first, ...rest] = CALLS.map((c) => JSON.stringify(canonical(c), null, 2));
const array = `[\n${first},\n{ "request_id": "bad", "input_tokens": },\n${rest.join(",\n")}\n]\n`;
const page = JSON.stringify({ object: "list", data: CALLS.map(canonical), has_more: false, first_id: "r1" }, null, 2);

let dir: string;
const run = (logs: string, out: string, ...more: string[]) =>
  runCli(dir, "run", "--logs", logs, "--pricing-dir", "pricing", "--policies-dir", "policies", "--out", out, "--no-progress", ...more);
const manifestOf = async (out: string) => JSON.parse(await readFile(path.join(dir, out, "manifest.json"), "utf8"));
const rejectsOf = async (out: string) =>
  (parse(await readFile(path.join(dir, out, "rejects.csv"), "utf8"), { columns: true }) as Record<string, string>[]).map((r) => [
    r.file,
    r.line,
    r.reason,
  ]);

async function costsById(out: string): Promise<Record<string, unknown[]>> {
  const rows: Record<string, unknown[]> = {};
  const priced = path.join(dir, out, "priced");
  for (const day of (await readdir(priced)).sort())
    for (const file of (await readdir(path.join(priced, day))).sort()) {
      const { rowCount, columns } = await readParquet(path.join(priced, day, file));
      for (let i = 0; i < rowCount; i++) {
        const at = (k: string) => columns[k]![i];
        rows[String(at("request_id"))] = [
          at("model"),
          String(at("cost_usd")),
          String(at("reported_cost_usd")),
          at("batch"),
          at("cache_read_tokens"),
          at("subject"),
          JSON.stringify(at("teams")),
          at("timestamp") instanceof Date ? (at("timestamp") as Date).toISOString() : String(at("timestamp")),
        ];
      }
    }
  return rows;
}

let reference: Record<string, unknown[]>;

beforeAll(async () => {
  dir = await writeTempTree({
    ...Object.fromEntries(Object.entries(PRICING_FIXTURE).map(([k, v]) => [`pricing/${k}`, v])),
    "policies/.keep": "",
    "mapping.yaml": MAPPING,
    "ch/spend_logs.csv": csv,
    "canon/calls.jsonl": jsonl,
    "arr/calls.json": array,
    "page/calls.json": page,
  });
  const result = await run("canon", "out-canon");
  expect(result.code).toBe(0);
  reference = await costsById("out-canon");
});

describe("a ClickHouse-style CSV export through a column mapping", () => {
  it("prices every call as its canonical JSON Lines form, with the aliased model", async () => {
    // The reference is real: three calls priced with costs (not null), the batch call apart.
    expect(Object.keys(reference).sort()).toEqual(["r1", "r2", "r3"]);
    // cost_usd in nano-USD: r1 is 800 × 1e-6 + 200 × 1e-7 + 500 × 2e-6 + 0.005 request fee, all positive.
    for (const row of Object.values(reference)) expect(BigInt(row[1] as string)).toBeGreaterThan(0n);
    expect(reference.r2![3]).toBe(true);
    expect(reference.r1![1]).not.toBe(reference.r2![1]);

    const result = await run("ch", "out-csv", "--columns", "mapping.yaml");
    expect(result.code).toBe(0);
    const rows = await costsById("out-csv");
    expect(rows).toEqual(reference);
    expect(rows.r1![0]).toBe("acme-main/flat");
    expect(rows.r2![6]).toContain("pay'ments");

    const manifest = await manifestOf("out-csv");
    expect(manifest.counts).toMatchObject({ rows_read: 4, priced: 3, rejected: 1 });
    expect(manifest.inputs[0]).toMatchObject({
      preset: "mapping",
      ignored_columns: ["SpanKind", "object", "request_tags"],
      suspect_columns: ["object"],
    });
    expect(await rejectsOf("out-csv")).toEqual([
      ["ch/spend_logs.csv", "5", "teams must be a JSON array, a ClickHouse array or a comma-separated list, got \"['payments'\""],
    ]);
    expect(result.out).toContain("columns ignored that look like misspellings");
    expect(result.out).toContain("ch/spend_logs.csv: object");
  });

  it("without `ignore:` and `warn`, the extra columns reject the rows as misspellings", async () => {
    const strict = MAPPING.replace("ignore: [request_tags, SpanKind]\nunknown_columns: warn\n", "");
    const { writeFile } = await import("node:fs/promises");
    await writeFile(path.join(dir, "strict.yaml"), strict);
    const result = await run("ch", "out-strict", "--columns", "strict.yaml");
    expect(result.code).toBe(0);
    expect((await manifestOf("out-strict")).counts).toMatchObject({ rows_read: 4, priced: 0, rejected: 4 });
  });

  it("stops at config time on an alias to an undeclared account, naming file and line", async () => {
    const { writeFile } = await import("node:fs/promises");
    await writeFile(path.join(dir, "bad.yaml"), MAPPING.replace("acme: acme-main", "acme: acme-mian"));
    const result = await run("ch", "out-bad", "--columns", "bad.yaml");
    expect(result.code).not.toBe(0);
    expect(result.err).toContain("bad.yaml:16 provider_aliases.acme: `acme-mian` is not an account in pricing/accounts/");
    expect(result.err).toContain("did you mean `acme-main`?");
  });
});

describe("whole-file JSON documents", () => {
  it("prices a pretty-printed JSON array as its JSON Lines form, the malformed element one reject at its index", async () => {
    const result = await run("arr", "out-arr");
    expect(result.code).toBe(0);
    expect(await costsById("out-arr")).toEqual(reference);
    const manifest = await manifestOf("out-arr");
    expect(manifest.counts).toMatchObject({ rows_read: 4, priced: 3, rejected: 1 });
    expect(manifest.inputs[0]).toMatchObject({ format: "json", rows: 4, rejects: 1 });
    const rejects = await rejectsOf("out-arr");
    expect(rejects).toHaveLength(1);
    expect(rejects[0]!.slice(0, 2)).toEqual(["arr/calls.json", "2"]);
    expect(rejects[0]![2]).toMatch(/^invalid JSON: /);
  });

  it("prices a {data:[…]} page as its JSON Lines form", async () => {
    const result = await run("page", "out-page", "--threads", "2");
    expect(result.code).toBe(0);
    expect(await costsById("out-page")).toEqual(reference);
    expect((await manifestOf("out-page")).counts).toMatchObject({ rows_read: 3, priced: 3, rejected: 0 });
  });
});
