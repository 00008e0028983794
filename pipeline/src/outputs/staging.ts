import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { PipelineError } from "../lib/errors.ts";
import { systemErrorReason } from "../lib/system-error.ts";
import { removeJournal, writeJournal } from "./journal.ts";
import { THIS_HOST, type Host } from "./output-lock.ts";
import { repairOutputs, type Repair } from "./repair-outputs.ts";
import { rollForward } from "./roll-forward.ts";
import { syncTree } from "./sync-to-disk.ts";

/** A test hook, called after each step of a commit (numbered from 0), e.g. to kill the process there. */
export type OnCommitStep = (step: number, what: string) => void;

/**
 * Outputs are written under `<out>/.staging-<id>/` and committed into `out` with a
 * manifest-last journal protocol (docs/pipeline.md, "Committing outputs"):
 *
 *   0 `staged`           everything is written and fsynced in the staging folder
 *   1 `journal`          `<out>/.commit.json` lists the staging and trash folders and the
 *                        paths to move, in order, `manifest.json` last: the commit point
 *   … `trash P`/`move P` each path P: the old one renamed into `<out>/.trash-<id>/`, the
 *                        staged one renamed in (roll-forward.ts)
 *   · `journal removed`  the commit is complete
 *   · `trash removed`, `staging removed`
 *
 * A writer that dies before the journal leaves the previous outputs as they were; one that
 * dies after it leaves a journal, and whoever next holds the folder's lock completes the
 * renames (repair-outputs.ts) before anything else. Old outputs are deleted only once the
 * journal is gone. Hold the folder's lock (output-lock.ts) from `open` to the end.
 */
export class Staging {
  readonly dir: string;
  private readonly trash: string;
  /** Set once the journal exists: from then on the commit is completed, never discarded. */
  private committing = false;

  constructor(
    readonly out: string,
    id: string,
    private readonly onStep: OnCommitStep = () => {},
    private readonly host: Pick<Host, "pid" | "hostname"> = THIS_HOST,
  ) {
    this.dir = path.join(out, `.staging-${id}`);
    this.trash = path.join(out, `.trash-${id}`);
  }

  /** Completes or clears what earlier writers left (under the lock), then creates the staging folder. */
  async open(): Promise<Repair> {
    const repair = await repairOutputs(this.out);
    await mkdir(this.dir, { recursive: true });
    return repair;
  }

  path(...parts: string[]): string {
    return path.join(this.dir, ...parts);
  }

  /** Moves each staged relative path into `out`, replacing what was there; `manifest.json` last. */
  async commit(relativePaths: string[]): Promise<void> {
    const paths = [...relativePaths.filter((p) => p !== "manifest.json"), ...relativePaths.filter((p) => p === "manifest.json")];
    let step = 0;
    const done = (what: string) => this.onStep(step++, what);

    await syncTree(this.dir);
    done("staged");
    const journal = {
      journal_version: 1 as const,
      pid: this.host.pid,
      hostname: this.host.hostname,
      staging: path.basename(this.dir),
      trash: path.basename(this.trash),
      paths,
    };
    await writeJournal(this.out, journal);
    this.committing = true;
    done("journal");
    try {
      await rollForward(this.out, journal, done);
      await removeJournal(this.out);
    } catch (error) {
      const reason = systemErrorReason(error);
      if (reason === undefined) throw error;
      throw new PipelineError({
        file: this.out,
        message: `could not finish moving the new outputs in: ${(error as Error).message}`,
        hint: "fix the cause, then run `costs run` again (or any command that reads this folder): it completes the move recorded in .commit.json first",
      });
    }
    this.committing = false;
    done("journal removed");
    await rm(this.trash, { recursive: true, force: true });
    done("trash removed");
    await rm(this.dir, { recursive: true, force: true });
    done("staging removed");
  }

  /** Removes the staging folder of a run that failed before its commit point; after it, leaves everything for repair. */
  async discard(): Promise<void> {
    if (this.committing) return;
    await rm(this.dir, { recursive: true, force: true });
  }
}
