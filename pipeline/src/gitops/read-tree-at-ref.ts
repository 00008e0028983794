import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { simpleGit } from "simple-git";
import { PipelineError } from "../lib/errors.ts";
import { catBlobs } from "./cat-blobs.ts";

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
