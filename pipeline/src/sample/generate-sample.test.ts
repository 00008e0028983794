import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PipelineError } from "../lib/errors.ts";
import { HOSTILE_METADATA } from "./draw-metadata.ts";
import { generateSample, sampleTraceSource, type SampleOptions } from "./generate-sample.ts";
import { DEFAULT_TRACES_DIR, resolveTraceSource } from "./load-trace-source.ts";
import { LISTED_PATS, UNLISTED_PAT, VIRTUAL_ACCOUNTS } from "./population.ts";

type Row = Record<string, any>;

const WINDOW = { start: "2026-06-16", days: 30 } as const;
const run = (options: SampleOptions): Row[] => [...generateSample(options)];
const jsonl = (rows: Row[]) => rows.map((r) => `${JSON.stringify(r)}\n`).join("");

const tracesPresent = resolveTraceSource("auto").kind === "traces";
if (!tracesPresent)
  console.log(
    `the sample tests use the built-in distributions: ${DEFAULT_TRACES_DIR} is absent (only the project's CI and dev machines have ../shared)`,
  );

const sample = run({ rows: 4000, ...WINDOW });
const count = (rows: Row[], test: (row: Row) => boolean) => rows.filter(test).length;

describe("generateSample", () => {
  it("is deterministic: the same options give byte-identical rows, another seed other rows", () => {
    expect(jsonl(run({ rows: 4000, ...WINDOW }))).toBe(jsonl(sample));
    const other = run({ rows: 4000, ...WINDOW, seed: 7 });
    expect(other).toHaveLength(4000);
    expect(jsonl(other)).not.toBe(jsonl(sample));
  });

  it("yields exactly the rows asked for, attempts and duplicates included", () => {
    for (const rows of [0, 1, 2, 3, 59, 60, 300, 1001]) expect(run({ rows, ...WINDOW, seed: rows })).toHaveLength(rows);
    expect(sample).toHaveLength(4000);
  });

  it("gives every row the required fields with the SPEC 3 types", () => {
    for (const row of sample) {
      expect(row.request_id).toMatch(/^[0-9a-f]{32}:[0-9a-f]{16}$/);
      expect(row.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(row.timestamp >= "2026-06-16T00:00:00.000Z" && row.timestamp < "2026-07-16T00:00:00.000Z", row.timestamp).toBe(true);
      expect(row.model).toMatch(/^[a-z0-9-]+\/[a-z0-9.-]+$/);
      expect(["user", "virtualaccount"]).toContain(row.subject_type);
      expect(typeof row.subject).toBe("string");
      expect(Array.isArray(row.teams) && row.teams.every((t: unknown) => typeof t === "string")).toBe(true);
      expect(typeof row.metadata).toBe("object");
      for (const value of Object.values(row.metadata)) expect(typeof value).toBe("string");
      for (const field of [
        "input_tokens",
        "output_tokens",
        "cache_read_tokens",
        "cache_write_tokens",
        "reasoning_tokens",
        "input_audio_tokens",
        "output_audio_tokens",
      ]) {
        if (field in row || field === "input_tokens" || field === "output_tokens")
          expect(Number.isSafeInteger(row[field]) && row[field] >= 0, `${field} ${row[field]}`).toBe(true);
      }
      if ("reported_cost_usd" in row) expect(row.reported_cost_usd).toMatch(/^\d+(\.\d{1,9})?$/);
      // Zero / false / null are left out, like a real export.
      for (const [key, value] of Object.entries(row)) {
        if (!["input_tokens", "output_tokens", "teams", "metadata"].includes(key))
          expect(value === 0 || value === false || value === null, key).toBe(false);
      }
    }
  });

  it("keeps the subsets: cache ⊆ input, audio ⊆ uncached input / output, reasoning ⊆ output", () => {
    for (const row of sample) {
      const cached = (row.cache_read_tokens ?? 0) + (row.cache_write_tokens ?? 0);
      expect(cached).toBeLessThanOrEqual(row.input_tokens);
      expect(row.input_audio_tokens ?? 0).toBeLessThanOrEqual(row.input_tokens - cached);
      expect(row.output_audio_tokens ?? 0).toBeLessThanOrEqual(row.output_tokens);
      expect(row.reasoning_tokens ?? 0).toBeLessThanOrEqual(row.output_tokens);
    }
  });

  it("emits rows in timestamp order; duplicates repeat an earlier row exactly, later in the file", () => {
    const seen = new Map<string, string>();
    let last = "";
    let duplicates = 0;
    for (const row of sample) {
      const text = JSON.stringify(row);
      const first = seen.get(row.request_id);
      if (first !== undefined) {
        expect(text).toBe(first);
        duplicates++;
        continue;
      }
      seen.set(row.request_id, text);
      expect(row.timestamp >= last, `${row.timestamp} after ${last}`).toBe(true);
      last = row.timestamp;
    }
    expect(duplicates).toBeGreaterThanOrEqual(10);
    expect(duplicates).toBeLessThanOrEqual(40);
  });

  it("contains every edge case the pipeline has to handle", () => {
    const has = (test: (row: Row) => boolean) => count(sample, test);
    expect(has((r) => r.model === "openai-main/gpt-4.1" && r.service_tier === "priority")).toBeGreaterThan(20);
    expect(has((r) => r.batch === true && /gpt-4o-mini|claude-haiku-4-5|gemini-2.0-flash/.test(r.model))).toBeGreaterThan(100);
    expect(has((r) => r.model === "gemini/gemini-2.5-pro" && r.input_tokens > 200_000)).toBeGreaterThanOrEqual(5);
    expect(has((r) => r.model === "gemini/gemini-2.5-pro" && r.input_tokens === 200_000)).toBeGreaterThanOrEqual(1);
    expect(has((r) => r.model === "anthropic-main/claude-sonnet-4-5" && r.input_tokens > 200_000)).toBeGreaterThanOrEqual(5);
    expect(
      has((r) => r.model === "anthropic-main/claude-sonnet-4-5" && r.cache_read_tokens > 0 && r.cache_write_tokens > 0),
    ).toBeGreaterThan(20);
    expect(has((r) => r.model === "bedrock-prod/nova-lite" && r.region === "sa-east-1")).toBeGreaterThanOrEqual(1);
    expect(
      new Set(sample.filter((r) => r.model === "bedrock-prod/nova-lite").map((r) => r.region ?? "(account default)")).size,
    ).toBeGreaterThanOrEqual(6);
    expect(has((r) => r.model === "openai-main/text-embedding-3-small" && r.output_tokens === 0)).toBeGreaterThan(50);
    expect(
      has((r) => r.model === "openai-main/gpt-4o-audio-preview" && r.input_audio_tokens > 0 && r.output_audio_tokens > 0),
    ).toBeGreaterThan(5);
    expect(has((r) => r.model === "openai-main/dall-e-3" && r.output_images >= 1)).toBeGreaterThan(5);
    expect(has((r) => r.model === "openai-main/whisper-1" && r.input_seconds > 0)).toBeGreaterThan(5);
    for (const field of ["input_characters", "queries", "pages"])
      expect(
        has((r) => r[field] > 0),
        field,
      ).toBeGreaterThan(5);
    // Failed calls generate nothing.
    for (const status of [429, 500])
      expect(
        has((r) => r.status_code === status && r.output_tokens === 0),
        `${status}`,
      ).toBeGreaterThanOrEqual(3);
    expect(sample.filter((r) => r.status_code !== 200).every((r) => r.output_tokens === 0)).toBe(true);
    // The private contract: calls under both periods.
    expect(has((r) => r.model === "azure-ft/support-bot-ft" && r.timestamp < "2026-07-01")).toBeGreaterThan(20);
    expect(has((r) => r.model === "azure-ft/support-bot-ft" && r.timestamp >= "2026-07-01")).toBeGreaterThan(20);
    // The gateway's own figure on about 30% of rows.
    const reported = has((r) => "reported_cost_usd" in r) / sample.length;
    expect(reported).toBeGreaterThan(0.25);
    expect(reported).toBeLessThan(0.35);
  });

  it("puts about 0.5% of rows on models no account declares", () => {
    const unknown = count(sample, (r) => r.model === "openai-main/gpt-5-preview" || r.model === "mystery/model-x");
    expect(count(sample, (r) => r.model === "openai-main/gpt-5-preview")).toBeGreaterThanOrEqual(1);
    expect(count(sample, (r) => r.model === "mystery/model-x")).toBeGreaterThanOrEqual(1);
    expect(unknown / sample.length).toBeGreaterThan(0.002);
    expect(unknown / sample.length).toBeLessThan(0.01);
  });

  it("writes virtual-model calls as a parent row plus its attempts, which share the trace id", () => {
    const parents = sample.filter((r) => r.virtual_model !== undefined);
    expect(parents.length).toBeGreaterThan(20);
    expect(new Set(parents.map((p) => p.virtual_model))).toEqual(new Set(["router/best-chat", "router/cheap-chat"]));
    let fallbacks = 0;
    for (const parent of parents) {
      const trace = parent.request_id.split(":")[0];
      const children = sample.filter((r) => r.request_id.startsWith(`${trace}:`) && r.request_id !== parent.request_id);
      expect(children.length === 1 || children.length === 2).toBe(true);
      expect(children.every((c) => c.virtual_model === undefined && c.timestamp >= parent.timestamp)).toBe(true);
      // The parent repeats the attempt that served the call.
      const served = children.at(-1)!;
      expect(served.status_code).toBe(200);
      expect([served.model, served.input_tokens, served.output_tokens]).toEqual([parent.model, parent.input_tokens, parent.output_tokens]);
      if (children.length === 2) {
        expect([429, 500]).toContain(children[0]!.status_code);
        fallbacks++;
      }
    }
    expect(fallbacks).toBeGreaterThan(5);
  });

  it("has users in one, two and no teams, every virtual account, and PATs listed with a team, without one, and unlisted", () => {
    const users = sample.filter((r) => r.subject_type === "user");
    expect(new Set(users.map((r) => r.subject)).size).toBe(25);
    expect(users.every((r) => /^[a-z.]+@example\.com$/.test(r.subject))).toBe(true);
    for (const n of [0, 1, 2])
      expect(
        count(users, (r) => r.teams.length === n),
        `${n} teams`,
      ).toBeGreaterThan(10);
    for (const va of Object.values(VIRTUAL_ACCOUNTS)) {
      const rows = sample.filter((r) => r.subject_type === "virtualaccount" && r.subject === va.name);
      expect(rows.length, va.name).toBeGreaterThan(50);
      expect(rows.every((r) => r.teams.length === 1 && r.teams[0] === va.team)).toBe(true);
    }
    const pats = new Set(users.map((r) => r.pat_name).filter(Boolean));
    expect(pats).toEqual(new Set([...Object.keys(LISTED_PATS), UNLISTED_PAT]));
    expect(sample.filter((r) => r.pat_name).every((r) => r.subject_type === "user")).toBe(true);
  });

  it("sends metadata with realistic policy breaks and every hostile value", () => {
    const payments = sample.filter((r) => r.subject_type === "user" && r.teams.includes("payments"));
    const missing = count(payments, (r) => r.metadata.cost_center === undefined) / payments.length;
    expect(missing).toBeGreaterThan(0.01);
    expect(missing).toBeLessThan(0.08);
    expect(count(sample, (r) => r.metadata.environment === "prod")).toBeGreaterThan(10);
    expect(
      count(sample, (r) => r.metadata.customer_id !== undefined && !/^cus_[A-Za-z0-9]+$/.test(r.metadata.customer_id)),
    ).toBeGreaterThan(10);
    // Values the virtual accounts' tags will override.
    expect(
      count(sample, (r) => r.subject === "checkout-service" && (r.metadata.environment === "prod" || r.metadata.cost_center === "CC-9999")),
    ).toBeGreaterThan(3);
    expect(
      count(
        sample,
        (r) =>
          r.subject === "nightly-batch" &&
          Object.keys(r.metadata).some((k) => !["application", "environment", "cost_center", "job_id", "dataset"].includes(k)),
      ),
    ).toBeGreaterThan(2);
    for (const [key, value] of HOSTILE_METADATA) {
      const rows = sample.filter((r) => r.metadata[key] === value);
      expect(rows.length, value).toBeGreaterThanOrEqual(1);
      expect(rows.every((r) => r.subject_type === "user")).toBe(true);
    }
  });

  it("follows a working week: quieter nights and weekends for people, the batch at night", () => {
    const users = sample.filter((r) => r.subject_type === "user");
    const weekend = (r: Row) => [0, 6].includes(new Date(r.timestamp).getUTCDay());
    // 30 days from Tuesday 2026-06-16: 8 weekend days, 22 weekdays.
    const perWeekendDay = count(users, weekend) / 8;
    const perWeekday = count(users, (r) => !weekend(r)) / 22;
    expect(perWeekendDay / perWeekday).toBeLessThan(0.3);
    const hour = (r: Row) => new Date(r.timestamp).getUTCHours();
    expect(count(users, (r) => hour(r) >= 14 && hour(r) < 17)).toBeGreaterThan(4 * count(users, (r) => hour(r) >= 2 && hour(r) < 5));
    const batch = sample.filter((r) => r.subject === "nightly-batch");
    expect(count(batch, (r) => hour(r) >= 1 && hour(r) < 6) / batch.length).toBeGreaterThan(0.8);
  });

  it("rejects invalid options before yielding anything, naming the option", () => {
    const problem = (options: SampleOptions) => {
      try {
        generateSample(options);
      } catch (error) {
        expect(error).toBeInstanceOf(PipelineError);
        return (error as PipelineError).problems[0]!.field;
      }
      return undefined;
    };
    expect(problem({ rows: -1, ...WINDOW })).toBe("rows");
    expect(problem({ rows: 1.5, ...WINDOW })).toBe("rows");
    expect(problem({ rows: 10, start: "2026-02-30", days: 1 })).toBe("start");
    expect(problem({ rows: 10, start: "2026-06-16T00:00:00Z", days: 1 })).toBe("start");
    expect(problem({ rows: 10, start: "2026-06-16", days: 0 })).toBe("days");
    expect(problem({ rows: 10, ...WINDOW, seed: 0.5 })).toBe("seed");
    expect(problem({ rows: 10, ...WINDOW, users: 24 })).toBe("users");
    expect(problem({ rows: 10, ...WINDOW, users: 1.5e6 })).toBe("users");
    expect(problem({ rows: 10, ...WINDOW, metadataValues: 0 })).toBe("metadata-values");
  });
});

describe("a sample at an organisation's scale (--users, --metadata-values)", () => {
  const options = { rows: 20_000, ...WINDOW, traces: "builtin", users: 800, metadataValues: 2_000 } as const;
  const rows = run(options);
  const customerIds = new Set(
    rows.map((r) => r.metadata.customer_id).filter((v) => typeof v === "string" && /^cus_[A-Za-z0-9]{14}$/.test(v)),
  );
  const users = new Set(rows.filter((r) => r.subject_type === "user").map((r) => r.subject));

  it("has exactly the users and well-formed customer ids asked for, each at least once", () => {
    expect(users.size).toBe(800);
    expect(users.has("alice.nguyen@example.com")).toBe(true);
    expect(users.has("user-00800@example.com")).toBe(true);
    expect(users.has("user-00801@example.com")).toBe(false);
    expect(customerIds.size).toBe(2_000);
    // The default sample names far fewer.
    expect(new Set(sample.filter((r) => r.subject_type === "user").map((r) => r.subject)).size).toBe(25);
  });

  it("is deterministic for a seed, and keeps the forced scenarios (PATs, hostile values)", () => {
    expect(jsonl(run(options))).toBe(jsonl(rows));
    expect(jsonl(run({ ...options, seed: 7 }))).not.toBe(jsonl(rows));
    expect(count(rows, (r) => r.pat_name === UNLISTED_PAT)).toBeGreaterThan(0);
    for (const [key, value] of HOSTILE_METADATA)
      expect(
        count(rows, (r) => r.metadata[key] === value),
        `${key}=${value}`,
      ).toBeGreaterThan(0);
  });

  it("puts the synthetic users in the policies' teams (a few in none) and keeps the named ones' teams", () => {
    const teams = new Map(rows.filter((r) => r.subject_type === "user").map((r) => [r.subject as string, r.teams as string[]]));
    expect(teams.get("maya.patel@example.com")).toEqual(["data-science"]);
    const known = new Set(["payments", "search", "support", "data-science", "platform"]);
    for (const [user, list] of teams) for (const team of list) expect(known.has(team), `${user} ${team}`).toBe(true);
    const synthetic = [...teams].filter(([user]) => user.startsWith("user-"));
    expect(synthetic.filter(([, list]) => list.length === 0).length).toBeGreaterThan(0);
    expect(synthetic.filter(([, list]) => list.length === 0).length).toBeLessThan(synthetic.length / 10);
  });
});

describe("the token and arrival source", () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it.skipIf(!tracesPresent)("reads the real traces when they are present", () => {
    expect(sampleTraceSource()).toMatchObject({ kind: "traces", dir: DEFAULT_TRACES_DIR });
    expect(sampleTraceSource({ traces: "builtin" }).kind).toBe("builtin");
    // The real and the built-in source give different samples.
    expect(jsonl(run({ rows: 200, ...WINDOW, traces: "builtin" }))).not.toBe(jsonl(run({ rows: 200, ...WINDOW })));
  });

  it("works without ../shared: the built-in distributions, deterministic, with every edge case", async () => {
    const empty = await mkdtemp(path.join(tmpdir(), "costs-no-traces-"));
    dirs.push(empty);
    const options = { rows: 4000, ...WINDOW, traces: "auto", tracesDir: path.join(empty, "traces") } as const;
    expect(sampleTraceSource(options)).toMatchObject({ kind: "builtin" });
    expect(sampleTraceSource(options).description).toContain("has no trace files");
    const rows = run(options);
    expect(rows).toHaveLength(4000);
    expect(jsonl(run(options))).toBe(jsonl(rows));
    // The builtin mode never looks at a folder, so it gives the same rows wherever it runs.
    expect(jsonl(run({ ...options, traces: "builtin", tracesDir: DEFAULT_TRACES_DIR }))).toBe(jsonl(rows));
    expect(count(rows, (r) => r.model === "gemini/gemini-2.5-pro" && r.input_tokens > 200_000)).toBeGreaterThan(0);
    expect(count(rows, (r) => r.region === "sa-east-1")).toBeGreaterThan(0);
    expect(count(rows, (r) => r.virtual_model !== undefined)).toBeGreaterThan(0);
    // Chat prompts look like the traces: a median in the hundreds to low thousands, a long tail.
    const prompts = rows
      .filter((r) => r.model === "openai-main/gpt-4o-mini" && r.status_code === 200 && !r.batch)
      .map((r) => r.input_tokens)
      .sort((a, b) => a - b);
    const median = prompts[Math.floor(prompts.length / 2)]!;
    expect(median).toBeGreaterThan(300);
    expect(median).toBeLessThan(3000);
    expect(prompts.at(-1)!).toBeGreaterThan(4 * median);
  });
});
