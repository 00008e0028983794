import { lstat } from "node:fs/promises";
import path from "node:path";
import { displayPath, PipelineError } from "../lib/errors.ts";
import { isSystemError } from "../lib/system-error.ts";
import { checkManifest } from "./check-manifest.ts";
import { JOURNAL_FILE, readJournal } from "./journal.ts";
import { inspectLock, lockOutputs, OutputsNotWritable, THIS_HOST, type HeldLock, type LockOptions } from "./output-lock.ts";
import { describeRepair, repairOutputs } from "./repair-outputs.ts";

export type ReadOptions = LockOptions;

/**
 * How a command reads an output folder (`costs extract`, `costs site-data`, `costs diff
 * --usage`): `read` runs only on committed outputs, and its result is used only if no
 * commit happened while it ran.
 *
 *   1. An unfinished commit (`.commit.json`) whose writer is alive: fail, "a run is
 *      committing into OUT"; whose writer is dead: complete it under the folder's lock
 *      (repair-outputs.ts), or fail saying to rerun `costs run` when the folder is not
 *      writable.
 *   2. `manifest.json` must describe the files present (check-manifest.ts).
 *   3. `read`; then if a journal appeared or `manifest.json` was replaced meanwhile, fail
 *      ("a run committed into OUT while reading it"): what was read may mix two runs.
 */
export async function readOutputs<T>(out: string, options: ReadOptions, read: () => Promise<T>): Promise<T> {
  const shown = displayPath(out, options.cwd) || ".";
  await completeCommit(out, shown, options);
  const before = await generation(out);
  let result: T;
  try {
    await checkManifest(out, shown);
    result = await read();
  } catch (error) {
    if ((await generation(out)) !== before) throw committedMeanwhile(shown);
    throw error;
  }
  if ((await generation(out)) !== before) throw committedMeanwhile(shown);
  return result;
}

async function completeCommit(out: string, shown: string, options: ReadOptions): Promise<void> {
  const journal = await readJournal(out);
  if (!journal) return;
  const host = options.host ?? THIS_HOST;
  const state = await inspectLock(out, options.now, host);
  if (state?.live) {
    throw new PipelineError({
      message: `a run is committing into ${shown} (${state.description}); try again when it finishes`,
      hint: `if no such run is going on (the process is gone or is another program), remove ${shown}/.lock and run this again`,
    });
  }
  let lock: HeldLock;
  try {
    lock = await lockOutputs(out, { ...options, host });
  } catch (error) {
    if (!(error instanceof OutputsNotWritable)) throw error;
    throw new PipelineError({
      message: `${shown} holds the unfinished commit of a run that stopped (pid ${journal.pid}), which this command cannot complete: ${error.reason}`,
      hint: `run \`costs run\` again as a user who can write to ${shown}: it completes the commit first`,
    });
  }
  try {
    const line = describeRepair(await repairOutputs(out), shown);
    if (line) options.onWarning?.(line);
  } finally {
    await lock.release();
  }
}

/** Changes when a commit starts (the journal appears) or ends (a new manifest.json is renamed in). */
async function generation(out: string): Promise<string> {
  const journal = (await stamp(path.join(out, JOURNAL_FILE))) !== "none";
  return `${journal ? "committing" : "idle"} ${await stamp(path.join(out, "manifest.json"))}`;
}

async function stamp(file: string): Promise<string> {
  try {
    const s = await lstat(file, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}`;
  } catch (error) {
    if (isSystemError(error) && (error.code === "ENOENT" || error.code === "ENOTDIR")) return "none";
    throw error;
  }
}

function committedMeanwhile(shown: string): PipelineError {
  return new PipelineError({
    message: `a run committed new outputs into ${shown} while this command read it`,
    hint: "run this command again",
  });
}
