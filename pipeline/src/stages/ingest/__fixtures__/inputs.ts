import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { parquetWriteBuffer } from "hyparquet-writer";
import { writeTempTree } from "../../../../test/temp-dir.ts";

/** Writes text or binary input files under a fresh temp folder (removed after the test file). */
export async function writeInputs(files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = await writeTempTree({});
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  return dir;
}

/** Gzip bytes of `content`; `cut` drops that many bytes from the end (a truncated download). */
export function gzip(content: string | Uint8Array, cut = 0): Uint8Array {
  const bytes = gzipSync(content);
  return cut > 0 ? bytes.subarray(0, bytes.length - cut) : bytes;
}

/** Every item of an async generator, in order. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** A TrueFoundry Parquet export of two spans of one trace: a priced call, then its virtual-model parent. */
export function truefoundryParquet(): Uint8Array {
  return new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: "TraceId", data: ["t1", "t1"], type: "STRING" },
        { name: "SpanId", data: ["s1", "s2"], type: "STRING" },
        { name: "CreatedAt", data: [new Date(Date.UTC(2026, 2, 1, 9)), new Date(Date.UTC(2026, 2, 1, 9))], type: "TIMESTAMP" },
        { name: "ModelName", data: ["openai-main/gpt-4o", null], type: "STRING" },
        { name: "VirtualModelName", data: [null, "router/smart"], type: "STRING" },
        { name: "InputTokens", data: [1200n, 1200n], type: "INT64" },
        { name: "OutputTokens", data: [30n, 30n], type: "INT64" },
        { name: "CostInUSD", data: [0.0033, 0.0033], type: "DOUBLE" },
        { name: "Metadata", data: [{ env: "prod" }, null], type: "JSON" },
        { name: "Teams", data: [["payments"], ["payments"]] },
        { name: "CreatedBySubjectType", data: ["User", "User"], type: "STRING" },
        { name: "LatencyMs", data: [120.5, 130], type: "DOUBLE" },
      ],
    }),
  );
}
