import { execFile } from "node:child_process";
import { promisify } from "node:util";

/** Runs git in `cwd` as a test identity (real repositories in temp folders); returns its trimmed stdout. */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: "Test",
    GIT_AUTHOR_EMAIL: "test@example.com",
    GIT_COMMITTER_NAME: "Test",
    GIT_COMMITTER_EMAIL: "test@example.com",
  };
  return (await promisify(execFile)("git", args, { cwd, env, maxBuffer: 64 << 20 })).stdout.trim();
}
