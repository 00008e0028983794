/**
 * `costs site-data --pseudonymise-users` on the committed sample (issue 17): the site's
 * files hold no user name, only the names change, the totals stay, and the pipeline's own
 * output (the finance extracts) keeps the real names. The sample's policies with `owner`
 * (a metadata key whose values are emails) given a page and an extract of its own.
 */
import { cp, readdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { sha256File } from "../../src/lib/hash.ts";
import { parseNano } from "../../src/pricing/money.ts";
import { SiteDownloadsSchema, SiteSummarySchema } from "../../src/schemas/site-data.schema.ts";
import { pseudonymOf } from "../../src/site-data/to-pseudonyms.ts";
import { listPartitions, readPartitionColumns } from "../../src/dataset/read-partitions.ts";
import { readParquet } from "../../src/parquet/read-parquet.ts";
import { runCli } from "../run-cli.ts";
import { writeTempTree } from "../temp-dir.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const SALT = "nightly-secret-salt-0123456789";

let tmp: string;
let data: string;
let policies: string;
/** Every distinct user of the priced rows, and the tokens named in require_pat_team violations. */
let users: string[];
let pats: string[];
/** sha256 of every file under data/ after `costs run`. */
let dataHashes: Record<string, string>;

/** `costs site-data` into `<tmp>/<name>/{site-data,public}` with these environment variables (the others unset). */
async function siteData(name: string, env: Record<string, string | undefined>, ...flags: string[]) {
  vi.stubEnv("SITE_PSEUDONYMISE_USERS", undefined);
  vi.stubEnv("SITE_USER_SALT", undefined);
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  const dir = path.join(tmp, name);
  const args = ["--data", data, "--policies-dir", policies, "--out", path.join(dir, "site-data"), "--public-dir", path.join(dir, "public")];
  const result = await runCli(ROOT, "site-data", ...args, ...flags);
  vi.unstubAllEnvs();
  return { ...result, dir };
}

/** relative path → sha256 of every file under `dir`. */
async function hashes(dir: string): Promise<Record<string, string>> {
  const files = (await readdir(dir, { recursive: true })).sort();
  const result: Record<string, string> = {};
  for (const f of files) if ((await stat(path.join(dir, f))).isFile()) result[f] = await sha256File(path.join(dir, f));
  return result;
}

const json = async (file: string) => JSON.parse(await readFile(file, "utf8"));

/** A value with every user name (and token name in a violation) replaced by its pseudonym. */
function rename(value: unknown): unknown {
  if (typeof value === "string") {
    if (users.includes(value)) return pseudonymOf(value, SALT);
    const pat = /^require_pat_team:(.*):no_team$/.exec(value)?.[1];
    return pat !== undefined && pats.includes(pat) ? `require_pat_team:${pseudonymOf(pat, SALT, "pat-")}:no_team` : value;
  }
  if (Array.isArray(value)) return value.map(rename);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rename(v)]));
  return value;
}

/** `value` with every array sorted: the same content in any order compares equal. */
function unordered(value: unknown): unknown {
  const key = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === "bigint" ? `${x}n` : x));
  if (Array.isArray(value)) return value.map(unordered).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unordered(v)]));
  return value;
}

/** The rows of a CSV or Parquet file, as arrays of cells (Parquet money as bigint). */
async function tableRows(file: string): Promise<unknown[][]> {
  if (file.endsWith(".csv")) return parse(await readFile(file, "utf8")) as string[][];
  const { columns } = await readParquet(file);
  const names = Object.keys(columns);
  return columns[names[0]!]!.map((_, i) => names.map((n) => columns[n]![i]));
}

beforeAll(async () => {
  tmp = await writeTempTree({});
  data = path.join(tmp, "data");
  // The repository's policies, with `owner` (emails) as a site metadata key and an extract by it.
  policies = path.join(tmp, "policies");
  await cp(path.join(ROOT, "policies"), policies, { recursive: true });
  const extracts = await readFile(path.join(policies, "extracts.yaml"), "utf8");
  const withOwner = extracts
    .replace(
      "metadata_keys: [application, environment, cost_center, customer_id]",
      "metadata_keys: [application, environment, cost_center, customer_id, owner]",
    )
    .replace("extracts:\n", "extracts:\n  - name: cost-by-owner\n    group_by: [month, metadata.owner]\n");
  expect(withOwner).toContain("customer_id, owner]");
  await writeFile(path.join(policies, "extracts.yaml"), withOwner);

  const run = await runCli(ROOT, "run", "--logs", "data/sample", "--out", data, "--policies-dir", policies, "--no-progress");
  expect(run.code, run.err).toBe(0);
  const read = await readPartitionColumns(data, await listPartitions(data), ["user", "pat_name", "policy_violations"]);
  users = [...new Set(read.user!.filter((u): u is string => typeof u === "string"))].sort();
  pats = [
    ...new Set(
      read.pat_name!.filter(
        (p, i) => typeof p === "string" && (read.policy_violations![i] as string).includes(`require_pat_team:${p}:no_team`),
      ) as string[],
    ),
  ].sort();
  dataHashes = await hashes(data);

  const plain = await siteData("plain", {});
  expect(plain.err).toBe("");
  expect(plain.code).toBe(0);
  const pseudo = await siteData("pseudo", { SITE_USER_SALT: SALT }, "--pseudonymise-users");
  expect(pseudo.err).toBe("");
  expect(pseudo.code).toBe(0);
  expect(pseudo.out).toContain(`; ${users.length} user names pseudonymised`);
}, 120_000);

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("costs site-data --pseudonymise-users on the sample", () => {
  it("writes no user name: in no byte of any file under --out and --public-dir/data, in no cell of its Parquet files", async () => {
    // The sample has users to hide: 25 emails, one of them the `owner` of some calls, and tokens named after people;
    // without the flag they are all in the site's files.
    expect(users).toHaveLength(25);
    expect(users.every((u) => u.endsWith("@example.com"))).toBe(true);
    expect(pats).toEqual(["victor-sandbox", "yara-laptop"]);
    const plain = JSON.stringify(await json(path.join(tmp, "plain/site-data/breakdown-user.json")));
    for (const user of users) expect(plain).toContain(user);
    expect((await json(path.join(tmp, "plain/site-data/breakdown-metadata.owner.json"))).rows.map((r: { key: string }) => r.key)).toContain(
      "maya.patel@example.com",
    );

    const dir = path.join(tmp, "pseudo");
    const files = Object.keys(await hashes(dir));
    expect(files).toEqual(
      expect.arrayContaining([
        "site-data/breakdown-user.json",
        "site-data/issues.json",
        "public/data/cube.parquet",
        "public/data/extracts/cost-by-user.csv",
        "public/data/extracts/cost-by-user.parquet",
      ]),
    );
    // The FOCUS export's Tags name users (costs/user): shipped by the plain site, not by the pseudonymised one.
    expect(Object.keys(await hashes(path.join(tmp, "plain")))).toContain("public/data/focus/focus.parquet");
    expect(files.filter((f) => f.includes("focus"))).toEqual([]);
    const names = [...users, ...pats];
    for (const file of files) {
      const bytes = await readFile(path.join(dir, file));
      for (const name of names) expect(bytes.includes(name), `${name} in ${file}`).toBe(false);
      if (!file.endsWith(".parquet")) continue;
      const cells = (await tableRows(path.join(dir, file))).flat().filter((c): c is string => typeof c === "string");
      expect(cells.length, file).toBeGreaterThan(0);
      for (const name of names)
        expect(
          cells.filter((c) => c.includes(name)),
          `${name} in ${file}`,
        ).toEqual([]);
    }
    const breakdown = await json(path.join(dir, "site-data/breakdown-user.json"));
    const keys = breakdown.rows.map((r: { key: string | null }) => r.key).filter((k: string | null) => k !== null);
    expect(keys).toHaveLength(users.length);
    for (const key of keys) expect(key).toMatch(/^user-[0-9a-f]{12}$/);
  });

  it("changes only the names: each file is the plain build's with every user name (and token name) replaced by its pseudonym", async () => {
    const plain = path.join(tmp, "plain");
    const pseudo = path.join(tmp, "pseudo");
    // Every file but the FOCUS export, which the pseudonymised site does not ship (its Tags name users).
    const plainFiles = Object.keys(await hashes(plain)).filter((f) => !f.startsWith("public/data/focus/"));
    expect(Object.keys(await hashes(pseudo))).toEqual(plainFiles);
    for (const file of plainFiles.filter(
      (f) => f.startsWith("site-data/") && f !== "site-data/summary.json" && f !== "site-data/downloads.json",
    )) {
      expect(unordered(await json(path.join(pseudo, file))), file).toEqual(unordered(rename(await json(path.join(plain, file)))));
    }
    expect(await json(path.join(pseudo, "site-data/summary.json"))).toEqual({
      ...(await json(path.join(plain, "site-data/summary.json"))),
      users_pseudonymised: true,
    });
    for (const file of plainFiles.filter((f) => f.startsWith("public/"))) {
      expect(unordered(await tableRows(path.join(pseudo, file))), file).toEqual(unordered(rename(await tableRows(path.join(plain, file)))));
    }
  });

  it("keeps every total: summary = manifest, the user breakdown, the cube and the cost-by-user copy add up to it; downloads.json describes the rewritten files", async () => {
    const dir = path.join(tmp, "pseudo");
    const manifest = await json(path.join(data, "manifest.json"));
    const total = parseNano(manifest.dataset.cost_usd);
    const summary = SiteSummarySchema.parse(await json(path.join(dir, "site-data/summary.json")));
    expect(summary.totals.cost_usd).toBe(manifest.dataset.cost_usd);
    expect(summary.users_pseudonymised).toBe(true);
    const breakdown = await json(path.join(dir, "site-data/breakdown-user.json"));
    expect(breakdown.rows.reduce((s: bigint, r: { cost_usd: string }) => s + parseNano(r.cost_usd), 0n)).toBe(total);
    const csv = parse(await readFile(path.join(dir, "public/data/extracts/cost-by-user.csv"), "utf8"), { columns: true }) as Record<
      string,
      string
    >[];
    expect(csv.reduce((s, r) => s + parseNano(r.cost_usd!), 0n)).toBe(total);
    for (const row of csv) expect(row.user).toMatch(/^(user-[0-9a-f]{12})?$/);
    for (const file of ["extracts/cost-by-user.parquet", "extracts/cost-by-owner.parquet", "cube.parquet"]) {
      const { columns } = await readParquet(path.join(dir, "public/data", file));
      expect(
        columns.cost_usd!.reduce((s, v) => (s as bigint) + (v as bigint), 0n),
        file,
      ).toBe(total);
    }
    const downloads = SiteDownloadsSchema.parse(await json(path.join(dir, "site-data/downloads.json")));
    const files = [...downloads.extracts.flatMap((e) => e.files), ...downloads.focus, downloads.cube];
    expect(files.map((f) => f.href)).toContain("data/extracts/cost-by-user.csv");
    for (const f of files) {
      const file = path.join(dir, "public", f.href);
      expect({ href: f.href, bytes: f.bytes, sha256: f.sha256 }).toEqual({
        href: f.href,
        bytes: (await stat(file)).size,
        sha256: await sha256File(file),
      });
      expect(f.rows, f.href).toBe((await tableRows(file)).length - (f.format === "csv" ? 1 : 0));
    }
    // The copies of the extracts by user and by owner are rewritten; the others (cost-by-customer is recomputed, with no
    // user among its values) and FOCUS (which has no user) are byte for byte the pipeline's files.
    for (const f of files.filter((f) => f.href !== "data/cube.parquet")) {
      const same = f.sha256 === dataHashes[f.href.slice("data/".length)];
      expect(same, f.href).toBe(!/cost-by-(user|owner)\./.test(f.href));
    }
  });

  it("leaves the pipeline's output alone: every file under --data unchanged, cost-by-user.csv with the real names the site's copy hides", async () => {
    expect(await hashes(data)).toEqual(dataHashes);
    const original = parse(await readFile(path.join(data, "extracts/cost-by-user.csv"), "utf8"), { columns: true }) as Record<
      string,
      string
    >[];
    expect(new Set(original.map((r) => r.user).filter(Boolean))).toEqual(new Set(users));
    const copy = parse(await readFile(path.join(tmp, "pseudo/public/data/extracts/cost-by-user.csv"), "utf8"), { columns: true }) as Record<
      string,
      string
    >[];
    expect(new Set(copy.map((r) => r.user).filter(Boolean))).toEqual(new Set(users.map((u) => pseudonymOf(u, SALT))));
  });

  it("SITE_PSEUDONYMISE_USERS decides as the flag: true or 1 give the flagged files byte for byte; unset, empty, false or 0 (a salt set or not) today's files", async () => {
    const flagged = await hashes(path.join(tmp, "pseudo"));
    for (const value of ["true", "1"]) {
      const { code, err, dir } = await siteData(`env-${value}`, { SITE_PSEUDONYMISE_USERS: value, SITE_USER_SALT: SALT });
      expect(err).toBe("");
      expect(code).toBe(0);
      expect(await hashes(dir), value).toEqual(flagged);
    }
    const plain = await hashes(path.join(tmp, "plain"));
    for (const [name, env] of [
      ["off-empty", { SITE_PSEUDONYMISE_USERS: "", SITE_USER_SALT: SALT }],
      ["off-false", { SITE_PSEUDONYMISE_USERS: "false", SITE_USER_SALT: SALT }],
      ["off-0", { SITE_PSEUDONYMISE_USERS: "0" }],
    ] as const) {
      const { code, dir } = await siteData(name, env);
      expect(code).toBe(0);
      expect(await hashes(dir), name).toEqual(plain);
    }
    // Off, as before this option: the downloads are the pipeline's files, and summary.json has no users_pseudonymised.
    for (const [file, sha256] of Object.entries(plain).filter(([f]) => f.startsWith("public/data/") && f !== "public/data/cube.parquet")) {
      expect(sha256, file).toBe(dataHashes[file.slice("public/data/".length)]);
    }
    expect(await json(path.join(tmp, "plain/site-data/summary.json"))).not.toHaveProperty("users_pseudonymised");
  });

  it("refuses the flag without a salt or with a salt under 16 characters, and an unknown SITE_PSEUDONYMISE_USERS: exit 1, the fix named, nothing written", async () => {
    const cases = [
      [
        "no-salt",
        {},
        ["--pseudonymise-users"],
        /error: SITE_USER_SALT: --pseudonymise-users needs a salt, and SITE_USER_SALT is not set; nothing was written\n {2}hint: set SITE_USER_SALT to a random secret of at least 16 characters/,
      ],
      ["env-no-salt", { SITE_PSEUDONYMISE_USERS: "true" }, [], /error: SITE_USER_SALT: SITE_PSEUDONYMISE_USERS=true needs a salt/],
      [
        "short-salt",
        { SITE_USER_SALT: "fifteen-chars!!" },
        ["--pseudonymise-users"],
        /error: SITE_USER_SALT: has 15 characters, --pseudonymise-users needs at least 16/,
      ],
      [
        "yes",
        { SITE_PSEUDONYMISE_USERS: "yes", SITE_USER_SALT: SALT },
        [],
        /error: SITE_PSEUDONYMISE_USERS: must be true, 1, false, 0 or empty, got "yes"/,
      ],
    ] as const;
    for (const [name, env, flags, message] of cases) {
      const { code, out, err, dir } = await siteData(name, env, ...flags);
      expect(code, name).toBe(1);
      expect(out, name).toBe("");
      expect(err, name).toMatch(message);
      await expect(stat(dir), name).rejects.toThrow(/ENOENT/);
    }
    expect(await hashes(data)).toEqual(dataHashes);
  });
});
