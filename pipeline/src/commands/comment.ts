import { readFile } from "node:fs/promises";
import path from "node:path";
import { formatField, PipelineError } from "../lib/errors.ts";
import type { Io } from "../lib/io.ts";
import { checkFinanceReview, DEFAULT_FINANCE_THRESHOLD, type FinanceReview } from "../gitops/check-finance-review.ts";
import { createGithubClient, githubError } from "../gitops/create-github-client.ts";
import { postComment, renderCommentBody, type IssueTarget } from "../gitops/post-comment.ts";
import { setReviewLabel } from "../gitops/set-review-label.ts";
import { isDecimalText, isNegative, parseDecimal } from "../pricing/money.ts";
import { PricingDiffSchema } from "../schemas/pricing-diff.schema.ts";

export interface CommentOptions {
  /** `OWNER/NAME`. */
  repo: string;
  /** Pull-request number. */
  pr: string;
  /** The rendered markdown (`costs diff --format markdown`). */
  bodyFile: string;
  /** The PricingDiff JSON (`costs diff --format json`): enables the finance-review label. */
  diffJson?: string;
  thresholdUsd?: string;
  thresholdPercent?: string;
  label?: string;
  dryRun?: boolean;
}

/** The environment variables the command reads (injected; cli.ts passes process.env). */
export interface CommentEnv {
  GITHUB_API_URL?: string;
  GITHUB_TOKEN?: string;
}

/** Exit code when the change needs finance review: the pull-request check fails. */
export const NEEDS_REVIEW_EXIT_CODE = 3;

const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const DEFAULT_LABEL = "finance-review";

/**
 * `costs comment`: posts the pricing diff as one sticky pull-request comment and, with
 * --diff-json, labels the pull request for finance review when the impact reaches the
 * threshold (exit 3) or removes the label (exit 0). --dry-run prints instead, no HTTP.
 */
export async function commentCommand(options: CommentOptions, io: Io, env: CommentEnv = process.env): Promise<number> {
  if (!REPO.test(options.repo)) throw new PipelineError({ field: "--repo", message: `must be OWNER/NAME, got \`${options.repo}\`` });
  if (!/^[1-9]\d*$/.test(options.pr))
    throw new PipelineError({ field: "--pr", message: `must be a positive pull-request number, got \`${options.pr}\`` });
  const label = options.label ?? DEFAULT_LABEL;
  if (label.trim() === "") throw new PipelineError({ field: "--label", message: "must not be empty" });
  const threshold = {
    usd: checkThreshold("--threshold-usd", options.thresholdUsd ?? DEFAULT_FINANCE_THRESHOLD.usd),
    percent: checkThreshold("--threshold-percent", options.thresholdPercent ?? DEFAULT_FINANCE_THRESHOLD.percent),
  };
  const [owner, repo] = options.repo.split("/") as [string, string];
  const target: IssueTarget = { owner, repo, issueNumber: Number(options.pr) };

  const markdown = await readText(path.resolve(io.cwd, options.bodyFile));
  if (markdown.trim() === "")
    throw new PipelineError({
      file: options.bodyFile,
      message: "is empty: nothing to comment",
      hint: "render it with `costs diff --format markdown`",
    });
  const review = options.diffJson
    ? checkFinanceReview(await readDiff(path.resolve(io.cwd, options.diffJson), options.diffJson), threshold)
    : undefined;

  if (options.dryRun) {
    io.out(renderCommentBody(markdown));
    io.out(`dry run: no comment posted on ${options.repo}#${target.issueNumber}\n`);
    if (review) io.out(`${review.needed ? `would add label ${label}` : `would remove label ${label}`}: ${review.reason}\n`);
    return review?.needed ? NEEDS_REVIEW_EXIT_CODE : 0;
  }

  const token = env.GITHUB_TOKEN ?? "";
  if (token === "") {
    throw new PipelineError({
      message: "GITHUB_TOKEN is not set",
      hint: "export a token that may write pull-request comments (in a workflow: `GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}`), or use --dry-run",
    });
  }
  const client = createGithubClient({ baseUrl: env.GITHUB_API_URL, token, warn: (m) => io.err(`warning: ${m}\n`) });
  try {
    const posted = await postComment(client, target, markdown);
    io.out(
      posted.action === "unchanged"
        ? `comment unchanged: skipped (comment ${posted.id} on ${options.repo}#${target.issueNumber})\n`
        : `${posted.action} comment ${posted.id} on ${options.repo}#${target.issueNumber}\n`,
    );
    if (review) io.out(`${await applyLabel(review, label, () => setReviewLabel(client, target, label, review.needed))}\n`);
  } catch (error) {
    throw githubError(error, [token]);
  }
  return review?.needed ? NEEDS_REVIEW_EXIT_CODE : 0;
}

async function applyLabel(review: FinanceReview, label: string, apply: () => Promise<string>): Promise<string> {
  const action = await apply();
  if (action === "added") return `added label ${label}: ${review.reason}`;
  if (action === "removed") return `removed label ${label}: ${review.reason}`;
  return `label ${label} not set: ${review.reason}`;
}

function checkThreshold(flag: string, text: string): string {
  if (!isDecimalText(text) || isNegative(parseDecimal(text))) {
    throw new PipelineError({ field: flag, message: `must be a number ≥ 0, got \`${text}\`` });
  }
  return text.trim();
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new PipelineError({ file, message: `cannot read file: ${(error as Error).message}` });
  }
}

async function readDiff(file: string, shown: string) {
  let data: unknown;
  try {
    data = JSON.parse(await readText(file));
  } catch (error) {
    if (error instanceof PipelineError) throw error;
    throw new PipelineError({
      file,
      message: `not valid JSON: ${(error as Error).message}`,
      hint: "write it with `costs diff --format json`",
    });
  }
  const result = PricingDiffSchema.safeParse(data);
  if (!result.success) {
    throw new PipelineError(
      result.error.issues.map((issue) => ({
        file,
        field: formatField(issue.path),
        message: issue.message,
        hint: `${shown} must be the JSON written by \`costs diff --format json\``,
      })),
    );
  }
  return result.data;
}
