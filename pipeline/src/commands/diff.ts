import path from "node:path";
import { PipelineError } from "../lib/errors.ts";
import { lockContext, type Io } from "../lib/io.ts";
import { pricingDiff } from "../gitops/pricing-diff.ts";
import { renderDiffMarkdown } from "../gitops/render-diff.ts";
import { readOutputs } from "../outputs/read-outputs.ts";

export interface DiffOptions {
  base: string;
  head: string;
  usage?: string;
  days: string;
  format: string;
  repo: string;
  pricingPath: string;
  policiesPath: string;
}

/** `costs diff`: what a pricing change does, as JSON or the markdown of the PR comment. */
export async function diffCommand(options: DiffOptions, io: Io): Promise<number> {
  if (options.format !== "json" && options.format !== "markdown") {
    throw new PipelineError({ field: "--format", message: `must be markdown or json, got ${options.format}` });
  }
  if (!/^[1-9]\d*$/.test(options.days))
    throw new PipelineError({ field: "--days", message: `must be a whole number of days, got ${options.days}` });
  const usage = options.usage ? path.resolve(io.cwd, options.usage) : undefined;
  const compute = () =>
    pricingDiff({
      repo: path.resolve(io.cwd, options.repo),
      base: options.base,
      head: options.head,
      usage,
      days: Number(options.days),
      pricingPath: options.pricingPath,
      policiesPath: options.policiesPath,
      today: (io.now ?? (() => new Date()))().toISOString().slice(0, 10),
    });
  const diff = usage ? await readOutputs(usage, lockContext(io, "costs diff"), compute) : await compute();
  io.out(options.format === "json" ? `${JSON.stringify(diff, null, 2)}\n` : renderDiffMarkdown(diff));
  return 0;
}
