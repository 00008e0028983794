/**
 * Runs one child process and measures it the same way for every job of the benchmark:
 * - wall time: from spawn to exit, in the parent (`performance.now()`);
 * - peak memory: `VmHWM` of `/proc/<pid>/status` (the kernel's high-water mark of the
 *   process's resident set, all threads included), read every 20 ms until exit; the last
 *   value read is the peak. Growth in the final < 20 ms before exit can be missed. Where
 *   /proc is absent (not Linux) the peak is null;
 * - CPU time: user + system time of all its threads (`/proc/<pid>/stat`), read the same way.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";

export const PEAK_RSS_METHOD = "VmHWM of /proc/<pid>/status, polled every 20 ms until exit";

export interface ChildResult {
  /** Exit code; null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  wallMs: number;
  peakRssBytes: number | null;
  /** User + system CPU time of the process, all threads; null without /proc. */
  cpuMs: number | null;
  stdout: string;
  stderr: string;
}

export interface ChildOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Copy the child's stderr to ours as it comes (progress), besides keeping it. */
  echoStderr?: boolean;
}

/** Spawns `command args` (no shell) and resolves when it exits; rejects only when it cannot start. */
export function measureChild(command: string, args: readonly string[], options: ChildOptions): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let peak: number | null = null;
    let cpuMs: number | null = null;
    child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      stderr += text;
      if (options.echoStderr) process.stderr.write(text);
    });
    const poll = () => {
      if (child.pid === undefined) return;
      const hwm = readHighWaterMark(child.pid);
      if (hwm !== null) peak = hwm;
      const cpu = readCpuMs(child.pid);
      if (cpu !== null) cpuMs = cpu;
    };
    poll();
    const timer = setInterval(poll, 20);
    child.on("error", (error) => {
      clearInterval(timer);
      reject(new Error(`could not start ${command}: ${error.message}`));
    });
    let wallMs = 0;
    child.on("exit", () => {
      wallMs = performance.now() - started;
      clearInterval(timer);
    });
    // "close" follows "exit" once stdout and stderr are drained.
    child.on("close", (code, signal) => resolve({ code, signal, wallMs, peakRssBytes: peak, cpuMs, stdout, stderr }));
  });
}

/** VmHWM in bytes, or null when the process is gone or /proc is unavailable. */
export function readHighWaterMark(pid: number): number | null {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** utime + stime of /proc/<pid>/stat in milliseconds, or null when the process is gone. */
export function readCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / USER_HZ : null;
  } catch {
    return null;
  }
}
