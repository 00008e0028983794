import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeGithub, type FakeGithub } from "../../test/fake-github.ts";
import { createGithubClient, githubError, type GithubClient } from "./create-github-client.ts";
import { COMMENT_MARKER, isStickyComment, postComment, renderCommentBody } from "./post-comment.ts";
import { setReviewLabel } from "./set-review-label.ts";

const TOKEN = "ghs_postCommentTestToken0123456789";
const ISSUE = "acme/costs#7";
const target = { owner: "acme", repo: "costs", issueNumber: 7 };

let github: FakeGithub;
let client: GithubClient;
beforeEach(async () => {
  github = await startFakeGithub({ token: TOKEN });
  client = createGithubClient({ baseUrl: github.url, token: TOKEN });
});
afterEach(() => github.close());

const calls = () => github.requests.map((r) => `${r.method} ${r.path}`);

describe("renderCommentBody", () => {
  it("puts the marker on the first line and normalizes line ends", () => {
    expect(renderCommentBody("## Pricing diff\r\n\r\nrates\n\n")).toBe(`${COMMENT_MARKER}\n## Pricing diff\n\nrates\n`);
  });

  it("recognizes its own comments only by a leading marker", () => {
    expect(isStickyComment(`${COMMENT_MARKER}\r\nbody`)).toBe(true);
    expect(isStickyComment(`> ${COMMENT_MARKER}\n> quoted by a reviewer`)).toBe(false);
    expect(isStickyComment("looks fine to me")).toBe(false);
  });
});

describe("postComment", () => {
  it("finds its comment on page 2 of the list and updates only it", async () => {
    for (let i = 0; i < 104; i++) github.addComment(ISSUE, `review note ${i}`);
    const own = github.addComment(ISSUE, renderCommentBody("old table"), "github-actions[bot]");
    github.addComment(ISSUE, `> ${COMMENT_MARKER}\n> quoting the bot`);

    expect(await postComment(client, target, "new table")).toEqual({ action: "updated", id: own.id });
    expect(github.requests.map((r) => [r.method, r.path, r.query])).toEqual([
      ["GET", "/repos/acme/costs/issues/7/comments", { per_page: "100" }],
      ["GET", "/repos/acme/costs/issues/7/comments", { per_page: "100", page: "2" }],
      ["PATCH", `/repos/acme/costs/issues/comments/${own.id}`, {}],
    ]);
    const after = github.comments(ISSUE);
    expect(after).toHaveLength(106);
    expect(after.filter((c) => c.body.includes("new table")).map((c) => c.id)).toEqual([own.id]);
    expect(after.slice(0, 104).map((c) => c.body)).toEqual(Array.from({ length: 104 }, (_, i) => `review note ${i}`));
    expect(after[105]!.body).toBe(`> ${COMMENT_MARKER}\n> quoting the bot`);
  });

  it("creates when only other people's comments exist, then skips an identical body", async () => {
    github.addComment(ISSUE, "please check the Bedrock rate");
    const created = await postComment(client, target, "table\n");
    expect(created.action).toBe("created");
    expect(await postComment(client, target, "table")).toEqual({ action: "unchanged", id: created.id });
    expect(calls()).toEqual([
      "GET /repos/acme/costs/issues/7/comments",
      "POST /repos/acme/costs/issues/7/comments",
      "GET /repos/acme/costs/issues/7/comments",
    ]);
    expect(github.comments(ISSUE).map((c) => c.body)).toEqual(["please check the Bedrock rate", `${COMMENT_MARKER}\ntable\n`]);
  });

  it("sends the token as the Authorization header", async () => {
    await postComment(client, target, "table");
    expect(github.requests.map((r) => r.authorization)).toEqual([`token ${TOKEN}`, `token ${TOKEN}`]);
  });
});

describe("setReviewLabel", () => {
  it("adds the label, removes it, and tolerates removing a label that is not there", async () => {
    github.setLabels(ISSUE, ["pricing"]);
    expect(await setReviewLabel(client, target, "finance-review", true)).toBe("added");
    expect(github.labels(ISSUE)).toEqual(["pricing", "finance-review"]);
    expect(await setReviewLabel(client, target, "finance-review", false)).toBe("removed");
    expect(github.labels(ISSUE)).toEqual(["pricing"]);
    expect(await setReviewLabel(client, target, "finance-review", false)).toBe("absent");
    expect(github.requests.map((r) => [r.method, r.path, r.body])).toEqual([
      ["POST", "/repos/acme/costs/issues/7/labels", { labels: ["finance-review"] }],
      ["DELETE", "/repos/acme/costs/issues/7/labels/finance-review", undefined],
      ["DELETE", "/repos/acme/costs/issues/7/labels/finance-review", undefined],
    ]);
  });

  it("still fails on other errors", async () => {
    github.fail("DELETE", /labels/, 403, "Resource not accessible by integration");
    await expect(setReviewLabel(client, target, "finance-review", false)).rejects.toMatchObject({ status: 403 });
  });
});

describe("githubError", () => {
  it("names the request and status, gives a hint and redacts the token echoed back", async () => {
    github.fail("GET", /comments$/, 401, "Bad credentials for {authorization}");
    const error = await postComment(client, target, "table").catch((e: unknown) => githubError(e, [TOKEN]));
    expect(error).toMatchObject({
      problems: [
        {
          message: `GitHub API GET ${github.url}/repos/acme/costs/issues/7/comments failed (HTTP 401): Bad credentials for token *** - https://docs.github.com/rest`,
          hint: "check GITHUB_TOKEN: it is missing, expired or revoked",
        },
      ],
    });
  });
});
