import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { simpleGit, type SimpleGit } from "simple-git";
import type { TreeEntry } from "./read-ledger.ts";

export interface LedgerCommit {
  /** The commit the new one follows; none for the first commit of the branch (an orphan). */
  parent?: string;
  /** The parent's files, kept unless `files` replaces them. */
  tree: Map<string, TreeEntry>;
  /** Files to write (path → bytes). */
  files: Map<string, Buffer>;
  message: string;
}

/**
 * Writes a commit with git's plumbing only (`hash-object`, `mktree`, `commit-tree`): the
 * repository's working tree, index, HEAD and branches are not touched (the caller moves the
 * ledger branch). `git` carries the commit identity. Blobs are written without the
 * repository's filters (`.gitattributes`), so the ledger holds the bytes given.
 */
export async function writeLedgerCommit(git: SimpleGit, repo: string, commit: LedgerCommit): Promise<string> {
  const tree = new Map(commit.tree);
  const files = [...commit.files];
  const shas = await hashObjects(
    repo,
    files.map(([, bytes]) => bytes),
  );
  for (const [i, [file]] of files.entries()) tree.set(file, { mode: "100644", type: "blob", sha: shas[i]! });
  const root = await makeTree(repo, tree);
  const parents = commit.parent ? ["-p", commit.parent] : [];
  return (await git.raw(["commit-tree", root, ...parents, "-m", commit.message])).trim();
}

/** Writes each buffer as a blob (one `git hash-object -w --stdin-paths` process); their ids, in order. */
async function hashObjects(repo: string, contents: Buffer[]): Promise<string[]> {
  if (contents.length === 0) return [];
  const dir = await mkdtemp(path.join(tmpdir(), "costs-ledger-blobs-"));
  try {
    const files = contents.map((_, i) => path.join(dir, `${i}`));
    await Promise.all(files.map((file, i) => writeFile(file, contents[i]!)));
    const out = await withInput(repo, `${files.join("\n")}\n`).raw(["hash-object", "-w", "--no-filters", "--stdin-paths"]);
    const shas = out.split("\n").filter(Boolean);
    if (shas.length !== contents.length) throw new Error(`git hash-object wrote ${shas.length} of ${contents.length} blobs`);
    return shas;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The tree object of `files` (path → entry), built folder by folder with `git mktree`. */
async function makeTree(repo: string, files: Map<string, TreeEntry>): Promise<string> {
  const here = new Map<string, TreeEntry>();
  const folders = new Map<string, Map<string, TreeEntry>>();
  for (const [file, entry] of files) {
    const slash = file.indexOf("/");
    if (slash < 0) here.set(file, entry);
    else {
      const folder = file.slice(0, slash);
      if (!folders.has(folder)) folders.set(folder, new Map());
      folders.get(folder)!.set(file.slice(slash + 1), entry);
    }
  }
  for (const [folder, inside] of folders) here.set(folder, { mode: "040000", type: "tree", sha: await makeTree(repo, inside) });
  const listing = [...here].map(([name, e]) => `${e.mode} ${e.type} ${e.sha}\t${name}\0`).join("");
  return (await withInput(repo, listing).raw(["mktree", "-z"])).trim();
}

/** simple-git on `repo` writing `input` to the standard input of the command it runs. */
function withInput(repo: string, input: string): SimpleGit {
  return simpleGit({ baseDir: repo, input: () => input });
}
