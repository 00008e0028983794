import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fake GitHub REST API on 127.0.0.1 for tests: just the endpoints the gitops commands
 * use, state in memory, every request recorded so tests can assert the exact sequence.
 * Like GitHub, list endpoints cap `per_page` at 100 and paginate with a `Link` header.
 */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/repos/acme/costs/issues/7/comments`. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
  /** The Authorization header as received (undefined when absent). */
  authorization: string | undefined;
}

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: "User" | "Bot" };
}

interface Failure {
  method: string;
  path: RegExp;
  status: number;
  message: string;
  times: number;
}

export interface FakeGithubOptions {
  /** When set, any request whose Authorization header does not carry this token gets 401. */
  token?: string;
  /** Largest page a list request gets (GitHub: 100). */
  maxPerPage?: number;
  /** Login of the token's user: author of the comments it creates. */
  login?: string;
}

export interface FakeGithub {
  /** `http://127.0.0.1:<port>`: pass as GITHUB_API_URL / Octokit baseUrl. */
  url: string;
  requests: RecordedRequest[];
  /** Comments of `owner/repo#number`, oldest first. */
  comments(issue: string): FakeComment[];
  /** Adds a comment as `login` (someone else by default). */
  addComment(issue: string, body: string, login?: string): FakeComment;
  labels(issue: string): string[];
  setLabels(issue: string, labels: string[]): void;
  /** Issues opened through the API, in creation order. */
  issues(): FakeIssue[];
  /** Repository labels (`owner/repo` → names). */
  repoLabels(repo: string): string[];
  /** Pull requests opened or updated through the API, in creation order. */
  pulls(): FakePull[];
  /**
   * The next `times` requests matching method and path answer `status` with `message`.
   * `{authorization}` in the message is replaced by the request's Authorization header,
   * the way some proxies and servers echo it back: the client must not print it.
   * `{echo:<form>}` is replaced by one form of the header's token: a key of `tokenEchoes`.
   */
  fail(method: string, path: RegExp, status: number, message?: string, times?: number): void;
  close(): Promise<void>;
}

/**
 * The forms a server, proxy or log may echo a token in: as written, upper and lower case,
 * URL-encoded, and base64 / base64url (with and without padding, and upper-cased) of the
 * token alone and as Basic and Bearer credentials carry it (`x-access-token:TOKEN`,
 * `TOKEN:`, `:TOKEN`, `Bearer TOKEN`).
 */
export function tokenEchoes(token: string): Record<string, string> {
  const forms: Record<string, string> = {
    literal: token,
    upper: token.toUpperCase(),
    lower: token.toLowerCase(),
    url: encodeURIComponent(token),
    "url-basic": encodeURIComponent(`x-access-token:${token}`),
  };
  const carried: Record<string, string> = {
    token,
    basic: `x-access-token:${token}`,
    "token-colon": `${token}:`,
    "colon-token": `:${token}`,
    bearer: `Bearer ${token}`,
  };
  for (const [name, text] of Object.entries(carried)) {
    const base64 = Buffer.from(text).toString("base64");
    const base64url = Buffer.from(text).toString("base64url"); // unpadded
    forms[`base64-${name}`] = base64;
    forms[`base64-${name}-unpadded`] = base64.replace(/=+$/, "");
    forms[`base64-${name}-upper`] = base64.toUpperCase();
    forms[`base64url-${name}`] = base64url;
    forms[`base64url-${name}-padded`] = base64url.padEnd(Math.ceil(base64url.length / 4) * 4, "=");
  }
  return forms;
}

const ISSUE_PATH = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/;
const COMMENT_PATH = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/;
const LABELS_PATH = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/labels$/;
const LABEL_PATH = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/labels\/([^/]+)$/;
const ISSUES_PATH = /^\/repos\/([^/]+)\/([^/]+)\/issues$/;
const ISSUE_NUMBER_PATH = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)$/;
const REPO_LABELS_PATH = /^\/repos\/([^/]+)\/([^/]+)\/labels$/;
const REPO_LABEL_PATH = /^\/repos\/([^/]+)\/([^/]+)\/labels\/([^/]+)$/;
const PULLS_PATH = /^\/repos\/([^/]+)\/([^/]+)\/pulls$/;
const PULL_PATH = /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/;

/** An issue as the fake keeps it (its labels and comments live with the other issue state). */
export interface FakeIssue {
  number: number;
  repo: string;
  title: string;
  body: string;
  state: "open" | "closed";
  state_reason: string | null;
}

/** A pull request as the fake keeps it. */
export interface FakePull {
  number: number;
  repo: string;
  head: string;
  base: string;
  title: string;
  body: string;
  state: "open" | "closed";
}

export async function startFakeGithub(options: FakeGithubOptions = {}): Promise<FakeGithub> {
  const maxPerPage = options.maxPerPage ?? 100;
  const login = options.login ?? "github-actions[bot]";
  const comments = new Map<string, FakeComment[]>();
  const commentIssue = new Map<number, string>();
  const labels = new Map<string, string[]>();
  const pulls: FakePull[] = [];
  const issues: FakeIssue[] = [];
  const repoLabels = new Map<string, string[]>();
  const failures: Failure[] = [];
  const requests: RecordedRequest[] = [];
  let nextId = 1001;
  let url = "";

  const issueComments = (issue: string): FakeComment[] => {
    let list = comments.get(issue);
    if (!list) comments.set(issue, (list = []));
    return list;
  };
  const addComment = (issue: string, body: string, author = "someone-else"): FakeComment => {
    const comment: FakeComment = { id: nextId++, body, user: { login: author, type: author.endsWith("[bot]") ? "Bot" : "User" } };
    issueComments(issue).push(comment);
    commentIssue.set(comment.id, issue);
    return comment;
  };
  const toJson = (repoPath: string, comment: FakeComment) => ({
    id: comment.id,
    body: comment.body,
    user: comment.user,
    html_url: `https://github.com/${repoPath}#issuecomment-${comment.id}`,
  });
  const labelObjects = (issue: string) => (labels.get(issue) ?? []).map((name) => ({ name }));

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const parsed = new URL(req.url ?? "/", url);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const method = req.method ?? "GET";
    const authorization = req.headers.authorization;
    requests.push({
      method,
      path: parsed.pathname,
      query: Object.fromEntries(parsed.searchParams),
      body: text ? JSON.parse(text) : undefined,
      authorization,
    });
    const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    const send = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
      res.end(data === undefined ? "" : JSON.stringify(data));
    };

    const failure = failures.find((f) => f.times > 0 && f.method === method && f.path.test(parsed.pathname));
    if (failure) {
      failure.times--;
      const echoes = tokenEchoes(authorization?.replace(/^(token|bearer) /i, "") ?? "");
      const message = failure.message
        .replaceAll("{authorization}", authorization ?? "")
        .replace(/\{echo:([a-z0-9-]+)\}/g, (_, form: string) => echoes[form] ?? `{unknown echo form ${form}}`);
      return send(failure.status, { message, documentation_url: "https://docs.github.com/rest" });
    }
    if (options.token !== undefined) {
      const given = authorization?.replace(/^(token|bearer) /i, "");
      if (given !== options.token) return send(401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" });
    }

    let m: RegExpExecArray | null;
    if ((m = ISSUE_PATH.exec(parsed.pathname))) {
      const repoPath = `${m[1]}/${m[2]}`;
      const issue = `${repoPath}#${m[3]}`;
      if (method === "GET") {
        const perPage = Math.min(Number(parsed.searchParams.get("per_page") ?? 30), maxPerPage);
        const page = Number(parsed.searchParams.get("page") ?? 1);
        const all = issueComments(issue);
        const last = Math.max(1, Math.ceil(all.length / perPage));
        const links: string[] = [];
        const pageUrl = (p: number) => {
          const u = new URL(parsed.pathname, url);
          u.searchParams.set("per_page", String(perPage));
          u.searchParams.set("page", String(p));
          return u.toString();
        };
        if (page < last) links.push(`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(last)}>; rel="last"`);
        if (page > 1) links.push(`<${pageUrl(1)}>; rel="first"`, `<${pageUrl(page - 1)}>; rel="prev"`);
        const slice = all.slice((page - 1) * perPage, page * perPage).map((c) => toJson(repoPath, c));
        return send(200, slice, links.length ? { link: links.join(", ") } : {});
      }
      if (method === "POST") {
        if (typeof body.body !== "string") return send(422, { message: "Invalid request: body is required" });
        return send(201, toJson(repoPath, addComment(issue, body.body, login)));
      }
    }
    if ((m = COMMENT_PATH.exec(parsed.pathname)) && method === "PATCH") {
      const id = Number(m[3]);
      const issue = commentIssue.get(id);
      const comment = issue ? issueComments(issue).find((c) => c.id === id) : undefined;
      if (!comment || !issue?.startsWith(`${m[1]}/${m[2]}#`)) return send(404, { message: "Not Found" });
      if (typeof body.body !== "string") return send(422, { message: "Invalid request: body is required" });
      comment.body = body.body;
      return send(200, toJson(`${m[1]}/${m[2]}`, comment));
    }
    if ((m = LABELS_PATH.exec(parsed.pathname)) && method === "POST") {
      const issue = `${m[1]}/${m[2]}#${m[3]}`;
      const given = Array.isArray(body.labels) ? (body.labels as string[]) : [];
      labels.set(issue, [...new Set([...(labels.get(issue) ?? []), ...given])]);
      return send(200, labelObjects(issue));
    }
    if ((m = LABEL_PATH.exec(parsed.pathname)) && method === "DELETE") {
      const issue = `${m[1]}/${m[2]}#${m[3]}`;
      const name = decodeURIComponent(m[4]!);
      const current = labels.get(issue) ?? [];
      if (!current.includes(name)) return send(404, { message: "Label does not exist", documentation_url: "https://docs.github.com/rest" });
      labels.set(
        issue,
        current.filter((l) => l !== name),
      );
      return send(200, labelObjects(issue));
    }
    const issueJson = (i: FakeIssue) => ({
      number: i.number,
      state: i.state,
      state_reason: i.state_reason,
      title: i.title,
      body: i.body,
      labels: labelObjects(`${i.repo}#${i.number}`),
      html_url: `https://github.com/${i.repo}/issues/${i.number}`,
    });
    if ((m = ISSUES_PATH.exec(parsed.pathname))) {
      const repoPath = `${m[1]}/${m[2]}`;
      if (method === "GET") {
        const state = parsed.searchParams.get("state") ?? "open";
        const wanted = (parsed.searchParams.get("labels") ?? "").split(",").filter(Boolean);
        const perPage = Math.min(Number(parsed.searchParams.get("per_page") ?? 30), maxPerPage);
        const page = Number(parsed.searchParams.get("page") ?? 1);
        const all = issues.filter(
          (i) =>
            i.repo === repoPath &&
            (state === "all" || i.state === state) &&
            wanted.every((l) => (labels.get(`${repoPath}#${i.number}`) ?? []).includes(l)),
        );
        const links: string[] = [];
        if (page * perPage < all.length) {
          const u = new URL(parsed.pathname + parsed.search, url);
          u.searchParams.set("page", String(page + 1));
          links.push(`<${u.toString()}>; rel="next"`);
        }
        const slice = all.slice((page - 1) * perPage, page * perPage).map(issueJson);
        return send(200, slice, links.length ? { link: links.join(", ") } : {});
      }
      if (method === "POST") {
        if (typeof body.title !== "string" || body.title === "") return send(422, { message: "Validation Failed: title" });
        const issue: FakeIssue = {
          number: issues.length + 1,
          repo: repoPath,
          title: body.title,
          body: String(body.body ?? ""),
          state: "open",
          state_reason: null,
        };
        issues.push(issue);
        const given = Array.isArray(body.labels) ? (body.labels as string[]) : [];
        labels.set(`${repoPath}#${issue.number}`, [...given]);
        return send(201, issueJson(issue));
      }
    }
    if ((m = ISSUE_NUMBER_PATH.exec(parsed.pathname)) && method === "PATCH") {
      const issue = issues.find((i) => i.repo === `${m![1]}/${m![2]}` && i.number === Number(m![3]));
      if (!issue) return send(404, { message: "Not Found" });
      if (typeof body.title === "string") issue.title = body.title;
      if (typeof body.body === "string") issue.body = body.body;
      if (body.state === "open" || body.state === "closed") issue.state = body.state;
      if (typeof body.state_reason === "string") issue.state_reason = body.state_reason;
      return send(200, issueJson(issue));
    }
    if ((m = REPO_LABEL_PATH.exec(parsed.pathname)) && method === "GET") {
      const name = decodeURIComponent(m[3]!);
      if (!(repoLabels.get(`${m[1]}/${m[2]}`) ?? []).includes(name)) return send(404, { message: "Not Found" });
      return send(200, { name });
    }
    if ((m = REPO_LABELS_PATH.exec(parsed.pathname)) && method === "POST") {
      const repoPath = `${m[1]}/${m[2]}`;
      if (typeof body.name !== "string") return send(422, { message: "Validation Failed: name" });
      const list = repoLabels.get(repoPath) ?? [];
      if (list.includes(body.name)) return send(422, { message: "Validation Failed: already_exists" });
      repoLabels.set(repoPath, [...list, body.name]);
      return send(201, { name: body.name, color: body.color, description: body.description });
    }
    const pullJson = (p: FakePull) => ({
      number: p.number,
      state: p.state,
      title: p.title,
      body: p.body,
      head: { ref: p.head, label: `${p.repo.split("/")[0]}:${p.head}` },
      base: { ref: p.base },
      html_url: `https://github.com/${p.repo}/pull/${p.number}`,
    });
    if ((m = PULLS_PATH.exec(parsed.pathname))) {
      const repoPath = `${m[1]}/${m[2]}`;
      if (method === "GET") {
        const head = parsed.searchParams.get("head");
        const state = parsed.searchParams.get("state") ?? "open";
        const list = pulls.filter(
          (p) => p.repo === repoPath && (state === "all" || p.state === state) && (!head || `${m![1]}:${p.head}` === head),
        );
        return send(200, list.map(pullJson));
      }
      if (method === "POST") {
        if (typeof body.head !== "string" || typeof body.base !== "string" || typeof body.title !== "string")
          return send(422, { message: "Validation Failed" });
        const pull: FakePull = {
          number: pulls.length + 1,
          repo: repoPath,
          head: String(body.head).replace(/^[^:]+:/, ""),
          base: body.base,
          title: body.title,
          body: String(body.body ?? ""),
          state: "open",
        };
        pulls.push(pull);
        return send(201, pullJson(pull));
      }
    }
    if ((m = PULL_PATH.exec(parsed.pathname)) && method === "PATCH") {
      const pull = pulls.find((p) => p.repo === `${m![1]}/${m![2]}` && p.number === Number(m![3]));
      if (!pull) return send(404, { message: "Not Found" });
      if (typeof body.title === "string") pull.title = body.title;
      if (typeof body.body === "string") pull.body = body.body;
      return send(200, pullJson(pull));
    }
    return send(404, { message: `fake-github: no route for ${method} ${parsed.pathname}` });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: `fake-github: ${(error as Error).message}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    comments: (issue) => issueComments(issue).map((c) => ({ ...c })),
    addComment,
    labels: (issue) => [...(labels.get(issue) ?? [])],
    pulls: () => pulls.map((p) => ({ ...p })),
    issues: () => issues.map((i) => ({ ...i })),
    repoLabels: (repo) => [...(repoLabels.get(repo) ?? [])],
    setLabels: (issue, list) => void labels.set(issue, [...list]),
    fail: (method, path, status, message = "Server Error", times = 1) => void failures.push({ method, path, status, message, times }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
