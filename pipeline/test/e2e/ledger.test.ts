/**
 * `costs ledger record | verify | restore` against real git repositories in temp folders: a
 * bare "origin" and clones of it (made with simple-git), data folders written by the test
 * (manifest.json, day rollups and priced files with the fields of issue 12's contract).
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { simpleGit, type SimpleGit } from "simple-git";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runCli } from "../run-cli.ts";
import { writeTempTree } from "../temp-dir.ts";

const IDENTITY = ["user.name=Test", "user.email=test@example.com"];
const git = (dir: string): SimpleGit => simpleGit({ baseDir: dir, config: IDENTITY });
const sha256 = (bytes: string | Buffer) => createHash("sha256").update(bytes).digest("hex");

interface Day {
  date: string;
  rows: number;
  cost: string;
  /** The priced file's bytes (default: derived from the day). */
  parquet?: string;
}

/** A bare origin with one commit on main, and a clone of it with a staged and an unstaged change. */
async function repositories(originName = "origin.git"): Promise<{ work: string; origin: string; clone: string }> {
  const work = await writeTempTree({});
  const origin = path.join(work, originName);
  await mkdir(origin);
  await git(origin).init(true, ["-b", "main"]);
  const clone = path.join(work, "clone");
  await git(work).clone(origin, clone);
  await writeFile(path.join(clone, "pricing.yaml"), "rates: 1\n");
  await git(clone).add("pricing.yaml");
  await git(clone).commit("pricing");
  await git(clone).push("origin", "main");
  await writeFile(path.join(clone, "staged.txt"), "staged\n");
  await git(clone).add("staged.txt");
  await writeFile(path.join(clone, "pricing.yaml"), "rates: 2 # not committed\n");
  return { work, origin, clone };
}

/** A data folder as `costs run` leaves it: manifest.json, rollups/date=D.json and priced/date=D/part-00000.parquet. */
async function writeData(data: string, days: Day[], generatedAt: string): Promise<void> {
  await rm(data, { recursive: true, force: true });
  for (const day of days) {
    const parquet = day.parquet ?? `parquet of ${day.date}`;
    const file = `priced/date=${day.date}/part-00000.parquet`;
    await mkdir(path.dirname(path.join(data, file)), { recursive: true });
    await writeFile(path.join(data, file), parquet);
    const rollup = {
      rollup_version: 1,
      date: day.date,
      pricing_version: "sha256:1111222233334444",
      rows: day.rows,
      cost_usd: day.cost,
      list_cost_usd: "1.000000000",
      unpriced_requests: 0,
      priced_files: [{ path: file, rows: day.rows, bytes: Buffer.byteLength(parquet), sha256: sha256(parquet) }],
      grains: { "cost-by-user": [["alice@example.com", day.rows, day.cost]] },
    };
    await mkdir(path.join(data, "rollups"), { recursive: true });
    await writeFile(path.join(data, "rollups", `date=${day.date}.json`), `${JSON.stringify(rollup)}\n`);
  }
  await writeFile(
    path.join(data, "manifest.json"),
    JSON.stringify({ generated_at: generatedAt, dataset: { days: days.map((d) => d.date) } }),
  );
}

/** What must not change when the ledger is written: HEAD, the current branch, the index and the working tree. */
async function repositoryState(dir: string) {
  const g = git(dir);
  return {
    head: await g.revparse(["HEAD"]),
    branch: (await g.raw(["symbolic-ref", "HEAD"])).trim(),
    index: await g.raw(["diff", "--cached"]),
    worktree: await g.raw(["diff"]),
    status: await g.raw(["status", "--porcelain"]),
    pricing: await readFile(path.join(dir, "pricing.yaml"), "utf8"),
  };
}

const ledgerFiles = async (dir: string, ref = "costs-ledger") =>
  (await git(dir).raw(["ls-tree", "-r", "--name-only", ref])).split("\n").filter(Boolean);
const ledgerFile = async (dir: string, file: string, ref = "costs-ledger") => git(dir).show([`${ref}:${file}`]);
const commits = async (dir: string, ref = "costs-ledger") => (await git(dir).raw(["rev-list", ref])).split("\n").filter(Boolean);

const JUNE = [
  { date: "2026-06-01", rows: 3, cost: "1.500000000" },
  { date: "2026-06-02", rows: 4, cost: "2.250000000" },
  { date: "2026-06-03", rows: 5, cost: "0.000000007" },
];

afterEach(() => vi.unstubAllEnvs());

describe("costs ledger record", () => {
  it("creates the orphan branch in one commit: an entry and the rollup of every day, and a README; HEAD, index and working tree stay", async () => {
    const { clone, work } = await repositories();
    const data = path.join(work, "data");
    await writeData(data, JUNE, "2026-06-04T02:31:00.000Z");
    const before = await repositoryState(clone);

    const result = await runCli(clone, "ledger", "record", "--data", data);
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^costs-ledger: recorded 3 days of .*data \(3 added; 0 unchanged\) in commit [0-9a-f]{12}, a new ledger\n$/);

    expect(await repositoryState(clone)).toEqual(before);
    expect(await ledgerFiles(clone)).toEqual([
      "README.md",
      "days/2026-06-01.json",
      "days/2026-06-02.json",
      "days/2026-06-03.json",
      "rollups/date=2026-06-01.json",
      "rollups/date=2026-06-02.json",
      "rollups/date=2026-06-03.json",
    ]);
    // One commit, with no parent: the branch shares no history with the code.
    const [commit] = await commits(clone);
    expect(await commits(clone)).toHaveLength(1);
    expect((await git(clone).raw(["rev-list", "--parents", "-n", "1", commit!])).trim()).toBe(commit);
    expect(await git(clone).raw(["log", "-1", "--format=%an <%ae>%n%s", "costs-ledger"])).toBe(
      "costs ledger <costs-ledger@users.noreply.github.com>\nLedger: 3 days added (data of 2026-06-04T02:31:00.000Z)\n",
    );

    const rollup = await readFile(path.join(data, "rollups/date=2026-06-02.json"));
    expect(Buffer.from(await git(clone).binaryCatFile(["blob", "costs-ledger:rollups/date=2026-06-02.json"]))).toEqual(rollup);
    const text = await ledgerFile(clone, "days/2026-06-02.json");
    expect(JSON.parse(text)).toEqual({
      ledger_version: 1,
      date: "2026-06-02",
      rows: 4,
      cost_usd: "2.250000000",
      list_cost_usd: "1.000000000",
      unpriced_requests: 0,
      pricing_version: "sha256:1111222233334444",
      priced_files: [{ path: "priced/date=2026-06-02/part-00000.parquet", rows: 4, bytes: 21, sha256: sha256("parquet of 2026-06-02") }],
      rollup_sha256: sha256(rollup),
      first_recorded_at: "2026-06-04T02:31:00.000Z",
      recorded_at: "2026-06-04T02:31:00.000Z",
      restatements: [],
    });
    // Deterministic text: keys sorted, 2-space indent, a trailing newline.
    expect(text.split("\n").slice(0, 3)).toEqual(["{", '  "cost_usd": "2.250000000",', '  "date": "2026-06-02",']);
    expect(text.endsWith("}\n")).toBe(true);
    expect(await ledgerFile(clone, "README.md")).toContain("costs ledger verify");
  });

  it("records again without a commit when nothing changed; a new day is one more commit with only that day", async () => {
    const { clone, work } = await repositories();
    const data = path.join(work, "data");
    await writeData(data, JUNE, "2026-06-04T02:31:00.000Z");
    expect((await runCli(clone, "ledger", "record", "--data", data)).code).toBe(0);
    const first = await commits(clone);

    // The next nightly's manifest is newer, the days are the same: no commit.
    await writeData(data, JUNE, "2026-06-05T02:31:00.000Z");
    const again = await runCli(clone, "ledger", "record", "--data", data);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/^costs-ledger: nothing to record: the 3 days of .*data are recorded as they are\n$/);
    expect(await commits(clone)).toEqual(first);

    await writeData(data, [...JUNE, { date: "2026-06-04", rows: 1, cost: "0.100000000" }], "2026-06-05T02:31:00.000Z");
    const added = await runCli(clone, "ledger", "record", "--data", data);
    expect(added.out).toContain("(1 added; 3 unchanged)");
    expect(await commits(clone)).toEqual([expect.any(String), ...first]);
    expect((await git(clone).raw(["diff", "--name-only", first[0]!, "costs-ledger"])).split("\n").filter(Boolean)).toEqual([
      "days/2026-06-04.json",
      "rollups/date=2026-06-04.json",
    ]);
    // Entries recorded earlier keep their first recording time.
    expect(JSON.parse(await ledgerFile(clone, "days/2026-06-01.json")).recorded_at).toBe("2026-06-04T02:31:00.000Z");
    expect(JSON.parse(await ledgerFile(clone, "days/2026-06-04.json")).first_recorded_at).toBe("2026-06-05T02:31:00.000Z");
  });

  it("--push: the bare remote gets the branch; a fresh clone records on top of origin/costs-ledger and pushes a fast-forward", async () => {
    const { clone, work, origin } = await repositories();
    const data = path.join(work, "data");
    await writeData(data, JUNE, "2026-06-04T02:31:00.000Z");
    const pushed = await runCli(clone, "ledger", "record", "--data", data, "--push", "origin");
    expect(pushed.err).toBe("");
    expect(pushed.out).toMatch(/, pushed to origin\n$/);
    expect(await commits(origin)).toEqual(await commits(clone));

    // A new runner: a fresh clone with no local ledger branch, and the workflow's identity in the environment.
    const fresh = path.join(work, "fresh");
    await git(work).clone(origin, fresh);
    await writeData(data, [...JUNE, { date: "2026-06-04", rows: 1, cost: "0.100000000" }], "2026-06-05T02:31:00.000Z");
    vi.stubEnv("GIT_AUTHOR_NAME", "github-actions[bot]");
    vi.stubEnv("GIT_AUTHOR_EMAIL", "41898282+github-actions[bot]@users.noreply.github.com");
    const next = await runCli(fresh, "ledger", "record", "--data", data, "--push", "origin");
    expect(next.out).toContain("(1 added; 3 unchanged)");
    expect(next.out).toContain("after origin/costs-ledger, pushed to origin");
    const history = await commits(origin);
    expect(history).toHaveLength(2);
    expect(history[1]).toBe((await commits(clone))[0]);
    expect(await ledgerFiles(origin)).toContain("days/2026-06-04.json");
    expect(await git(origin).raw(["log", "-1", "--format=%an <%ae> / %cn", "costs-ledger"])).toBe(
      "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com> / github-actions[bot]\n",
    );

    // Nothing new: nothing pushed.
    const same = await runCli(fresh, "ledger", "record", "--data", data, "--push", "origin");
    expect(same.out).toContain("(origin already has it)");
    expect(await commits(origin)).toEqual(history);
  });

  it("--push refuses a local ledger that diverged from the remote's, and changes nothing", async () => {
    const { clone, work, origin } = await repositories();
    const data = path.join(work, "data");
    await writeData(data, JUNE, "2026-06-04T02:31:00.000Z");
    await runCli(clone, "ledger", "record", "--data", data, "--push", "origin");
    const other = path.join(work, "other");
    await git(work).clone(origin, other);
    // The clone records a day locally without pushing; meanwhile another runner pushes another day.
    await writeData(data, [...JUNE, { date: "2026-06-04", rows: 1, cost: "0.100000000" }], "2026-06-05T02:31:00.000Z");
    await runCli(clone, "ledger", "record", "--data", data);
    await writeData(data, [...JUNE, { date: "2026-06-05", rows: 1, cost: "0.200000000" }], "2026-06-06T02:31:00.000Z");
    expect((await runCli(other, "ledger", "record", "--data", data, "--push", "origin")).code).toBe(0);
    const remote = await commits(origin);
    const local = await commits(clone);

    const refused = await runCli(clone, "ledger", "record", "--data", data, "--push", "origin");
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(
      "error: the local costs-ledger and origin/costs-ledger have diverged: a push could not be a fast-forward",
    );
    expect(await commits(origin)).toEqual(remote);
    expect(await commits(clone)).toEqual(local);
  });

  it("a failed push names the remote without the token, in any form", async () => {
    const token = "ghs_ledgerPushToken0123456789";
    const { clone, work } = await repositories(`origin-${token}.git`);
    const hook = path.join(work, `origin-${token}.git`, "hooks", "pre-receive");
    await writeFile(hook, `#!/bin/sh\necho "denied: ${token}" >&2\nexit 1\n`, { mode: 0o755 });
    vi.stubEnv("GITHUB_TOKEN", token);
    const data = path.join(work, "data");
    await writeData(data, JUNE, "2026-06-04T02:31:00.000Z");
    const result = await runCli(clone, "ledger", "record", "--data", data, "--push", "origin");
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^error: cannot push costs-ledger to origin: error: failed to push some refs to '.*origin-\*\*\*\.git'\n/);
    expect(result.err).toContain("hint: check the remote's credentials");
    expect(result.err).not.toContain(token);
    expect(result.err).not.toContain(Buffer.from(`x-access-token:${token}`).toString("base64").slice(4, 30));
  });

  it("refuses a recorded day whose totals changed without a restatement, and commits nothing", async () => {
    const { clone, work } = await repositories();
    const data = path.join(work, "data");
    await writeData(data, JUNE, "2026-06-04T02:31:00.000Z");
    await runCli(clone, "ledger", "record", "--data", data);
    const before = await commits(clone);
    await writeData(data, [JUNE[0]!, { ...JUNE[1]!, cost: "2.750000000", rows: 5 }, JUNE[2]!], "2026-06-05T02:31:00.000Z");

    const refused = await runCli(clone, "ledger", "record", "--data", data);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(
      "error: the totals of 1 day the ledger recorded changed, without a restatement: 2026-06-02 (cost_usd 2.250000000 → 2.750000000, rows 4 → 5); nothing was recorded",
    );
    expect(refused.err).toContain("hint: a published day changes only through `costs restate`");
    expect(await commits(clone)).toEqual(before);

    // --accept-changes: recorded as a restatement with reason re-run.
    const accepted = await runCli(clone, "ledger", "record", "--data", data, "--accept-changes");
    expect(accepted.code).toBe(0);
    expect(accepted.out).toContain("2026-06-02 restated (re-run): cost_usd 2.250000000 → 2.750000000, rows 4 → 5\n");
    const entry = JSON.parse(await ledgerFile(clone, "days/2026-06-02.json"));
    expect(entry).toMatchObject({ cost_usd: "2.750000000", rows: 5, first_recorded_at: "2026-06-04T02:31:00.000Z" });
    expect(entry.restatements).toEqual([
      {
        restated_at: "2026-06-05T02:31:00.000Z",
        reason: "re-run",
        old: { rows: 4, cost_usd: "2.250000000", list_cost_usd: "1.000000000", unpriced_requests: 0 },
        new: { rows: 5, cost_usd: "2.750000000", list_cost_usd: "1.000000000", unpriced_requests: 0 },
        old_pricing_version: "sha256:1111222233334444",
        new_pricing_version: "sha256:1111222233334444",
        pricing_commit: null,
      },
    ]);
  });

  it("with restatements.json records the restated days old → new with the pricing commit", async () => {
    const { clone, work } = await repositories();
    const data = path.join(work, "data");
    await writeData(data, JUNE, "2026-06-04T02:31:00.000Z");
    await runCli(clone, "ledger", "record", "--data", data);
    const restated = [JUNE[0]!, { ...JUNE[1]!, cost: "2.000000000" }, { ...JUNE[2]!, cost: "0.000000005" }];
    await writeData(data, restated, "2026-06-05T02:31:00.000Z");
    const pricingCommit = "0123456789abcdef0123456789abcdef01234567";
    const restatement = (date: string, rows: number, from: string, to: string) => ({
      date,
      restated_at: "2026-06-05T02:40:00.000Z",
      old: { rows, cost_usd: from, list_cost_usd: "1.000000000" },
      new: { rows, cost_usd: to, list_cost_usd: "1.000000000" },
      old_pricing_version: "sha256:1111222233334444",
      new_pricing_version: "sha256:1111222233334444",
      pricing_commit: pricingCommit,
    });
    await writeFile(
      path.join(data, "restatements.json"),
      JSON.stringify([
        restatement("2026-06-02", 4, "2.250000000", "2.000000000"),
        restatement("2026-06-03", 5, "0.000000007", "0.000000005"),
      ]),
    );

    const result = await runCli(clone, "ledger", "record", "--data", data);
    expect(result.err).toBe("");
    expect(result.out).toContain("(2 restated; 1 unchanged)");
    expect(result.out).toContain(
      "  2026-06-02 restated (restate): cost_usd 2.250000000 → 2.000000000, rows 4 → 4, pricing commit 0123456789ab\n",
    );
    expect(JSON.parse(await ledgerFile(clone, "days/2026-06-03.json")).restatements).toEqual([
      expect.objectContaining({
        reason: "restate",
        restated_at: "2026-06-05T02:40:00.000Z",
        old: expect.objectContaining({ cost_usd: "0.000000007" }),
        new: expect.objectContaining({ cost_usd: "0.000000005" }),
        pricing_commit: pricingCommit,
      }),
    ]);
    expect(await git(clone).raw(["log", "-1", "--format=%B", "costs-ledger"])).toContain(
      "2026-06-02 (restate): cost_usd 2.250000000 → 2.000000000, rows 4 → 4, pricing 0123456789ab",
    );
    // The next record finds nothing new: the restatement is not recorded twice.
    expect((await runCli(clone, "ledger", "record", "--data", data)).out).toContain("nothing to record");
  });

  it("refuses data that lacks recorded days; --allow-missing-history marks them dropped, and verify then passes", async () => {
    const { clone, work } = await repositories();
    const data = path.join(work, "data");
    await writeData(data, JUNE, "2026-06-04T02:31:00.000Z");
    await runCli(clone, "ledger", "record", "--data", data);
    await writeData(data, [JUNE[2]!], "2026-06-05T02:31:00.000Z");
    const refused = await runCli(clone, "ledger", "record", "--data", data);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(
      "error: the data lacks 2 days the ledger recorded as published: 2026-06-01..2026-06-02 (3.750000000 USD)",
    );

    const allowed = await runCli(clone, "ledger", "record", "--data", data, "--allow-missing-history");
    expect(allowed.code).toBe(0);
    expect(allowed.out).toContain("(2 dropped; 1 unchanged)");
    expect(allowed.err).toContain(
      "warning: recorded 2 days as dropped (published without them, --allow-missing-history): 2026-06-01..2026-06-02, 3.750000000 USD",
    );
    expect(JSON.parse(await ledgerFile(clone, "days/2026-06-01.json")).dropped_at).toBe("2026-06-05T02:31:00.000Z");
    // The ledger keeps what was reported: the entry's totals and its rollup stay.
    expect(await ledgerFiles(clone)).toContain("rollups/date=2026-06-01.json");
    const verified = await runCli(clone, "ledger", "verify", "--data", data);
    expect(verified.code).toBe(0);
    expect(verified.out).toMatch(
      /^ledger OK \(costs-ledger\): .*data holds 1 of the 1 day recorded \(1 with rows, 0 rollup-only\); 2 days dropped earlier\n$/,
    );
  });

  it("refuses to move the ledger branch while it is checked out", async () => {
    const { clone, work } = await repositories();
    const data = path.join(work, "data");
    await writeData(data, JUNE, "2026-06-04T02:31:00.000Z");
    await git(clone).raw(["branch", "costs-ledger", "main"]);
    const tree = path.join(work, "ledger-tree");
    await git(clone).raw(["worktree", "add", tree, "costs-ledger"]);
    const result = await runCli(clone, "ledger", "record", "--data", data);
    expect(result.code).toBe(1);
    expect(result.err).toContain(`error: the ledger branch costs-ledger is checked out in ${tree}`);
  });
});

describe("costs ledger verify and restore", () => {
  /** A clone whose origin holds a ledger of JUNE, the local branch deleted (as on a fresh runner), and the data restored in full. */
  async function published() {
    const { clone, work } = await repositories();
    const data = path.join(work, "data");
    await writeData(data, JUNE, "2026-06-04T02:31:00.000Z");
    expect((await runCli(clone, "ledger", "record", "--data", data, "--push", "origin")).code).toBe(0);
    await git(clone).raw(["branch", "-D", "costs-ledger"]);
    return { clone, work, data };
  }

  it("says so when there is no ledger yet, and passes", async () => {
    const { clone, work } = await repositories();
    const data = path.join(work, "data");
    await writeData(data, JUNE, "2026-06-04T02:31:00.000Z");
    const verified = await runCli(clone, "ledger", "verify", "--data", data);
    expect(verified).toEqual({
      code: 0,
      out: "ledger: no ledger yet (no costs-ledger branch, nor origin/costs-ledger): nothing to check; `costs ledger record` starts it\n",
      err: "",
    });
    expect((await runCli(clone, "ledger", "restore", "--data", data)).out).toContain("no ledger yet");
  });

  it("passes, reading origin/costs-ledger, when the data holds every recorded day", async () => {
    const { clone, data } = await published();
    const verified = await runCli(clone, "ledger", "verify", "--data", data);
    expect(verified.err).toBe("");
    expect(verified.out).toMatch(
      /^ledger OK \(origin\/costs-ledger\): .*data holds 3 of the 3 days recorded \(3 with rows, 0 rollup-only\)\n$/,
    );
  });

  it("refuses (exit 1) when the restored data lacks recorded days, naming them and their cost; --allow-missing-history warns and passes", async () => {
    const { clone, data } = await published();
    // The history restored before the run lost two days (an expired artifact).
    for (const date of ["2026-06-01", "2026-06-03"]) {
      await rm(path.join(data, `priced/date=${date}`), { recursive: true });
      await rm(path.join(data, `rollups/date=${date}.json`));
    }
    const refused = await runCli(clone, "ledger", "verify", "--data", data);
    expect(refused.code).toBe(1);
    expect(refused.out).toBe("");
    expect(refused.err).toMatch(
      /^error: the ledger \(origin\/costs-ledger\) recorded 2 days as published that .*data lacks \(neither priced\/date=D nor rollups\/date=D\.json\): 2026-06-01, 2026-06-03; publishing now would drop 1\.500000007 USD from the reported totals\n/,
    );
    expect(refused.err).toContain("`costs ledger restore`");
    expect(refused.err).toContain("aws s3 sync");
    expect(refused.err).toContain("--allow-missing-history");

    const allowed = await runCli(clone, "ledger", "verify", "--data", data, "--allow-missing-history");
    expect(allowed.code).toBe(0);
    expect(allowed.err).toBe(
      "warning: publishing without 2 days the ledger (origin/costs-ledger) recorded as published: 2026-06-01, 2026-06-03; 1.500000007 USD disappears from the reported totals (the ledger keeps their entries and rollups: `costs ledger restore` brings them back)\n",
    );
    expect(allowed.out).toContain("holds 1 of the 3 days recorded (1 with rows, 0 rollup-only); 2 missing, allowed");
  });

  it("restore brings back the missing days' rollups, byte for byte, and verify then counts them as rollup-only", async () => {
    const { clone, data } = await published();
    const kept = await readFile(path.join(data, "rollups/date=2026-06-02.json"));
    await rm(path.join(data, "priced"), { recursive: true });
    await rm(path.join(data, "rollups"), { recursive: true });
    await mkdir(path.join(data, "priced/date=2026-06-03"), { recursive: true });
    await writeFile(path.join(data, "priced/date=2026-06-03/part-00000.parquet"), "parquet of 2026-06-03");

    const restored = await runCli(clone, "ledger", "restore", "--data", data);
    expect(restored.err).toBe("");
    expect(restored.code).toBe(0);
    expect(restored.out).toMatch(
      /^restored the rollups of 2 days from origin\/costs-ledger into .*data\/rollups\/: 2026-06-01\.\.2026-06-02 \(3\.750000000 USD\); `costs run` counts them as rollup-only days/,
    );
    expect(await readFile(path.join(data, "rollups/date=2026-06-02.json"))).toEqual(kept);
    // The day that has rows is not given a rollup from the ledger; no temporary file or lock is left.
    expect(await readdir(path.join(data, "rollups"))).toEqual(["date=2026-06-01.json", "date=2026-06-02.json"]);
    expect(existsSync(path.join(data, ".lock"))).toBe(false);

    const verified = await runCli(clone, "ledger", "verify", "--data", data);
    expect(verified.code).toBe(0);
    expect(verified.out).toContain("holds 3 of the 3 days recorded (1 with rows, 2 rollup-only)");
    expect((await runCli(clone, "ledger", "restore", "--data", data)).out).toContain("nothing to restore");
  });

  it("reports days whose priced files differ from the ledger's, unless restatements.json lists them or --accept-changes", async () => {
    const { clone, data } = await published();
    await writeFile(path.join(data, "priced/date=2026-06-02/part-00000.parquet"), "other bytes");
    await writeFile(path.join(data, "priced/date=2026-06-02/part-00001.parquet"), "an extra file");
    const refused = await runCli(clone, "ledger", "verify", "--data", data);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(
      "holds other files than the ledger (origin/costs-ledger) recorded, without a restatement, for 1 day: 2026-06-02 (priced/date=2026-06-02/part-00000.parquet: sha256 differs; priced/date=2026-06-02/part-00001.parquet: not recorded)",
    );
    const accepted = await runCli(clone, "ledger", "verify", "--data", data, "--accept-changes");
    expect(accepted.code).toBe(0);
    expect(accepted.err).toContain("warning: going on with files that differ from those the ledger recorded");
    await writeFile(path.join(data, "restatements.json"), JSON.stringify([{ date: "2026-06-02" }]));
    expect((await runCli(clone, "ledger", "verify", "--data", data)).code).toBe(0);
  });
});
