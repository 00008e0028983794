import type { SimpleGit } from "simple-git";
import { formatField, PipelineError, type Problem } from "../../lib/errors.ts";
import { LedgerEntrySchema, type LedgerEntry } from "../../schemas/ledger-entry.schema.ts";
import { catBlobs } from "../cat-blobs.ts";
import type { LedgerRef } from "./find-ledger-ref.ts";

/** A file of a commit's tree, as `git ls-tree` lists it. */
export interface TreeEntry {
  mode: string;
  type: string;
  sha: string;
}

export interface Ledger {
  /** Every file of the ledger commit by path (`days/2026-06-01.json`, `rollups/date=2026-06-01.json`, `README.md`). */
  tree: Map<string, TreeEntry>;
  /** The day entries, by day. */
  entries: Map<string, LedgerEntry>;
}

const DAY_FILE = /^days\/(\d{4}-\d{2}-\d{2})\.json$/;

/** The ledger at `at`: its files and every `days/*.json` entry, checked against LedgerEntrySchema. */
export async function readLedger(git: SimpleGit, repo: string, at: LedgerRef): Promise<Ledger> {
  const tree = await listTree(git, at.commit);
  const days = [...tree].filter(([file, entry]) => entry.type === "blob" && DAY_FILE.test(file));
  const blobs = await catBlobs(
    repo,
    days.map(([, entry]) => entry.sha),
  );
  const entries = new Map<string, LedgerEntry>();
  const problems: Problem[] = [];
  for (const [i, [file]] of days.entries()) {
    const day = DAY_FILE.exec(file)![1]!;
    const where = `${at.name}:${file}`;
    let json: unknown;
    try {
      json = JSON.parse(blobs[i]!.toString("utf8"));
    } catch {
      problems.push({ file: where, message: "is not valid JSON" });
      continue;
    }
    const parsed = LedgerEntrySchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      problems.push({ file: where, field: formatField(issue.path), message: issue.message });
    } else if (parsed.data.date !== day)
      problems.push({ file: where, field: "date", message: `is ${parsed.data.date}, not the file's day ${day}` });
    else entries.set(day, parsed.data);
  }
  if (problems.length > 0)
    throw new PipelineError(
      problems.map((p) => ({
        ...p,
        hint: `the ledger branch was edited by something other than \`costs ledger record\`: fix or revert that commit of ${at.name}`,
      })),
    );
  return { tree, entries };
}

/** Every file of `commit`'s tree (`git ls-tree -r`). */
export async function listTree(git: SimpleGit, commit: string): Promise<Map<string, TreeEntry>> {
  const tree = new Map<string, TreeEntry>();
  for (const line of (await git.raw(["ls-tree", "-r", "-z", commit])).split("\0")) {
    if (!line) continue;
    const tab = line.indexOf("\t");
    const [mode, type, sha] = line.slice(0, tab).split(" ") as [string, string, string];
    tree.set(line.slice(tab + 1), { mode, type, sha });
  }
  return tree;
}
