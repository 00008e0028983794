/** `costs catalog sync` from local git repositories standing in for the upstream catalog. */
import { existsSync } from "node:fs";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it, vi } from "vitest";
import { runCli } from "../run-cli.ts";
import { git } from "../git.ts";
import { SHARED_CATALOG, writeTempTree } from "../temp-dir.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const UPSTREAM = path.join(SHARED_CATALOG, "truefoundry-models");
const present = existsSync(path.join(UPSTREAM, "providers"));
if (!present)
  console.log(`skipping the upstream catalog sync test: ${UPSTREAM} is absent (only the project's CI and dev machines have ../shared)`);

async function projectCopy(): Promise<string> {
  const dir = await writeTempTree({});
  await cp(path.join(ROOT, "pricing"), path.join(dir, "pricing"), { recursive: true });
  await cp(path.join(ROOT, "policies"), path.join(dir, "policies"), { recursive: true });
  return dir;
}

describe("costs catalog sync", () => {
  it("replaces the catalog, records the commit and writes the price changes", async () => {
    const upstream = await writeTempTree({
      "providers/openai/gpt-4o.yaml": "model: gpt-4o\ncosts:\n  input_cost_per_token: 0.0000025\n  output_cost_per_token: 0.00001\n",
      "providers/openai/new-model.yaml": "model: new-model\ncosts:\n  input_cost_per_token: 1.e-7\n",
    });
    await git(upstream, "init", "-q", "-b", "main");
    await git(upstream, "add", ".");
    await git(upstream, "commit", "-q", "-m", "v1");
    const first = await git(upstream, "rev-parse", "HEAD");
    await writeFile(
      path.join(upstream, "providers/openai/gpt-4o.yaml"),
      "model: gpt-4o\ncosts:\n  input_cost_per_token: 0.000002\n  output_cost_per_token: 0.00001\n",
    );
    await git(upstream, "commit", "-q", "-am", "v2");
    const second = await git(upstream, "rev-parse", "HEAD");

    const project = await projectCopy();
    const one = await runCli(project, "catalog", "sync", "--from", upstream, "--ref", first);
    expect(one.err).toBe("");
    expect(one.code).toBe(0);
    expect(one.out).toMatch(/^pricing\/catalog: 2 files, 2 models \(2 with costs\) from upstream [0-9a-f]{12}\n/);
    const source = parse(await readFile(path.join(project, "pricing/catalog/SOURCE.yaml"), "utf8"));
    expect(source).toMatchObject({ repository: upstream, ref: first, commit: first });
    let changelog = await readFile(path.join(project, "pricing/catalog/CHANGELOG.md"), "utf8");
    expect(changelog).toContain("- added `openai/new-model`");
    expect(changelog).toContain("- removed `anthropic/claude-sonnet-4-5`");
    expect(changelog).toContain("- `openai/gpt-4o` cache_read_input_token_cost: 0.00000125 → —");

    const two = await runCli(project, "catalog", "sync", "--from", upstream);
    expect(two.code).toBe(0);
    expect(parse(await readFile(path.join(project, "pricing/catalog/SOURCE.yaml"), "utf8")).commit).toBe(second);
    changelog = await readFile(path.join(project, "pricing/catalog/CHANGELOG.md"), "utf8");
    expect(changelog.indexOf(second.slice(0, 12))).toBeLessThan(changelog.indexOf(first.slice(0, 12)));
    expect(changelog).toContain("- `openai/gpt-4o` input_cost_per_token: 0.0000025 → 0.000002");
  });

  it("keeps the hand-added 1-hour cache-write rates upstream has no field for; upstream's own value wins", async () => {
    const haiku =
      "# upstream\nmodel: claude-haiku-4-5\ncosts:\n  input_cost_per_token: 0.000001\n  output_cost_per_token: 0.000005\n  cache_creation_input_token_cost: 0.00000125\n";
    const upstream = await writeTempTree({
      "providers/anthropic/claude-haiku-4-5.yaml": haiku,
      // a v2 file: the rate goes into the "*" entry, beside its region key
      "providers/anthropic/claude-sonnet-4-5.yaml":
        'model: claude-sonnet-4-5\ncosts:\n  - region: us-east-1\n    input_cost_per_token: 0.0000033\n  - region: "*"\n    input_cost_per_token: 0.000003\n',
      // upstream has the field: its value wins
      "providers/anthropic/claude-opus-4-1.yaml":
        "model: claude-opus-4-1\ncosts:\n  input_cost_per_token: 0.000015\n  cache_creation_input_token_cost_above_1hr: 0.000031\n",
    });
    await git(upstream, "init", "-q", "-b", "main");
    await git(upstream, "add", ".");
    await git(upstream, "commit", "-q", "-m", "v1");
    const project = await projectCopy();
    const sync = await runCli(project, "catalog", "sync", "--from", upstream);
    expect(sync.err).toBe("");
    expect(sync.code).toBe(0);
    const read = (model: string) => readFile(path.join(project, `pricing/catalog/providers/anthropic/${model}.yaml`), "utf8");
    expect(await read("claude-haiku-4-5")).toBe(
      haiku.replace("costs:\n", "costs:\n  cache_creation_input_token_cost_above_1hr: 0.000002\n"),
    );
    expect(parse(await read("claude-sonnet-4-5")).costs).toEqual([
      { region: "us-east-1", input_cost_per_token: 0.0000033 },
      { region: "*", cache_creation_input_token_cost_above_1hr: 0.000006, input_cost_per_token: 0.000003 },
    ]);
    expect(parse(await read("claude-opus-4-1")).costs.cache_creation_input_token_cost_above_1hr).toBe(0.000031);
    const changelog = await readFile(path.join(project, "pricing/catalog/CHANGELOG.md"), "utf8");
    expect(changelog).toContain("- `anthropic/claude-opus-4-1` cache_creation_input_token_cost_above_1hr: 0.00003 → 0.000031");
    expect(changelog).not.toContain("`anthropic/claude-haiku-4-5` cache_creation_input_token_cost_above_1hr");
    expect(changelog).not.toContain("`anthropic/claude-sonnet-4-5` cache_creation_input_token_cost_above_1hr");
    // the patched files load and price: 1,000 1-hour writes on haiku at 0.000002
    const pricing = await writeTempTree({
      "accounts/anthropic-main.yaml": await readFile(path.join(ROOT, "pricing/accounts/anthropic-main.yaml"), "utf8"),
    });
    await cp(path.join(project, "pricing/catalog"), path.join(pricing, "catalog"), { recursive: true });
    const quote = await runCli(
      project,
      ...["quote", "--model", "anthropic-main/claude-haiku-4-5", "--at", "2026-03-01", "--json", "--pricing-dir", pricing],
      ...["--input-tokens", "1000", "--cache-write-tokens", "1000", "--cache-write-1h-tokens", "1000"],
    );
    expect(quote.err).toBe("");
    expect(JSON.parse(quote.out).cost_usd).toBe("0.002000000");
  });

  it("refuses an upstream that does not load, and changes nothing", async () => {
    const upstream = await writeTempTree({ "providers/openai/bad.yaml": "model: bad\ncosts:\n  input_cost_per_token: -1\n" });
    await git(upstream, "init", "-q", "-b", "main");
    await git(upstream, "add", ".");
    await git(upstream, "commit", "-q", "-m", "bad");
    const project = await projectCopy();
    const before = await readFile(path.join(project, "pricing/catalog/SOURCE.yaml"), "utf8");
    const result = await runCli(project, "catalog", "sync", "--from", upstream);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/providers\/openai\/bad\.yaml:3 costs\.input_cost_per_token: must not be negative/);
    expect(await readFile(path.join(project, "pricing/catalog/SOURCE.yaml"), "utf8")).toBe(before);
  });

  it.skipIf(!present)("from a git repository of the real upstream catalog: loads cleanly and costs validate passes", async () => {
    const upstream = await writeTempTree({});
    await mkdir(upstream, { recursive: true });
    await cp(path.join(UPSTREAM, "providers"), path.join(upstream, "providers"), { recursive: true });
    await git(upstream, "init", "-q", "-b", "main");
    await git(upstream, "add", ".");
    await git(upstream, "commit", "-q", "-m", "upstream snapshot");
    const project = await projectCopy();
    const sync = await runCli(project, "catalog", "sync", "--from", upstream);
    expect(sync.err).toBe("");
    expect(sync.out).toMatch(/^pricing\/catalog: 1,248 files, 1,233 models \(897 with costs\) from upstream/);
    const validate = await runCli(project, "validate");
    expect(validate.err).toBe("");
    expect(validate.code).toBe(0);
    expect(validate.out).toMatch(/^pricing: 1248 catalog files, 1233 models \(897 with costs\) from 19 providers/);
  });
});

/** An upstream catalog with one commit, an empty bare remote, and a project repository pushing to it as `origin`. */
async function openPrRepositories(): Promise<{ upstream: string; remote: string; project: string }> {
  const upstream = await writeTempTree({ "providers/openai/gpt-4o.yaml": "model: gpt-4o\ncosts:\n  input_cost_per_token: 0.0000025\n" });
  await git(upstream, "init", "-q", "-b", "main");
  await git(upstream, "add", ".");
  await git(upstream, "commit", "-q", "-m", "v1");
  const remote = await writeTempTree({});
  await git(remote, "init", "-q", "--bare", "-b", "main");
  const project = await projectCopy();
  await git(project, "init", "-q", "-b", "main");
  await git(project, "add", ".");
  await git(project, "commit", "-q", "-m", "project");
  await git(project, "remote", "add", "origin", remote);
  return { upstream, remote, project };
}

describe("costs catalog sync --open-pr", () => {
  it("pushes one branch and opens, then updates, one pull request through the GitHub API; the token is never printed", async () => {
    const { startFakeGithub } = await import("../fake-github.ts");
    const { catalogSyncCommand } = await import("../../src/commands/catalog-sync.ts");
    const TOKEN = "ghs_secretTOKEN123";
    const github = await startFakeGithub({ token: TOKEN });
    try {
      const { upstream, remote, project } = await openPrRepositories();

      let out = "";
      let err = "";
      const io = { out: (s: string) => (out += s), err: (s: string) => (err += s), cwd: project };
      const env = { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url, GITHUB_REPOSITORY: "acme/costs" };
      const options = { from: upstream, pricingDir: "pricing", openPr: true, base: "main", remote: "origin" };

      expect(await catalogSyncCommand(options, io, env)).toBe(0);
      expect(out).toMatch(/created pull request #1 on acme\/costs\n$/);
      expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /repos/acme/costs/pulls", "POST /repos/acme/costs/pulls"]);
      expect(github.requests[0]!.query).toMatchObject({ head: "acme:costs/catalog-sync", state: "open" });
      expect(github.requests[1]!.body).toMatchObject({
        head: "costs/catalog-sync",
        base: "main",
        title: expect.stringMatching(/^Sync pricing catalog from upstream [0-9a-f]{12}$/),
      });
      expect(github.requests[1]!.authorization).toBe(`token ${TOKEN}`);
      // the branch was pushed with the synced catalog; the working tree is back on main
      expect(await git(remote, "show", "costs/catalog-sync:pricing/catalog/providers/openai/gpt-4o.yaml")).toContain("0.0000025");
      expect(await git(project, "rev-parse", "--abbrev-ref", "HEAD")).toBe("main");

      // a newer upstream: the same pull request is updated
      await writeFile(path.join(upstream, "providers/openai/gpt-4o.yaml"), "model: gpt-4o\ncosts:\n  input_cost_per_token: 0.000002\n");
      await git(upstream, "commit", "-q", "-am", "v2");
      github.requests.length = 0;
      expect(await catalogSyncCommand(options, io, env)).toBe(0);
      expect(out).toMatch(/updated pull request #1 on acme\/costs\n$/);
      expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        "GET /repos/acme/costs/pulls",
        "PATCH /repos/acme/costs/pulls/1",
      ]);
      expect(github.pulls()).toHaveLength(1);
      expect(github.pulls()[0]!.body).toContain("`openai/gpt-4o` input_cost_per_token: 0.0000025 → 0.000002");

      // the same upstream again: the remote branch already has this catalog, nothing is pushed or requested
      const pushed = await git(remote, "rev-parse", "costs/catalog-sync");
      github.requests.length = 0;
      expect(await catalogSyncCommand(options, io, env)).toBe(0);
      expect(out).toMatch(/catalog unchanged: no pull request\n$/);
      expect(github.requests).toEqual([]);
      expect(await git(remote, "rev-parse", "costs/catalog-sync")).toBe(pushed);

      expect(out + err).not.toContain(TOKEN);
    } finally {
      await github.close();
    }
  });

  it("never prints the token, in any form, when the push or GitHub fails (through the real command line)", async () => {
    const { startFakeGithub, tokenEchoes } = await import("../fake-github.ts");
    const TOKEN = "ghs_Se/cr+et=Tok:en!0123456789abcdefXYZ";
    const github = await startFakeGithub({ token: TOKEN });
    vi.stubEnv("GITHUB_TOKEN", TOKEN);
    vi.stubEnv("GITHUB_API_URL", github.url);
    try {
      const { upstream, remote, project } = await openPrRepositories();
      const sync = (...extra: string[]) =>
        runCli(project, "catalog", "sync", "--from", upstream, "--open-pr", "--repo", "acme/costs", ...extra);
      const forms = tokenEchoes(TOKEN);
      const printed: string[] = [];

      // A push to a remote URL carrying the token fails (nothing listens on port 9).
      const pushed = await sync("--remote", `http://x-access-token:${encodeURIComponent(TOKEN)}@127.0.0.1:9/acme/costs.git`);
      expect(pushed.code).toBe(1);
      expect(pushed.err).toMatch(
        /^error: cannot push costs\/catalog-sync to http:\/\/\*\*\*@127\.0\.0\.1:9\/acme\/costs\.git: .+\n {2}hint: the workflow needs `contents: write`\n$/,
      );
      printed.push(pushed.out, pushed.err);

      // GitHub answers with the token echoed back (every form goes through the same
      // githubError as `costs comment`, whose test tries them all; a few here).
      for (const form of ["upper", "url", "base64-basic", "base64url-bearer-padded", "base64-colon-token-unpadded"]) {
        await git(remote, "branch", "-D", "costs/catalog-sync").catch(() => "");
        github.fail("GET", /pulls$/, 401, `Bad credentials: {echo:${form}}`);
        const failed = await sync();
        expect(failed.code, form).toBe(1);
        expect(failed.err, form).toMatch(
          /^error: GitHub API GET http:\/\/127\.0\.0\.1:\d+\/repos\/acme\/costs\/pulls failed \(HTTP 401\): Bad credentials: (x-access-token%3A)?\*\*\* - https:\/\/docs\.github\.com\/rest\n/,
        );
        printed.push(failed.out, failed.err);
      }
      const all = printed.join("\n").toLowerCase();
      for (const [form, shown] of Object.entries(forms)) expect(all, form).not.toContain(shown.toLowerCase());
    } finally {
      vi.unstubAllEnvs();
      await github.close();
    }
  });

  it("needs a repository and a token", async () => {
    const { catalogSyncCommand } = await import("../../src/commands/catalog-sync.ts");
    const io = { out: () => {}, err: () => {}, cwd: ROOT };
    const options = { from: "x", pricingDir: "pricing", openPr: true, base: "main", remote: "origin" };
    await expect(catalogSyncCommand(options, io, {})).rejects.toThrow(/--open-pr needs the repository as OWNER\/NAME/);
    await expect(catalogSyncCommand(options, io, { GITHUB_REPOSITORY: "a/b" })).rejects.toThrow(/--open-pr needs GITHUB_TOKEN/);
  });
});
