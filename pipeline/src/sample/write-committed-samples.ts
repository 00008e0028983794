import path from "node:path";
import { DEFAULT_SEED, type SampleOptions } from "./generate-sample.ts";
import { writeSample } from "./write-sample.ts";

/**
 * The committed sample files under `data/sample/` and the exact options they were made
 * with (data/sample/README.md quotes them; a test regenerates them and compares).
 */
export const COMMITTED_SAMPLES: ReadonlyArray<{
  file: string;
  options: Required<Omit<SampleOptions, "tracesDir" | "users" | "metadataValues">>;
}> = [
  { file: "data/sample/gateway-logs.jsonl.gz", options: { rows: 4000, start: "2026-06-16", days: 30, seed: DEFAULT_SEED, traces: "auto" } },
  { file: "data/sample/truefoundry-export.csv", options: { rows: 300, start: "2026-06-16", days: 30, seed: 7, traces: "auto" } },
];

/** Regenerates the committed samples under `root` (the repository); returns what each write reported. */
export async function writeCommittedSamples(root: string): Promise<Array<Awaited<ReturnType<typeof writeSample>>>> {
  const written = [];
  for (const { file, options } of COMMITTED_SAMPLES) written.push(await writeSample({ ...options, out: path.join(root, file) }));
  return written;
}
