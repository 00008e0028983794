import type { GithubClient } from "./create-github-client.ts";
import type { IssueTarget } from "./post-comment.ts";

export type LabelAction = "added" | "removed" | "absent";

/**
 * Adds `label` when `wanted`, removes it otherwise. Removing a label the pull request
 * does not have is not an error (GitHub answers 404): the result is "absent".
 */
export async function setReviewLabel(client: GithubClient, target: IssueTarget, label: string, wanted: boolean): Promise<LabelAction> {
  const { owner, repo, issueNumber } = target;
  if (wanted) {
    await client.rest.issues.addLabels({ owner, repo, issue_number: issueNumber, labels: [label] });
    return "added";
  }
  try {
    await client.rest.issues.removeLabel({ owner, repo, issue_number: issueNumber, name: label });
    return "removed";
  } catch (error) {
    if ((error as { status?: number }).status === 404) return "absent";
    throw error;
  }
}
