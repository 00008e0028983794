/**
 * The body of a `costs run` worker thread: loads the same pricing and policies as the
 * main thread and reports the pricing version they hash to (run.ts checks it is the main
 * thread's, so a file edited during the run cannot price part of it differently), then
 * turns each JSON Lines chunk it is
 * sent into a ChunkResult, transferring the column buffers back.
 */
import path from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import { loadRunConfig } from "./load-run-config.ts";
import type { ColumnMapping, PresetName } from "../schemas/column-mapping.schema.ts";
import { ChunkProcessor, type ChunkResult } from "./chunk-processor.ts";
import { parseJsonlChunk, presetCache } from "./parse-jsonl-chunk.ts";
import { transferablesOf } from "./segment-builder.ts";

export interface WorkerSetup {
  pricingDir: string;
  policiesDir: string;
  since?: string;
  until?: string;
}

export interface ChunkTask {
  id: number;
  /** The file as written to rejects and `source_file`; also keys the preset's column memory. */
  file: string;
  preset: PresetName | ColumnMapping;
  bytes: Uint8Array;
  firstLine: number;
}

export type WorkerReply =
  | { type: "ready"; pricingVersion: string }
  | { type: "result"; id: number; result: ChunkResult; ignored: string[]; suspects: string[]; supplied: number; ms: { parse: number } }
  | { type: "error"; id?: number; message: string; stack?: string };

const setup = workerData as WorkerSetup;
const port = parentPort!;

async function start(): Promise<ChunkProcessor> {
  // The main thread compares the pricing version each thread reports with its own.
  const { book, policies, pricingVersion } = await loadRunConfig(setup.pricingDir, setup.policiesDir);
  return new ChunkProcessor({
    book,
    policies,
    refBase: path.dirname(setup.pricingDir),
    pricingVersion,
    since: setup.since,
    until: setup.until,
  });
}

try {
  const processor = await start();
  const presetFor = presetCache();
  port.on("message", (task: ChunkTask) => {
    try {
      const preset = presetFor(task.file, task.preset);
      const t = performance.now();
      parseJsonlChunk(task.bytes, task.firstLine, task.file, preset, processor);
      const parse = performance.now() - t;
      const result = processor.take();
      const transfer: ArrayBuffer[] = [
        result.hashes.buffer as ArrayBuffer,
        result.outcome.buffer as ArrayBuffer,
        result.position.buffer as ArrayBuffer,
      ];
      for (const segment of result.segments) {
        transfer.push(...transferablesOf(segment.columns));
        transfer.push(
          segment.rollup.keys.buffer as ArrayBuffer,
          segment.rollup.counts.buffer as ArrayBuffer,
          segment.rollup.groupOf.buffer as ArrayBuffer,
          segment.depends.buffer as ArrayBuffer,
        );
      }
      const reply: WorkerReply = {
        type: "result",
        id: task.id,
        result,
        ignored: preset.ignoredColumns(),
        suspects: preset.suspectColumns(),
        supplied: preset.suppliedPriceFields(),
        ms: { parse },
      };
      port.postMessage(reply, transfer);
    } catch (error) {
      port.postMessage({
        type: "error",
        id: task.id,
        message: (error as Error).message,
        stack: (error as Error).stack,
      } satisfies WorkerReply);
    }
  });
  port.postMessage({ type: "ready", pricingVersion: processor.pricingVersion } satisfies WorkerReply);
} catch (error) {
  port.postMessage({ type: "error", message: (error as Error).message, stack: (error as Error).stack } satisfies WorkerReply);
}
