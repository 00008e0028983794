import { displayPath, type Problem } from "./errors.ts";

/** An error from a Node file-system call: it has an errno `code` and the `syscall` that failed. */
export interface SystemError extends Error {
  code: string;
  syscall: string;
  path?: string;
  dest?: string;
}

/** File-system failures a person can cause (and fix): permissions, a full disk, a file where a folder should be … */
const REASONS: Record<string, { reason: string; hint: string }> = {
  EACCES: { reason: "permission denied", hint: "check the folder's permissions, or choose a path you can write to" },
  EPERM: { reason: "operation not permitted", hint: "check the folder's permissions, or choose a path you can write to" },
  EROFS: { reason: "read-only file system", hint: "choose a path on a writable file system" },
  ENOSPC: { reason: "no space left on the device", hint: "free some space and run again" },
  EDQUOT: { reason: "disk quota exceeded", hint: "free some space and run again" },
  ENOTDIR: { reason: "a part of the path is a file, not a folder", hint: "choose another path" },
  EISDIR: { reason: "is a folder", hint: "give a file name, not a folder" },
  EEXIST: {
    reason: "already exists (as a file where a folder is needed, or the reverse)",
    hint: "choose another path, or move what is there",
  },
  ENOTEMPTY: { reason: "folder not empty", hint: "move what is there, or choose another path" },
  EMFILE: { reason: "too many open files", hint: "raise the open-file limit (ulimit -n) and run again" },
  ENFILE: {
    reason: "too many open files on this system",
    hint: "close other programs or raise the system's open-file limit, and run again",
  },
  ENAMETOOLONG: { reason: "name too long", hint: "use a shorter path" },
  ELOOP: { reason: "too many levels of symbolic links", hint: "check the symbolic links on the path" },
  ENOENT: { reason: "no such file or folder", hint: "check the path" },
  EBUSY: { reason: "busy (in use by another program)", hint: "close the program using it and run again" },
};

const WRITES = new Set([
  "mkdir",
  "rename",
  "unlink",
  "rmdir",
  "rm",
  "link",
  "symlink",
  "copyfile",
  "cp",
  "chmod",
  "chown",
  "utime",
  "write",
  "ftruncate",
  "fsync",
  "mkdtemp",
]);

export function isSystemError(error: unknown): error is SystemError {
  return error instanceof Error && typeof (error as SystemError).code === "string" && typeof (error as SystemError).syscall === "string";
}

/** A file-system error's cause in words, e.g. `permission denied (EACCES)`; undefined for codes no person can act on. */
export function systemErrorReason(error: unknown): string | undefined {
  if (!isSystemError(error)) return undefined;
  const known = REASONS[error.code];
  return known ? `${known.reason} (${error.code})` : undefined;
}

/**
 * The one-line problem for a file-system error a person can cause, naming the path, e.g.
 * `cannot write to data/manifest.json: permission denied (EACCES)`; undefined otherwise
 * (then it is a defect, reported as an internal error).
 */
export function systemErrorProblem(error: unknown, cwd: string): Problem | undefined {
  if (!isSystemError(error)) return undefined;
  const known = REASONS[error.code];
  if (!known) return undefined;
  const shown = (p: string) => displayPath(p, cwd) || ".";
  const what = error.path === undefined ? "" : shown(error.path);
  const action =
    error.dest !== undefined && error.path !== undefined
      ? `cannot move ${what} to ${shown(error.dest)}`
      : WRITES.has(error.syscall)
        ? `cannot write to ${what}`
        : error.syscall === "open"
          ? `cannot open ${what}`
          : `cannot read ${what}`;
  return { message: `${error.path === undefined ? `${error.syscall} failed` : action}: ${known.reason} (${error.code})`, hint: known.hint };
}
