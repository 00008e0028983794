/**
 * The workflows' shell, run for real (workflows.test.ts checks their structure):
 *
 * - every `run:` block of every workflow passes `bash -n` and ShellCheck (Debian's
 *   `shellcheck`, installed by .ci/run; without it, and without CI=true, that test is
 *   skipped with a printed reason), and no block inlines a `${{ }}` expression (values
 *   reach scripts through `env:`, so no log value or branch name can inject shell);
 * - a rehearsal of the nightly: the steps of its `price` job run in order, as GitHub runs
 *   them (`bash --noprofile --norc -eo pipefail`, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY
 *   files, step `if:` and `env:` expressions evaluated), in a copy of this checkout with
 *   `LOGS_SOURCE=sample` and a stand-in `gh` that knows no earlier run; `uses:` steps are
 *   checked instead of run (the paths every upload names must exist).
 */
import { BudgetReportSchema } from "../src/schemas/budget-report.schema.ts";
import { execFile, spawnSync } from "node:child_process";
import { chmod, cp, mkdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { simpleGit } from "simple-git";
import { parse } from "yaml";
import { formatNano, parseNano } from "../src/pricing/money.ts";
import { deriveRollups } from "./derive-rollups.ts";
import { writeTempTree } from "./temp-dir.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const WORKFLOWS = path.join(ROOT, ".github/workflows");
const files = readdirSync(WORKFLOWS)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

type Step = {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
};
type Job = { if?: string; needs?: string | string[]; env?: Record<string, unknown>; steps?: Step[] };
type Workflow = { jobs: Record<string, Job> };
const workflow = (file: string) => parse(readFileSync(path.join(WORKFLOWS, file), "utf8")) as Workflow;

const runBlocks = files.flatMap((file) =>
  Object.entries(workflow(file).jobs).flatMap(([job, j]) =>
    (j.steps ?? []).flatMap((step, i) =>
      step.run ? [{ where: `${file} ${job} step ${i + 1} (${step.name ?? step.id ?? step.run.split("\n")[0]})`, run: step.run }] : [],
    ),
  ),
);

const shellcheck = spawnSync("shellcheck", ["--version"]).status === 0;

describe("the workflows' run blocks", () => {
  it("inline no ${{ }} expression (values come in through env:)", () => {
    expect(runBlocks.filter((b) => b.run.includes("${{")).map((b) => b.where)).toEqual([]);
  });

  it.each(runBlocks.map((b) => [b.where, b.run] as const))("%s: bash -n", async (_where, run) => {
    const dir = await writeTempTree({ "step.sh": run });
    const result = spawnSync("bash", ["-n", path.join(dir, "step.sh")], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it.skipIf(!shellcheck && process.env.CI !== "true")("pass ShellCheck", async () => {
    if (!shellcheck) throw new Error("shellcheck is not installed (.ci/run installs Debian's shellcheck)");
    const dir = await writeTempTree(
      Object.fromEntries(runBlocks.map((b, i) => [`step-${i}.sh`, `#!/usr/bin/env bash\nset -eo pipefail\n${b.run}`])),
    );
    const problems: string[] = [];
    for (let i = 0; i < runBlocks.length; i++) {
      const result = spawnSync("shellcheck", ["--shell=bash", "--format=gcc", path.join(dir, `step-${i}.sh`)], { encoding: "utf8" });
      if (result.status !== 0)
        problems.push(`${runBlocks[i]!.where}:\n${result.stdout.replaceAll(path.join(dir, `step-${i}.sh`), "  line")}`);
    }
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it.skipIf(!shellcheck)("ShellCheck finds a broken block (so the test above can fail)", async () => {
    const dir = await writeTempTree({ "bad.sh": "#!/usr/bin/env bash\nfor f in $(ls *.txt); do cat $f; done\n" });
    expect(spawnSync("shellcheck", ["--shell=bash", path.join(dir, "bad.sh")]).status).not.toBe(0);
  });
});

if (!shellcheck)
  console.log(
    `workflow-steps.test.ts: shellcheck not installed${process.env.CI === "true" ? "" : ": the ShellCheck test is skipped (apt-get install shellcheck)"}`,
  );

/** The GitHub contexts a rehearsal knows; an expression naming anything else fails the test (extend this table with the workflow). */
interface Contexts {
  vars: Record<string, string>;
  secrets: Record<string, string>;
  inputs: Record<string, string>;
  github: Record<string, unknown>;
  steps: Record<string, { outputs: Record<string, string> }>;
}

/** Evaluates the expression language's subset the workflows use: context paths, 'strings', ==, !=, ||, &&, format(). */
export function evaluate(expression: string, contexts: Contexts): string {
  const tokens = expression.match(/'(?:[^']|'')*'|\|\||&&|==|!=|[A-Za-z_][\w-]*(?:\.[\w-]+)*|[(),]|\S/g) ?? [];
  let at = 0;
  const peek = () => tokens[at];
  const next = () => tokens[at++];
  const truthy = (v: string) => v !== "" && v !== "false" && v !== "0";
  const primary = (): string => {
    const token = next();
    if (token === undefined) throw new Error(`unexpected end of ${expression}`);
    if (token.startsWith("'")) return token.slice(1, -1).replaceAll("''", "'");
    if (token === "(") {
      const value = or();
      next();
      return value;
    }
    if (token === "format" && peek() === "(") {
      next();
      const args: string[] = [];
      while (peek() !== ")") {
        args.push(or());
        if (peek() === ",") next();
      }
      next();
      return args[0]!.replace(/\{(\d+)\}/g, (_, n: string) => args[Number(n) + 1] ?? "");
    }
    if (token === "true" || token === "false") return token;
    let value: unknown = contexts;
    for (const part of token.split(".")) {
      if (typeof value !== "object" || value === null) throw new Error(`rehearsal does not know ${token} (in ${expression})`);
      value = (value as Record<string, unknown>)[part];
    }
    if (value === undefined && !/^(vars|secrets|inputs|steps)\./.test(token))
      throw new Error(`rehearsal does not know ${token} (in ${expression})`);
    return value === undefined || value === null ? "" : String(value);
  };
  const comparison = (): string => {
    const left = primary();
    if (peek() === "==" || peek() === "!=") {
      const op = next();
      const right = primary();
      return String(op === "==" ? left === right : left !== right);
    }
    return left;
  };
  const and = (): string => {
    let value = comparison();
    while (peek() === "&&") {
      next();
      const right = comparison();
      value = truthy(value) ? right : value;
    }
    return value;
  };
  const or = (): string => {
    let value = and();
    while (peek() === "||") {
      next();
      const right = and();
      value = truthy(value) ? value : right;
    }
    return value;
  };
  const value = or();
  if (at !== tokens.length) throw new Error(`cannot evaluate ${expression}`);
  return value;
}

/** A value of `env:`/`if:`/`with:`: `${{ … }}` substituted (an `if:` may also be a bare expression). */
function substitute(text: unknown, contexts: Contexts): string {
  return String(text ?? "").replace(/\$\{\{(.*?)\}\}/g, (_, expression: string) => evaluate(expression.trim(), contexts));
}

function condition(step: { if?: string }, contexts: Contexts): boolean {
  if (step.if === undefined) return true;
  const text = step.if.trim().replace(/^\$\{\{(.*)\}\}$/s, "$1");
  const value = evaluate(text.trim(), contexts);
  return value !== "" && value !== "false" && value !== "0";
}

/** `key=value` lines (and `key<<EOF … EOF` blocks) of a GITHUB_OUTPUT file. */
function readOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([\w-]+)<<(.+)$/.exec(lines[i]!);
    if (heredoc) {
      const body: string[] = [];
      while (++i < lines.length && lines[i] !== heredoc[2]) body.push(lines[i]!);
      outputs[heredoc[1]!] = body.join("\n");
    } else {
      const eq = lines[i]!.indexOf("=");
      if (eq > 0) outputs[lines[i]!.slice(0, eq)] = lines[i]!.slice(eq + 1);
    }
  }
  return outputs;
}

/** A copy of this checkout's files (tracked and new, not ignored), with node_modules linked, committed in a git repository whose `origin` is a bare repository beside it. */
async function copyCheckout(): Promise<string> {
  const dir = path.join(await writeTempTree({}), "repo");
  const { stdout } = await promisify(execFile)("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: ROOT,
    maxBuffer: 64 << 20,
  });
  for (const file of stdout.split("\0").filter(Boolean)) {
    const from = path.join(ROOT, file);
    if (!(await stat(from).catch(() => undefined))?.isFile()) continue; // deleted in the working tree
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await cp(from, path.join(dir, file));
  }
  await symlink(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  // The checkout GitHub makes: the project committed on main, with an origin to fetch from and push to.
  const origin = path.join(path.dirname(dir), "origin.git");
  await mkdir(origin);
  await simpleGit({ baseDir: origin }).init(true, ["-b", "main"]);
  const git = simpleGit({ baseDir: dir, config: ["user.name=Rehearsal", "user.email=rehearsal@example.com"] });
  await git.init(["-b", "main"]);
  await writeFile(path.join(dir, ".git/info/exclude"), "/node_modules\n");
  await git.add(["-A"]);
  await git.commit("the project");
  await git.addRemote("origin", origin);
  await git.push("origin", "main");
  return dir;
}

interface Rehearsal {
  repo: string;
  work: string;
  bin: string;
  summary: string;
  /** Files of each artifact uploaded so far, by artifact name (paths that exist; upload-artifact skips the others). */
  artifacts: Map<string, string[]>;
}

interface StepsRun {
  ran: string[];
  /** What each step that ran printed (stdout and stderr). */
  output: Map<string, string>;
  /** The step that failed (the job stops there), with what it printed. */
  failed?: { label: string; output: string };
}

/**
 * Runs `steps` in order as GitHub does (`if:` evaluated, `env:` substituted, `bash
 * --noprofile --norc -eo pipefail`), stopping at the first that fails. `uses:` steps are
 * checked instead of run: an upload's paths must exist (at least one per artifact), a
 * download must name an artifact uploaded before (its files are already in place: one
 * folder plays every job's runner). `afterStep` runs after each step that ran.
 */
async function runSteps(
  steps: Step[],
  contexts: Contexts,
  r: Rehearsal,
  afterStep: (label: string) => Promise<void> = async () => {},
): Promise<StepsRun> {
  const result: StepsRun = { ran: [], output: new Map() };
  for (const [index, step] of steps.entries()) {
    const label = step.name ?? step.id ?? step.uses ?? step.run!.split("\n")[0]!;
    if (!condition(step, contexts)) continue;
    if (step.uses) {
      const action = step.uses.split("@")[0]!;
      if (action === "actions/upload-artifact" || action === "actions/upload-pages-artifact") {
        const name = action === "actions/upload-pages-artifact" ? "github-pages" : substitute(step.with?.name, contexts);
        const present: string[] = [];
        for (const p of substitute(step.with?.path, contexts)
          .split("\n")
          .map((l) => l.trim())
          .filter(Boolean)) {
          if (await stat(path.join(r.repo, p)).catch(() => undefined)) present.push(p);
        }
        expect(present, `${label}: no file to upload`).not.toEqual([]);
        r.artifacts.set(name, present);
      } else if (action === "actions/download-artifact") {
        expect([...r.artifacts.keys()], label).toContain(substitute(step.with?.name, contexts));
      } else expect(["actions/checkout", "actions/setup-node"], label).toContain(action);
      result.ran.push(label);
      await afterStep(label);
      continue;
    }
    if (/^npm ci\b/.test(step.run!.trim())) {
      result.ran.push(label); // node_modules is linked from this checkout
      continue;
    }
    const env: Record<string, string> = {
      PATH: `${r.bin}:${process.env.PATH}`,
      HOME: r.work,
      CI: "true",
      GITHUB_ACTIONS: "true",
      GITHUB_REPOSITORY: String(contexts.github.repository),
      GITHUB_OUTPUT: path.join(r.work, `output-${index}`),
      GITHUB_STEP_SUMMARY: r.summary,
      RUNNER_TEMP: r.work,
    };
    for (const [key, value] of Object.entries(step.env ?? {})) env[key] = substitute(value, contexts);
    await writeFile(env.GITHUB_OUTPUT!, "");
    await writeFile(path.join(r.work, `step-${index}.sh`), step.run!);
    const run = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", path.join(r.work, `step-${index}.sh`)], {
      cwd: r.repo,
      env,
      encoding: "utf8",
      timeout: 240_000,
    });
    const output = `${run.stdout}\n${run.stderr}`;
    if (run.status !== 0) {
      result.failed = { label, output };
      return result;
    }
    if (step.id) contexts.steps[step.id] = { outputs: readOutputs(await readFile(env.GITHUB_OUTPUT!, "utf8")) };
    result.ran.push(label);
    result.output.set(label, output);
    await afterStep(label);
  }
  return result;
}

/** The steps of `job` from the one named `first` to the one named `last`, both included. */
function stepsBetween(job: Job, first: string, last: string): Step[] {
  const steps = job.steps ?? [];
  const from = steps.findIndex((s) => s.name === first);
  const to = steps.findIndex((s) => s.name === last);
  expect([from, to], `${first} … ${last}`).not.toContain(-1);
  return steps.slice(from, to + 1);
}

/** The ledger entries on a ref of the bare origin, by day. */
async function originLedger(repo: string): Promise<Map<string, { cost_usd: string; rows: number }>> {
  const origin = simpleGit({ baseDir: path.join(path.dirname(repo), "origin.git") });
  const files = (await origin.raw(["ls-tree", "-r", "--name-only", "costs-ledger", "days/"])).split("\n").filter(Boolean);
  const entries = new Map<string, { cost_usd: string; rows: number }>();
  for (const file of files) entries.set(file.slice(5, 15), JSON.parse(await origin.show([`costs-ledger:${file}`])));
  return entries;
}

const nightly = workflow("nightly.yml");
const VERIFY = "Check the restored history against the ledger (costs ledger verify)";
const baseContexts = (): Contexts => ({
  vars: { LOGS_SOURCE: "sample", SITE_PUBLISH: "public", SITE_PSEUDONYMISE_USERS: "true" },
  secrets: { SITE_USER_SALT: "rehearsal-salt-0123456789" },
  inputs: { date: "" },
  github: {
    token: "rehearsal-token",
    repository: "acme/gateway-costs",
    server_url: "https://github.com",
    event: { repository: { name: "gateway-costs", default_branch: "main", private: true } },
  },
  steps: {},
});

describe("a rehearsal of the nightly", () => {
  /** The first night's folders, for the second night. */
  let night: Rehearsal | undefined;

  it("runs the price and ledger jobs' steps in order on the sample: logs fetched, priced, site built, uploads there, the ledger pushed", async () => {
    const repo = await copyCheckout();
    const work = path.dirname(repo);
    const bin = path.join(work, "bin");
    await mkdir(bin);
    // A stand-in `gh`: no earlier nightly run, nothing to download.
    await writeFile(path.join(bin, "gh"), '#!/usr/bin/env bash\nif [ "$1 $2" = "run download" ]; then exit 1; fi\nexit 0\n');
    await chmod(path.join(bin, "gh"), 0o755);
    const summary = path.join(work, "summary.md");
    await writeFile(summary, "");
    const r: Rehearsal = { repo, work, bin, summary, artifacts: new Map() };
    const contexts = baseContexts();

    const price = await runSteps(nightly.jobs.price!.steps ?? [], contexts, r, async (label) => {
      // Until `costs run` writes the day rollups (issue 12 part 1, on main), the rehearsal
      // derives them from the run's partitions; this does nothing once it does.
      if (label === "Price (costs run)") await deriveRollups(path.join(repo, "data"));
    });
    expect(price.failed, `${price.failed?.label} failed:\n${price.failed?.output}`).toBeUndefined();
    expect(price.ran).toEqual(
      expect.arrayContaining([
        "Day to price",
        "Fetch the ledger (branch costs-ledger; absent until the first nightly records)",
        VERIFY,
        "Fetch the day's logs into logs/",
        "Price (costs run)",
        "Budget report (costs budgets)",
        "Build the site",
        "May the site be published?",
      ]),
    );
    // No earlier nightly: nothing to restate; no bucket configured; no input asked to restore from the ledger.
    expect(price.ran.filter((l) => /Restate|bucket|Bring back/.test(l))).toEqual([]);
    expect(price.output.get(VERIFY)).toContain("ledger: no ledger yet (no costs-ledger branch, nor origin/costs-ledger)");
    const day = contexts.steps.day?.outputs.date;
    expect(day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Object.fromEntries(r.artifacts)).toEqual({
      "priced-data": ["data/priced/"],
      "day-rollups": ["data/rollups/"],
      "budget-report": ["budget-report.json"],
      [`extracts-${day}`]: ["data/extracts/", "data/focus/", "data/manifest.json"],
      "ledger-input": ["data/manifest.json", "data/rollups/"],
      "github-pages": ["dist/site/"],
    });
    expect(await readFile(summary, "utf8")).toContain(`## Nightly run for ${day}`);
    // The report the budget-alerts job notifies from: the sample's rules, as `costs budgets --format json` writes it.
    const budgetReport = BudgetReportSchema.parse(JSON.parse(await readFile(path.join(repo, "budget-report.json"), "utf8")));
    expect(budgetReport.rules.length).toBeGreaterThan(0);
    const manifest = JSON.parse(await readFile(path.join(repo, "data/manifest.json"), "utf8"));
    const c = manifest.counts;
    expect(c.priced + c.unpriced + c.rejected + c.duplicates + c.virtual_parents + c.out_of_window).toBe(c.rows_read);
    expect(c.rows_read).toBeGreaterThan(4000);
    expect((await stat(path.join(repo, "dist/site/index.html"))).isFile()).toBe(true);
    // SITE_PSEUDONYMISE_USERS reached the site build: its Users page names no user, the extracts under data/ do.
    const users = await readFile(path.join(repo, "dist/site/users/index.html"), "utf8");
    expect(users).toMatch(/user-[0-9a-f]{12}/);
    expect(users).not.toMatch(/[\w.]+@example\.com/);
    expect(await readFile(path.join(repo, "data/extracts/cost-by-user.csv"), "utf8")).toMatch(/[\w.]+@example\.com/);

    // The ledger job records every published day on origin's costs-ledger, and the entries add up to the manifest's total.
    const ledger = await runSteps(nightly.jobs.ledger!.steps ?? [], contexts, r);
    expect(ledger.failed, `${ledger.failed?.label} failed:\n${ledger.failed?.output}`).toBeUndefined();
    expect(ledger.ran).toContain("Record the published days in the ledger (costs ledger record)");
    const entries = await originLedger(repo);
    expect([...entries.keys()]).toEqual(manifest.dataset.days);
    expect(formatNano([...entries.values()].reduce((sum, e) => sum + parseNano(e.cost_usd), 0n))).toBe(manifest.dataset.cost_usd);
    expect([...entries.values()].reduce((sum, e) => sum + e.rows, 0)).toBe(manifest.dataset.rows);

    // The deploy job waits for the ledger, runs with SITE_PUBLISH=public, skips its private-site check, and is skipped without the variable.
    const deploy = nightly.jobs.deploy!;
    expect(deploy.needs).toEqual(["price", "ledger"]);
    expect(condition(deploy, contexts)).toBe(true);
    expect(deploy.steps!.filter((s) => condition(s, contexts)).map((s) => s.uses?.split("@")[0])).toEqual(["actions/deploy-pages"]);
    expect(condition(deploy, { ...contexts, vars: { LOGS_SOURCE: "sample" } })).toBe(false);
    expect(condition(deploy, { ...contexts, vars: { SITE_PUBLISH: "private" } })).toBe(true);
    night = r;
  }, 600_000);

  it("the next night, a restored history that lacks two recorded days stops the run before it publishes; allow_missing_history or restore_from_ledger lets it go on", async () => {
    if (!night) throw new Error("needs the first night's rehearsal above");
    const r = night;
    const data = path.join(r.repo, "data");
    const days = JSON.parse(await readFile(path.join(data, "manifest.json"), "utf8")).dataset.days as string[];
    const lost = days.slice(2, 4);
    // Yesterday's artifacts, without two days (say, from a history that was pruned by hand).
    const artifacts = path.join(r.work, "artifacts");
    await cp(path.join(data, "priced"), path.join(artifacts, "priced-data"), { recursive: true });
    await cp(path.join(data, "rollups"), path.join(artifacts, "day-rollups"), { recursive: true });
    for (const day of lost) {
      await rm(path.join(artifacts, "priced-data", `date=${day}`), { recursive: true });
      await rm(path.join(artifacts, "day-rollups", `date=${day}.json`));
    }
    const head = (await simpleGit({ baseDir: r.repo }).revparse(["HEAD"])).trim();
    // A stand-in `gh` that knows that run and serves its artifacts; a fresh runner has no local ledger branch.
    await writeFile(
      path.join(r.bin, "gh"),
      [
        "#!/usr/bin/env bash",
        `if [ "$1 $2" = "run list" ]; then echo "4242 ${head}"; exit 0; fi`,
        'if [ "$1 $2" = "run download" ]; then',
        '  while [ $# -gt 0 ]; do case "$1" in --name) name="$2"; shift ;; --dir) dir="$2"; shift ;; esac; shift; done',
        `  [ -d "${artifacts}/$name" ] && cp -r "${artifacts}/$name/." "$dir/"; exit $?`,
        "fi",
        "exit 0",
      ].join("\n"),
    );
    await simpleGit({ baseDir: r.repo }).raw(["branch", "-D", "costs-ledger"]);
    const steps = stepsBetween(
      nightly.jobs.price!,
      "Restore earlier days (priced-data and day-rollups artifacts of the latest successful nightly)",
      VERIFY,
    );
    const ranges = `${lost[0]}..${lost[1]}`;

    const refused = await runSteps(steps, baseContexts(), r);
    expect(refused.failed?.label).toBe(VERIFY);
    expect(refused.failed?.output).toMatch(
      new RegExp(
        `error: the ledger \\(origin/costs-ledger\\) recorded 2 days as published that data lacks .*: ${ranges}; publishing now would drop \\d+\\.\\d{9} USD`,
      ),
    );
    expect(refused.failed?.output).toContain("--allow-missing-history");

    const allowed = await runSteps(steps, { ...baseContexts(), inputs: { date: "", allow_missing_history: "true" } }, r);
    expect(allowed.failed, allowed.failed?.output).toBeUndefined();
    expect(allowed.output.get(VERIFY)).toContain(
      `warning: publishing without 2 days the ledger (origin/costs-ledger) recorded as published: ${ranges}`,
    );

    const restored = await runSteps(steps, { ...baseContexts(), inputs: { date: "", restore_from_ledger: "true" } }, r);
    expect(restored.failed, restored.failed?.output).toBeUndefined();
    expect(restored.ran).toContain("Bring back missing days' rollups from the ledger (input restore_from_ledger)");
    expect(restored.output.get(VERIFY)).toContain(
      `holds ${days.length} of the ${days.length} days recorded (${days.length - 2} with rows, 2 rollup-only)`,
    );
    for (const day of lost) expect((await stat(path.join(data, "rollups", `date=${day}.json`))).isFile()).toBe(true);
  }, 120_000);

  it("the expression evaluator reads what the workflows write", () => {
    const contexts: Contexts = {
      vars: { A: "x" },
      secrets: {},
      inputs: {},
      github: { event: { repository: { name: "r" } } },
      steps: { s: { outputs: { o: "1" } } },
    };
    expect(evaluate("vars.B || format('/{0}/', github.event.repository.name)", contexts)).toBe("/r/");
    expect(evaluate("vars.A || '30'", contexts)).toBe("x");
    expect(evaluate("vars.A == 'x' && steps.s.outputs.o == '1'", contexts)).toBe("true");
    expect(evaluate("vars.B == 'public' || vars.B == 'private'", contexts)).toBe("false");
    expect(() => evaluate("github.nothing.here", contexts)).toThrow(/does not know/);
  });
});
