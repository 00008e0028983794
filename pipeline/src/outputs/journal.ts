import { open, readFile, rename, unlink } from "node:fs/promises";
import path from "node:path";
import { formatField, PipelineError } from "../lib/errors.ts";
import { isSystemError } from "../lib/system-error.ts";
import { CommitJournalSchema, type CommitJournal } from "../schemas/commit-journal.schema.ts";
import { syncDir } from "./sync-to-disk.ts";

/** `<out>/.commit.json`: present exactly while a commit is under way (schemas/commit-journal.schema.ts). */
export const JOURNAL_FILE = ".commit.json";

/** Writes the journal whole (a temporary file, fsynced, renamed): from then on the commit will be completed. */
export async function writeJournal(out: string, journal: CommitJournal): Promise<void> {
  const file = path.join(out, JOURNAL_FILE);
  const temporary = `${file}.${journal.pid}.tmp`;
  const handle = await open(temporary, "w");
  try {
    await handle.writeFile(`${JSON.stringify(journal, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
  await syncDir(out);
}

/** The journal of an unfinished commit in `out`, if any. */
export async function readJournal(out: string): Promise<CommitJournal | undefined> {
  const file = path.join(out, JOURNAL_FILE);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if (isSystemError(error) && (error.code === "ENOENT" || error.code === "ENOTDIR")) return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw corrupt(file, "is not valid JSON");
  }
  const result = CommitJournalSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw corrupt(file, `${formatField(issue.path) || "journal"}: ${issue.message}`);
  }
  return result.data;
}

/** The commit is complete: the renames it made are on disk before the journal goes. */
export async function removeJournal(out: string): Promise<void> {
  await unlink(path.join(out, JOURNAL_FILE));
  await syncDir(out);
}

function corrupt(file: string, message: string): PipelineError {
  return new PipelineError({
    file,
    message: `unfinished-commit journal ${message}`,
    hint: "it was not written by costs; move it away, then run `costs run` again over the logs of the days you need",
  });
}
