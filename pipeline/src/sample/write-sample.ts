import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { constants, createGzip } from "node:zlib";
import { generateSample, sampleTraceSource, type SampleOptions } from "./generate-sample.ts";
import type { TraceSourceInfo } from "./load-trace-source.ts";

import { toTrueFoundryCsv, toTrueFoundryCsvLine, TRUEFOUNDRY_HEADER } from "./to-truefoundry-csv.ts";

export { toTrueFoundryCsv };

/** Fixed so the same rows always compress to the same bytes on a given zlib. */
const GZIP_LEVEL = 9;

/**
 * Writes `generateSample(options)` to `out` as JSON Lines, or as a TrueFoundry metrics
 * export when `out` ends in `.csv` / `.csv.gz`; gzip-compressed when `out` ends in `.gz`
 * (level 9, no file name or time in the header). The file appears atomically: it is
 * written beside `out` and renamed when complete. Invalid options throw before any file
 * is touched.
 */
export async function writeSample(
  options: SampleOptions & { out: string },
): Promise<{ rows: number; file: string; traceSource: TraceSourceInfo }> {
  const { out, ...sample } = options;
  const traceSource = sampleTraceSource(sample);
  const rows = generateSample(sample);
  const csv = /\.csv(\.gz)?$/.test(out);
  let count = 0;
  async function* lines() {
    let chunk = csv ? TRUEFOUNDRY_HEADER : "";
    for (const row of rows) {
      chunk += csv ? toTrueFoundryCsvLine(row) : `${JSON.stringify(row)}\n`;
      count++;
      if (chunk.length >= 1 << 16) {
        yield chunk;
        chunk = "";
      }
    }
    if (chunk) yield chunk;
  }
  const file = path.resolve(out);
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.tmp-${process.pid}`;
  try {
    const sink = createWriteStream(temp);
    if (file.endsWith(".gz"))
      await pipeline(Readable.from(lines()), createGzip({ level: GZIP_LEVEL, strategy: constants.Z_DEFAULT_STRATEGY }), sink);
    else await pipeline(Readable.from(lines()), sink);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return { rows: count, file, traceSource };
}
