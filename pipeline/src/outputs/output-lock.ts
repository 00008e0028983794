import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { link, mkdir, open, readFile, rename, stat, unlink } from "node:fs/promises";
import path from "node:path";
import { displayPath, PipelineError } from "../lib/errors.ts";
import { isSystemError, systemErrorReason } from "../lib/system-error.ts";
import { OutputLockSchema, type OutputLock } from "../schemas/output-lock.schema.ts";

/**
 * One writer per output folder: `<out>/.lock` (schemas/output-lock.schema.ts), created
 * with O_EXCL, names the process holding it. A holder that is alive (same host name, pid
 * running) makes the next writer fail with "another run is writing to OUT"; a holder that
 * died (SIGKILL, power cut) leaves a stale lock, which the next writer takes over with a
 * warning. The holder removes it when done (`release`, in a `finally`).
 *
 * Liveness is judged on this machine: a lock from another host name is taken as live.
 */
export const LOCK_FILE = ".lock";

/** A lock being written (empty or partial) is taken as live for this long. */
const FRESH_MS = 10_000;

/** This process and how to tell whether a process id is running (injected in tests). */
export interface Host {
  pid: number;
  hostname: string;
  isAlive(pid: number): boolean;
}

export const THIS_HOST: Host = {
  pid: process.pid,
  hostname: hostname(),
  isAlive(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === "EPERM"; // running, as another user
    }
  },
};

export interface LockOptions {
  /** For messages: the folder is shown relative to it. */
  cwd: string;
  now: () => Date;
  /** What takes the lock, e.g. `costs run`. */
  command: string;
  onWarning?: (message: string) => void;
  host?: Host;
}

export interface HeldLock {
  holder: OutputLock;
  /** Removes the lock if it is still this one. Never throws. */
  release(): Promise<void>;
}

/** What `<out>/.lock` says: its holder (when readable) and whether that holder may still be writing. */
export interface LockState {
  text: string;
  holder?: OutputLock;
  live: boolean;
  /** e.g. `pid 123, started 2026-07-01T02:00:00.000Z` */
  description: string;
}

/** The output folder cannot be written (permissions, read-only file system, a file on the path …). */
export class OutputsNotWritable extends PipelineError {
  constructor(
    readonly shown: string,
    readonly reason: string,
  ) {
    super({ message: `cannot write to ${shown}: ${reason}`, hint: "choose an output folder you can write to, or fix its permissions" });
  }
}

export async function lockOutputs(out: string, options: LockOptions): Promise<HeldLock> {
  const host = options.host ?? THIS_HOST;
  const shown = displayPath(out, options.cwd) || ".";
  const file = path.join(out, LOCK_FILE);
  const holder: OutputLock = {
    pid: host.pid,
    hostname: host.hostname,
    started_at: options.now().toISOString(),
    command: options.command,
    token: randomBytes(8).toString("hex"),
  };
  const text = `${JSON.stringify(holder)}\n`;
  try {
    await mkdir(out, { recursive: true });
    for (let attempt = 0; attempt < 5; attempt++) {
      if (await create(file, text)) return { holder, release: () => release(file, text) };
      const state = await inspectLock(out, options.now, host);
      if (state === undefined) continue; // released meanwhile
      if (state.live) {
        throw new PipelineError({
          message: `another run is writing to ${shown} (${state.description})`,
          hint: `wait for it to finish and run again; if no such run is going on (the process is gone or is another program), remove ${shown}/${LOCK_FILE}`,
        });
      }
      if (await takeOver(file, state.text, host)) {
        options.onWarning?.(`${shown}: taking over the lock of a run that is no longer running (${state.description})`);
      }
    }
  } catch (error) {
    const reason = systemErrorReason(error);
    if (reason !== undefined && (error as NodeJS.ErrnoException).code !== "ENOENT") throw new OutputsNotWritable(shown, reason);
    throw error;
  }
  throw new PipelineError({
    message: `could not lock ${shown}: its lock keeps changing`,
    hint: "another program is writing there; run again when it is done",
  });
}

/** The state of `<out>/.lock`; undefined when there is none. */
export async function inspectLock(out: string, now: () => Date, host: Host = THIS_HOST): Promise<LockState | undefined> {
  const file = path.join(out, LOCK_FILE);
  let text: string;
  let modified: number;
  try {
    text = await readFile(file, "utf8");
    modified = (await stat(file)).mtimeMs;
  } catch (error) {
    if (isSystemError(error) && error.code === "ENOENT") return undefined;
    throw error;
  }
  const parsed = parseLock(text);
  if (!parsed) {
    // Being written right now, or the remains of a crash while writing it.
    const live = now().getTime() - modified < FRESH_MS;
    return { text, live, description: live ? "its lock is being written" : "unreadable lock" };
  }
  const local = parsed.hostname === host.hostname;
  const live = !local || host.isAlive(parsed.pid);
  return {
    text,
    holder: parsed,
    live,
    description: `pid ${parsed.pid}${local ? "" : ` on ${parsed.hostname}`}, started ${parsed.started_at}`,
  };
}

function parseLock(text: string): OutputLock | undefined {
  try {
    const result = OutputLockSchema.safeParse(JSON.parse(text));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

/** Creates the lock file with `text`; false when one exists. */
async function create(file: string, text: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, "wx");
  } catch (error) {
    if (isSystemError(error) && error.code === "EEXIST") return false;
    throw error;
  }
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
  return true;
}

/**
 * Removes a stale lock whose content is `stale`. It is renamed aside first and checked: if
 * another process replaced it in between (its own fresh lock), that one is put back.
 */
async function takeOver(file: string, stale: string, host: Host): Promise<boolean> {
  const aside = `${file}.stale-${host.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await rename(file, aside);
  } catch (error) {
    if (isSystemError(error) && error.code === "ENOENT") return false;
    throw error;
  }
  const moved = await readFile(aside, "utf8");
  if (moved !== stale) await link(aside, file).catch(() => {});
  await unlink(aside);
  return moved === stale;
}

async function release(file: string, text: string): Promise<void> {
  try {
    if ((await readFile(file, "utf8")) === text) await unlink(file);
  } catch {
    // Gone already, or the folder became unwritable: a lock left behind is stale once this process ends.
  }
}
