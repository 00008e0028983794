import path from "node:path";
import { displayPath, formatProblem, sortProblems, type Problem } from "../lib/errors.ts";
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
  const all = sortProblems([...problems, ...policyProblems]).map((p) => (p.file ? { ...p, file: displayPath(p.file, io.cwd) } : p));
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
    `${displayPath(path.resolve(io.cwd, options.pricingDir), io.cwd) || "."}: ${plural(book.catalog.fileCount, "catalog file")}, ` +
      `${plural(models, "model")} (${priced} with costs) from ${plural(book.catalog.providers.size, "provider")}, ` +
      `${plural(book.accounts.size, "account")}, ${plural(privatePeriods, "private price period")}\n`,
  );
  io.out(`${plural(errors.length, "error")}, ${plural(warnings.length, "warning")}\n`);
  return errors.length > 0 ? 1 : 0;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
