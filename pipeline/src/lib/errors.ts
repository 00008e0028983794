import path from "node:path";

/**
 * The one user-facing error type. Everything a person must act on (a broken config
 * file, a bad flag) is a PipelineError carrying one or more problems; `cli.ts` is the
 * only place that formats and prints them.
 */
export interface Problem {
  /** Path of the file at fault, relative to the working directory when possible. */
  file?: string;
  /** 1-based line in `file`. */
  line?: number;
  /** Dotted field path inside the file, e.g. `prices[2].effective_to`. */
  field?: string;
  message: string;
  /** How to fix it. */
  hint?: string;
  /** Warnings are listed but do not fail `validate`. */
  severity?: "error" | "warning";
}

export class PipelineError extends Error {
  readonly problems: Problem[];

  constructor(problems: Problem | Problem[] | string) {
    const list = typeof problems === "string" ? [{ message: problems }] : Array.isArray(problems) ? problems : [problems];
    super(list.map(formatProblem).join("\n"));
    this.name = "PipelineError";
    this.problems = list;
  }
}

/** `file:line field: message` plus an indented hint line. */
export function formatProblem(problem: Problem): string {
  const where = problem.file ? `${problem.file}${problem.line ? `:${problem.line}` : ""}` : "";
  const head = [where, problem.field].filter(Boolean).join(" ");
  const text = head ? `${head}: ${problem.message}` : problem.message;
  return problem.hint ? `${text}\n  hint: ${problem.hint}` : text;
}

/** `a.b[2].c` from a path of keys and indexes. */
export function formatField(path: ReadonlyArray<string | number | symbol>): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** A path as people (and output files) should see it: relative to `cwd` with `/` when inside it, else absolute. */
export function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative.split(path.sep).join("/") : file;
}

/** Problems in a stable order: by file, then line. */
export function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => (a.file ?? "").localeCompare(b.file ?? "") || (a.line ?? 0) - (b.line ?? 0));
}

/** Throws every error-severity problem at once; warnings pass. */
export function throwOnErrors(problems: Problem[]): void {
  const errors = problems.filter((p) => p.severity !== "warning");
  if (errors.length > 0) throw new PipelineError(errors);
}
