import { Worker } from "node:worker_threads";
import type { ChunkResult } from "./chunk-processor.ts";
import type { ChunkTask, WorkerReply, WorkerSetup } from "./chunk-worker.ts";

export interface TaskResult {
  result: ChunkResult;
  ignored: string[];
  suspects: string[];
  /** The price fields the chunk had values for (CompiledPreset.suppliedPriceFields). */
  supplied: number;
  ms: { parse: number };
}

/**
 * Worker threads that parse and price JSON Lines chunks. Tasks go to the least busy
 * thread; callers merge results in their own order (run.ts: input order), so which
 * thread did what never shows in the output.
 */
export class ThreadPool {
  private readonly busy: number[];
  private readonly waiting = new Map<number, { resolve: (r: TaskResult) => void; reject: (e: Error) => void }>();
  private failure: Error | undefined;
  /** The pricing version each thread loaded. */
  readonly versions: string[] = [];

  private constructor(private readonly workers: Worker[]) {
    this.busy = workers.map(() => 0);
  }

  /** Starts `threads` workers and waits until each has loaded the pricing and policies. */
  static async start(threads: number, setup: WorkerSetup): Promise<ThreadPool> {
    const workers = Array.from({ length: threads }, () => new Worker(new URL("./worker-entry.js", import.meta.url), { workerData: setup }));
    const pool = new ThreadPool(workers);
    try {
      await Promise.all(workers.map((worker, i) => pool.listen(worker, i)));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  private listen(worker: Worker, index: number): Promise<void> {
    return new Promise((ready, fail) => {
      worker.on("message", (reply: WorkerReply) => {
        if (reply.type === "ready") {
          this.versions[index] = reply.pricingVersion;
          return ready();
        }
        if (reply.type === "error") {
          const error = new Error(`worker thread ${index + 1}: ${reply.message}`);
          if (reply.id === undefined) return fail(error);
          this.settle(index, reply.id, (w) => w.reject(error));
          return;
        }
        this.settle(index, reply.id, (w) =>
          w.resolve({ result: reply.result, ignored: reply.ignored, suspects: reply.suspects, supplied: reply.supplied, ms: reply.ms }),
        );
      });
      worker.on("error", (error) => {
        this.failure = error;
        fail(error);
        for (const w of this.waiting.values()) w.reject(error);
        this.waiting.clear();
      });
    });
  }

  private settle(index: number, id: number, action: (w: { resolve: (r: TaskResult) => void; reject: (e: Error) => void }) => void): void {
    this.busy[index]!--;
    const waiter = this.waiting.get(id);
    this.waiting.delete(id);
    if (waiter) action(waiter);
  }

  run(task: ChunkTask): Promise<TaskResult> {
    if (this.failure) return Promise.reject(this.failure);
    let best = 0;
    for (let i = 1; i < this.busy.length; i++) if (this.busy[i]! < this.busy[best]!) best = i;
    this.busy[best]!++;
    return new Promise((resolve, reject) => {
      this.waiting.set(task.id, { resolve, reject });
      this.workers[best]!.postMessage(task, [task.bytes.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
