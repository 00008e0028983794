import { PipelineError } from "../lib/errors.ts";
import type { GithubClient } from "./create-github-client.ts";

/** The hidden tag that finds the sticky comment again (first line of its body). */
export const COMMENT_MARKER = "<!-- gateway-costs:pricing-diff -->";

/** GitHub's limit on a comment body, in characters. */
export const MAX_COMMENT_LENGTH = 65_536;

export interface IssueTarget {
  owner: string;
  repo: string;
  /** Pull-request or issue number. */
  issueNumber: number;
}

export interface PostCommentResult {
  action: "created" | "updated" | "unchanged";
  id: number;
}

/** The comment body: the marker line, then the markdown (one trailing newline). */
export function renderCommentBody(markdown: string, marker = COMMENT_MARKER): string {
  return `${marker}\n${normalizeNewlines(markdown).trim()}\n`;
}

/** True for a comment this tool posted: its body starts with the marker line. */
export function isStickyComment(body: string | null | undefined, marker = COMMENT_MARKER): boolean {
  return normalizeNewlines(body ?? "").startsWith(`${marker}\n`);
}

/**
 * Posts one sticky comment on `target`: lists every comment (all pages), updates the
 * first one that starts with the marker when its body differs, sends nothing when it is
 * identical, creates one when there is none. Other comments are never touched. The pricing
 * diff's marker unless another is given (a budget alert's figures: gitops/budget-alerts.ts).
 */
export async function postComment(
  client: GithubClient,
  target: IssueTarget,
  markdown: string,
  marker = COMMENT_MARKER,
): Promise<PostCommentResult> {
  const body = renderCommentBody(markdown, marker);
  if (body.length > MAX_COMMENT_LENGTH) {
    throw new PipelineError({
      message: `the comment is ${body.length.toLocaleString("en")} characters; GitHub accepts at most ${MAX_COMMENT_LENGTH.toLocaleString("en")}`,
      hint: "shorten the markdown (fewer rows in the diff tables)",
    });
  }
  const { owner, repo, issueNumber } = target;
  const comments = await client.paginate(client.rest.issues.listComments, { owner, repo, issue_number: issueNumber, per_page: 100 });
  const sticky = comments.find((c) => isStickyComment(c.body, marker));
  if (!sticky) {
    const { data } = await client.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
    return { action: "created", id: data.id };
  }
  if (normalizeNewlines(sticky.body ?? "") === body) return { action: "unchanged", id: sticky.id };
  await client.rest.issues.updateComment({ owner, repo, comment_id: sticky.id, body });
  return { action: "updated", id: sticky.id };
}

/** GitHub may hand back CRLF line ends for bodies edited in the browser. */
function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, "\n");
}
