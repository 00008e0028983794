import path from "node:path";
import { formatProblem, type Problem } from "../lib/errors.ts";
import type { Io } from "../lib/io.ts";
import { exists } from "../pricing/load-accounts.ts";
import { loadPricing } from "../pricing/load-pricing.ts";

export interface ValidateOptions {
  pricingDir: string;
  policiesDir: string;
}

/** `costs validate`: checks everything under pricing/ (and policies/), lists every problem. Returns the exit code. */
export async function validate(options: ValidateOptions, io: Io): Promise<number> {
  const { book, problems } = await loadPricing(options.pricingDir);
  const policyProblems: Problem[] = [];
  if (await exists(options.policiesDir)) {
    // Policy files (SPEC 5) are checked here once the pipeline's policy schemas exist.
  }
  const all = [...problems, ...policyProblems].map((p) => ({ ...p, file: p.file ? path.relative(io.cwd, p.file) || p.file : p.file }));
  const errors = all.filter((p) => p.severity !== "warning");
  const warnings = all.filter((p) => p.severity === "warning");
  for (const problem of errors) io.err(`error: ${formatProblem(problem)}\n`);
  for (const problem of warnings) io.err(`warning: ${formatProblem(problem)}\n`);

  let models = 0;
  let priced = 0;
  for (const provider of book.catalog.providers.values()) {
    models += provider.models.size;
    for (const model of provider.models.values()) if (model.entries.length > 0) priced++;
  }
  let privatePeriods = 0;
  for (const periods of book.privatePrices.values()) privatePeriods += periods.length;
  io.out(
    `${path.relative(io.cwd, options.pricingDir) || "."}: ${book.catalog.fileCount} catalog files, ` +
      `${models} models (${priced} with costs) from ${book.catalog.providers.size} providers, ` +
      `${book.accounts.size} accounts, ${privatePeriods} private price periods\n`,
  );
  io.out(`${errors.length} error${errors.length === 1 ? "" : "s"}, ${warnings.length} warning${warnings.length === 1 ? "" : "s"}\n`);
  return errors.length > 0 ? 1 : 0;
}
