import { displayPath, PipelineError } from "../lib/errors.ts";
import type { Io } from "../lib/io.ts";
import { DEFAULT_SEED } from "../sample/generate-sample.ts";
import { writeCommittedSamples } from "../sample/write-committed-samples.ts";
import { writeSample } from "../sample/write-sample.ts";

export interface SampleCommandOptions {
  out?: string;
  rows: string;
  start: string;
  days: string;
  seed: string;
  users?: string;
  metadataValues?: string;
  traces: "auto" | "builtin";
  committed?: boolean;
}

/** `costs sample`: deterministic synthetic gateway logs for trying the pipeline and for benchmarks. */
export async function sampleCommand(options: SampleCommandOptions, io: Io): Promise<number> {
  const written = options.committed
    ? await writeCommittedSamples(io.cwd)
    : [
        await writeSample({
          rows: whole("--rows", options.rows),
          start: options.start,
          days: whole("--days", options.days),
          seed: whole("--seed", options.seed),
          traces: options.traces,
          ...(options.users !== undefined ? { users: whole("--users", options.users) } : {}),
          ...(options.metadataValues !== undefined ? { metadataValues: whole("--metadata-values", options.metadataValues) } : {}),
          out: options.out ?? missingOut(),
        }),
      ];
  for (const w of written) {
    io.out(
      `${displayPath(w.file, io.cwd)}: ${w.rows.toLocaleString("en")} rows (token sizes and arrivals: ${w.traceSource.description})\n`,
    );
  }
  return 0;
}

function whole(flag: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new PipelineError({ field: flag, message: `must be a whole number, got ${text}` });
  return Number(text);
}

function missingOut(): never {
  throw new PipelineError({
    field: "--out",
    message: "name the file to write (.jsonl, .jsonl.gz, .csv or .csv.gz)",
    hint: "or use --committed to regenerate data/sample/",
  });
}

export { DEFAULT_SEED };
