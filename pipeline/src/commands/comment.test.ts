import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startFakeGithub, tokenEchoes, type FakeGithub } from "../../test/fake-github.ts";
import { runCli } from "../../test/run-cli.ts";
import { writeTempTree } from "../../test/temp-dir.ts";
import { formatProblem, PipelineError } from "../lib/errors.ts";
import { commentCommand, type CommentEnv, type CommentOptions } from "./comment.ts";
import { diffWithImpact } from "../../test/diff-fixture.ts";

const TOKEN = "ghs_commentCommandSecret9876543210";
const MARKER = "<!-- gateway-costs:pricing-diff -->";
const ISSUE = "acme/costs#7";
const LIST = "GET /repos/acme/costs/issues/7/comments";
const CREATE = "POST /repos/acme/costs/issues/7/comments";
const ADD_LABEL = "POST /repos/acme/costs/issues/7/labels";
const REMOVE_LABEL = "DELETE /repos/acme/costs/issues/7/labels/finance-review";

const diff = diffWithImpact;

let github: FakeGithub;
let dir: string;
beforeEach(async () => {
  github = await startFakeGithub({ token: TOKEN });
  dir = await writeTempTree({
    "v1.md": "## Pricing diff\n\n| model | old | new |\n",
    "v2.md": "## Pricing diff\n\n| model | old | new |\n| bedrock-prod/nova-lite | 0.06 | 0.07 |\n",
    "over.json": JSON.stringify(diff("123.400000000", "0.061000")),
    "under.json": JSON.stringify(diff("-1.000000000", "-0.000500")),
    "broken.json": JSON.stringify({ ...diff("1.000000000", null), impact: { change_usd: 1.5 } }),
    "empty.md": "\n",
  });
});
afterEach(() => github.close());

/** Runs the command the way cli.ts does: PipelineErrors are printed to stderr, exit 1. */
async function run(options: Partial<CommentOptions>, env: CommentEnv = { GITHUB_API_URL: github.url, GITHUB_TOKEN: TOKEN }) {
  let out = "";
  let err = "";
  const io = { out: (s: string) => void (out += s), err: (s: string) => void (err += s), cwd: dir };
  let code: number;
  try {
    code = await commentCommand({ repo: "acme/costs", pr: "7", bodyFile: "v1.md", ...options }, io, env);
  } catch (error) {
    if (!(error instanceof PipelineError)) throw error;
    for (const problem of error.problems) err += `error: ${formatProblem(problem)}\n`;
    code = 1;
  }
  return { code, out, err };
}

const calls = () => github.requests.map((r) => `${r.method} ${r.path}`);

describe("costs comment", () => {
  it("creates, then updates the same comment, then skips an identical body", async () => {
    const first = await run({ diffJson: "under.json" });
    const id = github.comments(ISSUE)[0]!.id;
    expect(first).toEqual({
      code: 0,
      out:
        `created comment ${id} on acme/costs#7\n` +
        "label finance-review not set: impact -1.000000000 USD (-0.05 %) is under the 100 USD / 5 % threshold\n",
      err: "",
    });
    expect(calls()).toEqual([LIST, CREATE, REMOVE_LABEL]);
    expect(github.requests[1]!.body).toEqual({ body: `${MARKER}\n## Pricing diff\n\n| model | old | new |\n` });

    github.requests.length = 0;
    const second = await run({ bodyFile: "v2.md" });
    expect(second).toEqual({ code: 0, out: `updated comment ${id} on acme/costs#7\n`, err: "" });
    expect(calls()).toEqual([LIST, `PATCH /repos/acme/costs/issues/comments/${id}`]);
    expect(github.comments(ISSUE).map((c) => [c.id, c.body])).toEqual([
      [id, `${MARKER}\n${"## Pricing diff\n\n| model | old | new |\n| bedrock-prod/nova-lite | 0.06 | 0.07 |\n"}`],
    ]);

    github.requests.length = 0;
    const third = await run({ bodyFile: "v2.md" });
    expect(third).toEqual({ code: 0, out: `comment unchanged: skipped (comment ${id} on acme/costs#7)\n`, err: "" });
    expect(calls()).toEqual([LIST]);
  });

  it("never touches other people's comments and finds its own on page 2", async () => {
    for (let i = 0; i < 100; i++) github.addComment(ISSUE, `note ${i}`, "reviewer");
    const own = github.addComment(ISSUE, `${MARKER}\nold`, "github-actions[bot]");
    expect((await run({})).out).toBe(`updated comment ${own.id} on acme/costs#7\n`);
    expect(calls()).toEqual([LIST, LIST, `PATCH /repos/acme/costs/issues/comments/${own.id}`]);
    expect(github.requests[1]!.query).toEqual({ per_page: "100", page: "2" });
    expect(
      github
        .comments(ISSUE)
        .filter((c) => c.user.login === "reviewer")
        .map((c) => c.body),
    ).toEqual(Array.from({ length: 100 }, (_, i) => `note ${i}`));
  });

  it("over the threshold: adds the label, says why and exits 3", async () => {
    const result = await run({ diffJson: "over.json" });
    expect(result.code).toBe(3);
    expect(result.out.split("\n")[1]).toBe(
      "added label finance-review: impact +123.400000000 USD (+6.1 %) is over the 100 USD / 5 % threshold",
    );
    expect(calls()).toEqual([LIST, CREATE, ADD_LABEL]);
    expect(github.requests[2]!.body).toEqual({ labels: ["finance-review"] });
    expect(github.labels(ISSUE)).toEqual(["finance-review"]);
  });

  it("under a raised threshold: removes the label it added before, exits 0, with a custom label name too", async () => {
    github.setLabels(ISSUE, ["pricing", "finance-review"]);
    const result = await run({ diffJson: "over.json", thresholdUsd: "500", thresholdPercent: "10" });
    expect(result.code).toBe(0);
    expect(result.out.split("\n")[1]).toBe(
      "removed label finance-review: impact +123.400000000 USD (+6.1 %) is under the 500 USD / 10 % threshold",
    );
    expect(github.labels(ISSUE)).toEqual(["pricing"]);

    github.requests.length = 0;
    expect((await run({ diffJson: "over.json", label: "needs finance" })).code).toBe(3);
    expect(calls()).toEqual([LIST, ADD_LABEL]);
    expect(github.labels(ISSUE)).toEqual(["pricing", "needs finance"]);
  });

  it("--dry-run prints the comment and the label decision, sends nothing and needs no token", async () => {
    const result = await run({ dryRun: true, diffJson: "over.json" }, { GITHUB_API_URL: github.url });
    expect(result).toEqual({
      code: 3,
      out:
        `${MARKER}\n## Pricing diff\n\n| model | old | new |\n` +
        "dry run: no comment posted on acme/costs#7\n" +
        "would add label finance-review: impact +123.400000000 USD (+6.1 %) is over the 100 USD / 5 % threshold\n",
      err: "",
    });
    expect(github.requests).toEqual([]);
  });

  it("a missing token is a clear error before any request", async () => {
    const result = await run({}, { GITHUB_API_URL: github.url, GITHUB_TOKEN: "" });
    expect(result.code).toBe(1);
    expect(result.err).toContain("error: GITHUB_TOKEN is not set\n  hint: export a token that may write pull-request comments");
    expect(github.requests).toEqual([]);
  });

  it("authenticates with the token but never prints it, even when the server fails or echoes it", async () => {
    await run({});
    expect(github.requests[0]!.authorization).toMatch(new RegExp(`^(token|Bearer) ${TOKEN}$`));

    github.fail("GET", /comments$/, 500, "upstream broke while handling {authorization}");
    const failed = await run({});
    expect(failed.code).toBe(1);
    expect(failed.err).toBe(
      `error: GitHub API GET ${github.url}/repos/acme/costs/issues/7/comments failed (HTTP 500): upstream broke while handling token *** - https://docs.github.com/rest\n`,
    );

    github.fail("PATCH", /comments\/\d+$/, 401, "Bad credentials: {authorization}");
    const unauthorized = await run({ bodyFile: "v2.md" });
    expect(unauthorized.code).toBe(1);
    expect(unauthorized.err).toContain("failed (HTTP 401): Bad credentials: token ***");
    expect(unauthorized.err).toContain("hint: check GITHUB_TOKEN");

    const wrongToken = await run({}, { GITHUB_API_URL: github.url, GITHUB_TOKEN: "ghs_wrong" });
    expect(wrongToken.err).toContain("failed (HTTP 401): Bad credentials");

    for (const result of [failed, unauthorized, wrongToken]) {
      expect(result.out + result.err).not.toContain(TOKEN);
      expect(result.out + result.err).not.toContain("ghs_wrong");
    }
  });

  it("through the real command line: prints no form of the token GitHub echoes, and only a short message", async () => {
    // A token with characters that URL-encoding and base64 padding change.
    const token = "ghs_Se/cr+et=Tok:en!0123456789abcdefXYZ";
    await github.close();
    github = await startFakeGithub({ token });
    vi.stubEnv("GITHUB_TOKEN", token);
    vi.stubEnv("GITHUB_API_URL", github.url);
    try {
      const forms = tokenEchoes(token);
      for (const form of Object.keys(forms)) {
        github.fail("GET", /comments$/, 401, `Bad credentials: {echo:${form}}`);
        const { code, out, err } = await runCli(dir, "comment", "--repo", "acme/costs", "--pr", "7", "--body-file", "v1.md");
        expect(code, form).toBe(1);
        expect(err, form).toBe(
          `error: GitHub API GET ${github.url}/repos/acme/costs/issues/7/comments failed (HTTP 401): Bad credentials: ${form === "url-basic" ? "x-access-token%3A" : ""}*** - https://docs.github.com/rest\n` +
            "  hint: check GITHUB_TOKEN: it is missing, expired or revoked\n",
        );
        for (const shown of Object.values(forms)) expect((out + err).toLowerCase(), `${form}: ${shown}`).not.toContain(shown.toLowerCase());
      }

      // A long answer is cut to 200 characters of GitHub's message.
      github.fail("POST", /comments$/, 422, `${"Validation failed. ".repeat(300)}{authorization}`);
      const long = await runCli(dir, "comment", "--repo", "acme/costs", "--pr", "7", "--body-file", "v1.md");
      expect(long.code).toBe(1);
      expect(long.err).toBe(
        `error: GitHub API POST ${github.url}/repos/acme/costs/issues/7/comments failed (HTTP 422): ${"Validation failed. ".repeat(11).slice(0, 200)}…\n  hint: GitHub rejected the request body\n`,
      );
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("an unreachable server is a clear error", async () => {
    const url = github.url;
    await github.close();
    const result = await run({}, { GITHUB_API_URL: url, GITHUB_TOKEN: TOKEN });
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      `error: GitHub API GET ${url}/repos/acme/costs/issues/7/comments failed (no response): connect ECONNREFUSED ${url.slice("http://".length)}\n  hint: check GITHUB_API_URL and the network\n`,
    );
  });

  it("rejects bad flags and inputs before any request", async () => {
    expect((await run({ repo: "acme" })).err).toBe("error: --repo: must be OWNER/NAME, got `acme`\n");
    expect((await run({ pr: "0" })).err).toBe("error: --pr: must be a positive pull-request number, got `0`\n");
    expect((await run({ thresholdPercent: "five" })).err).toBe("error: --threshold-percent: must be a number ≥ 0, got `five`\n");
    expect((await run({ thresholdUsd: "-1" })).err).toBe("error: --threshold-usd: must be a number ≥ 0, got `-1`\n");
    expect((await run({ bodyFile: "empty.md" })).err).toContain("error: empty.md: is empty: nothing to comment");
    expect((await run({ bodyFile: "missing.md" })).err).toMatch(/missing\.md: cannot read file/);
    const broken = await run({ diffJson: "broken.json" });
    expect(broken.code).toBe(1);
    expect(broken.err).toContain("broken.json impact.change_usd: ");
    expect(github.requests).toEqual([]);
  });
});
