import { Octokit } from "@octokit/rest";
import { PipelineError } from "../lib/errors.ts";
import { redactSecrets, shortMessage } from "./redact-secrets.ts";

/** The Octokit client the gitops commands talk to GitHub with (tests point it at a local server). */
export type GithubClient = Octokit;

export const DEFAULT_GITHUB_API_URL = "https://api.github.com";

export interface GithubClientOptions {
  /** `GITHUB_API_URL`; https://api.github.com when empty. */
  baseUrl?: string;
  token: string;
  /** Where Octokit's warnings (deprecations) go, redacted. Failed requests are not logged: callers get the error. */
  warn?: (message: string) => void;
}

/** An Octokit for `baseUrl`, authenticated with `token`; its log output never carries the token, in any form. */
export function createGithubClient(options: GithubClientOptions): GithubClient {
  const baseUrl = (options.baseUrl || DEFAULT_GITHUB_API_URL).replace(/\/+$/, "");
  const warn = (message: unknown) => options.warn?.(shortMessage(String(message), [options.token]));
  return new Octokit({
    auth: options.token,
    baseUrl,
    userAgent: "gateway-costs",
    log: { debug: () => {}, info: () => {}, warn, error: () => {} },
  });
}

const HINTS: Record<number, string> = {
  401: "check GITHUB_TOKEN: it is missing, expired or revoked",
  403: "the token needs `issues: write` and `pull-requests: write` permission (pull requests from forks get a read-only token)",
  404: "check --repo and --pr, and that the token can see the repository",
  422: "GitHub rejected the request body",
};

/**
 * A failed GitHub call as a PipelineError people can act on: method, URL, status and at
 * most MAX_MESSAGE_CHARS characters of GitHub's message, with every secret redacted in
 * every form (Octokit errors can echo request headers, and some servers and proxies echo
 * them in the response body, base64-encoded or upper-cased). Other errors pass through unchanged.
 */
export function githubError(error: unknown, secrets: ReadonlyArray<string>): unknown {
  if (error instanceof PipelineError) return error;
  const e = error as { name?: string; status?: number; message?: string; request?: { method?: string; url?: string }; response?: unknown };
  if (e?.name !== "HttpError" && e?.name !== "RequestError" && typeof e?.status !== "number") {
    return new PipelineError({ message: `GitHub API call failed: ${shortMessage(String(e?.message ?? error), secrets)}` });
  }
  const where = e.request?.url ? `${e.request.method ?? ""} ${redactSecrets(redactUrl(e.request.url), secrets)}`.trim() : "request";
  // Octokit reports network failures (connection refused, DNS) as status 500 without a response.
  const answered = e.response !== undefined;
  const status = answered ? `HTTP ${e.status}` : "no response";
  const problem = { message: `GitHub API ${where} failed (${status}): ${shortMessage(e.message ?? "", secrets)}` };
  const hint = answered ? HINTS[e.status ?? 0] : "check GITHUB_API_URL and the network";
  return new PipelineError(hint ? { ...problem, hint } : problem);
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    u.search = "";
    return u.toString();
  } catch {
    return url;
  }
}
