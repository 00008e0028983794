/**
 * `node --import tsx pipeline/test/run-with-commit-hook.ts '<json>'`: a real `costs run`
 * process (run() of pipeline/src/run.ts, the project's pricing/ and policies/) that signals
 * itself at one step of its commit, for tests that need a writer to die or stop there
 * (commit-kill.test.ts, concurrent-runs.test.ts). The JSON:
 *   { out, logs: string[], since?, until?, at?: step number, signal?: "SIGKILL" | "SIGSTOP" }
 * Each step is printed on stdout as `step <n> <what>` as it happens (before the signal).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { writeSync } from "node:fs";
import path from "node:path";
import { run } from "../src/run.ts";

export interface HookedRun {
  out: string;
  logs: string[];
  since?: string;
  until?: string;
  at?: number;
  signal?: "SIGKILL" | "SIGSTOP";
}

const ROOT = path.resolve(import.meta.dirname, "../..");

export interface StartedRun {
  child: ChildProcess;
  /** The steps printed so far. */
  steps: string[];
  /** Resolves once step `n` is printed (the process signals itself right after). */
  reached(n: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** Starts this script in a child process. */
export function startHookedRun(args: HookedRun): StartedRun {
  const child = spawn(process.execPath, ["--import", "tsx", import.meta.filename, JSON.stringify(args)], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const steps: string[] = [];
  const waiting: Array<{ n: number; resolve: () => void }> = [];
  let buffered = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (text: string) => {
    buffered += text;
    for (let at = buffered.indexOf("\n"); at >= 0; at = buffered.indexOf("\n")) {
      steps.push(buffered.slice(0, at).replace(/^step /, ""));
      buffered = buffered.slice(at + 1);
    }
    for (const w of waiting.filter((w) => steps.length > w.n)) w.resolve();
  });
  child.stderr!.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stderr })),
  );
  const reached = (n: number) =>
    new Promise<void>((resolve, reject) => {
      if (steps.length > n) return resolve();
      waiting.push({ n, resolve });
      void exited.then(({ code, signal, stderr }) => reject(new Error(`the run ended (${signal ?? code}) before step ${n}: ${stderr}`)));
    });
  return { child, steps, reached, exited };
}

if (process.argv[1] === import.meta.filename) {
  const args = JSON.parse(process.argv[2]!) as HookedRun;
  await run({
    logs: args.logs,
    pricingDir: "pricing",
    policiesDir: "policies",
    out: args.out,
    since: args.since,
    until: args.until,
    cwd: ROOT,
    now: () => new Date(),
    onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
    onCommitStep: (step, what) => {
      writeSync(1, `step ${step} ${what}\n`);
      if (step === args.at) process.kill(process.pid, args.signal ?? "SIGKILL");
    },
  });
}
