import { spawn } from "node:child_process";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { simpleGit } from "simple-git";
import { PipelineError } from "../lib/errors.ts";

/**
 * Writes the files under `paths` (e.g. pricing/, policies/) as they are at `ref` into a
 * fresh temp folder, so the normal loaders can read them. simple-git resolves the ref and
 * lists the tree; one `git cat-file --batch` reads every blob.
 */
export async function readTreeAtRef(repo: string, ref: string, paths: string[]): Promise<{ dir: string; commit: string }> {
  const git = simpleGit({ baseDir: repo });
  let commit: string;
  try {
    commit = (await git.revparse([`${ref}^{commit}`])).trim();
  } catch {
    throw new PipelineError({
      message: `unknown git ref \`${ref}\` in ${repo}`,
      hint: "fetch it first (CI checkouts are shallow: `git fetch --no-tags --depth=1 origin <base-branch>`), or pass a commit",
    });
  }
  const listing = await git.raw(["ls-tree", "-r", "-z", commit, "--", ...paths]);
  const blobs = listing
    .split("\0")
    .filter(Boolean)
    .map((entry) => {
      const [meta, file] = entry.split("\t");
      const [, type, sha] = meta!.split(" ");
      return { type, sha: sha!, file: file! };
    })
    .filter((b) => b.type === "blob");
  const dir = await mkdtemp(path.join(tmpdir(), `costs-ref-${commit.slice(0, 8)}-`));
  const contents = await catBlobs(
    repo,
    blobs.map((b) => b.sha),
  );
  for (const [i, blob] of blobs.entries()) {
    const target = path.join(dir, blob.file);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, contents[i]!);
  }
  return { dir, commit };
}

/** Reads blobs through one `git cat-file --batch` process. */
function catBlobs(repo: string, shas: string[]): Promise<Buffer[]> {
  if (shas.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["cat-file", "--batch"], { cwd: repo, stdio: ["pipe", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`git cat-file exited with ${code}`));
      const all = Buffer.concat(chunks);
      const out: Buffer[] = [];
      let at = 0;
      for (let i = 0; i < shas.length; i++) {
        const newline = all.indexOf(10, at);
        const header = all.subarray(at, newline).toString();
        const size = Number(header.split(" ")[2]);
        out.push(all.subarray(newline + 1, newline + 1 + size));
        at = newline + 1 + size + 1;
      }
      resolve(out);
    });
    child.stdin.end(`${shas.join("\n")}\n`);
  });
}
