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
import { execFile, spawnSync } from "node:child_process";
import { chmod, cp, mkdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
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
type Job = { if?: string; env?: Record<string, unknown>; steps?: Step[] };
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

/** A copy of this checkout's files (tracked and new, not ignored), with node_modules linked. */
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
  return dir;
}

describe("a rehearsal of the nightly", () => {
  it("runs the price job's steps in order on the sample: logs fetched, priced, site built, every uploaded path there", async () => {
    const repo = await copyCheckout();
    const work = path.dirname(repo);
    const bin = path.join(work, "bin");
    await mkdir(bin);
    // A stand-in `gh`: no earlier nightly run, nothing to download.
    await writeFile(path.join(bin, "gh"), '#!/usr/bin/env bash\nif [ "$1 $2" = "run download" ]; then exit 1; fi\nexit 0\n');
    await chmod(path.join(bin, "gh"), 0o755);
    const summary = path.join(work, "summary.md");
    await writeFile(summary, "");
    const contexts: Contexts = {
      vars: { LOGS_SOURCE: "sample", SITE_PUBLISH: "public", SITE_PSEUDONYMISE_USERS: "true" },
      secrets: { SITE_USER_SALT: "rehearsal-salt-0123456789" },
      inputs: { date: "" },
      github: {
        token: "rehearsal-token",
        repository: "acme/gateway-costs",
        event: { repository: { name: "gateway-costs", default_branch: "main" } },
      },
      steps: {},
    };
    const nightly = workflow("nightly.yml");
    const ran: string[] = [];
    const uploads: string[] = [];
    for (const [index, step] of (nightly.jobs.price!.steps ?? []).entries()) {
      const label = step.name ?? step.id ?? step.uses ?? step.run!.split("\n")[0]!;
      if (!condition(step, contexts)) continue;
      if (step.uses) {
        const action = step.uses.split("@")[0]!;
        if (action === "actions/upload-artifact" || action === "actions/upload-pages-artifact") {
          for (const p of substitute(step.with?.path, contexts)
            .split("\n")
            .map((l) => l.trim())
            .filter(Boolean)) {
            const found = await stat(path.join(repo, p)).catch(() => undefined);
            expect(found, `${label}: ${p}`).toBeDefined();
            uploads.push(p);
          }
        } else expect(["actions/checkout", "actions/setup-node"], label).toContain(action);
        ran.push(label);
        continue;
      }
      if (/^npm ci\b/.test(step.run!.trim())) {
        ran.push(label); // node_modules is linked from this checkout
        continue;
      }
      const env: Record<string, string> = {
        PATH: `${bin}:${process.env.PATH}`,
        HOME: work,
        CI: "true",
        GITHUB_ACTIONS: "true",
        GITHUB_REPOSITORY: String(contexts.github.repository),
        GITHUB_OUTPUT: path.join(work, `output-${index}`),
        GITHUB_STEP_SUMMARY: summary,
        RUNNER_TEMP: work,
      };
      for (const [key, value] of Object.entries(step.env ?? {})) env[key] = substitute(value, contexts);
      await writeFile(env.GITHUB_OUTPUT!, "");
      await writeFile(path.join(work, `step-${index}.sh`), step.run!);
      const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", path.join(work, `step-${index}.sh`)], {
        cwd: repo,
        env,
        encoding: "utf8",
        timeout: 240_000,
      });
      expect(result.status, `${label} failed:\n${result.stdout}\n${result.stderr}`).toBe(0);
      if (step.id) contexts.steps[step.id] = { outputs: readOutputs(await readFile(env.GITHUB_OUTPUT!, "utf8")) };
      ran.push(label);
    }

    expect(ran).toEqual(
      expect.arrayContaining([
        "Day to price",
        "Fetch the day's logs into logs/",
        "Price (costs run)",
        "Build the site",
        "May the site be published?",
      ]),
    );
    expect(contexts.steps.day?.outputs.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(uploads).toEqual(["data/priced/", "data/extracts/", "data/focus/", "data/manifest.json", "dist/site/"]);
    expect(await readFile(summary, "utf8")).toContain(`## Nightly run for ${contexts.steps.day?.outputs.date}`);
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

    // The deploy job runs with SITE_PUBLISH=public, skips its private-site check, and is skipped without the variable.
    const deploy = nightly.jobs.deploy!;
    expect(condition(deploy, contexts)).toBe(true);
    expect(deploy.steps!.filter((s) => condition(s, contexts)).map((s) => s.uses?.split("@")[0])).toEqual(["actions/deploy-pages"]);
    expect(condition(deploy, { ...contexts, vars: { LOGS_SOURCE: "sample" } })).toBe(false);
    expect(condition(deploy, { ...contexts, vars: { SITE_PUBLISH: "private" } })).toBe(true);
  }, 600_000);

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
