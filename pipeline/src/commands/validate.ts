import path from "node:path";
import { displayPath, formatProblem, sortProblems, type Problem } from "../lib/errors.ts";
import type { Io } from "../lib/io.ts";
import { exists } from "../lib/exists.ts";
import { loadPricing } from "../pricing/load-pricing.ts";
import { loadPolicies } from "../policies/load-policies.ts";

export interface ValidateOptions {
  pricingDir: string;
  policiesDir: string;
}

/** `costs validate`: checks everything under pricing/ (and policies/), lists every problem. Returns the exit code. */
export async function validate(given: ValidateOptions, io: Io): Promise<number> {
  const options = { pricingDir: path.resolve(io.cwd, given.pricingDir), policiesDir: path.resolve(io.cwd, given.policiesDir) };
  const { book, problems } = await loadPricing(options.pricingDir);
  const policyProblems: Problem[] = [];
  let policySummary = "no policies folder";
  if (await exists(options.policiesDir)) {
    const { policies, problems: found } = await loadPolicies(options.policiesDir);
    policyProblems.push(...found);
    // A guardrail on a model no account declares can never apply: most likely a typo.
    const models = new Set<string>();
    for (const account of book.accounts.values()) for (const model of account.models.keys()) models.add(`${account.name}/${model}`);
    for (const rule of policies.guardrails) {
      for (const model of rule.models ?? []) {
        if (!models.has(model)) {
          policyProblems.push({
            severity: "warning",
            file: path.join(options.policiesDir, "metadata-validation.yaml"),
            field: `guardrail ${rule.name}`,
            message: `model \`${model}\` is not declared in any pricing/accounts file, so this rule never applies to it`,
            hint: 'use a gateway model name `<account>/<model>` or "*"',
          });
        }
      }
    }
    // A budget condition naming a model or account no pricing/accounts file declares never adds spend: most likely a typo.
    const budgetsFile = path.join(options.policiesDir, "budgets.yaml");
    for (const rule of policies.budgets) {
      const unknown = (field: string, names: readonly string[] | undefined, known: (name: string) => boolean, hint: string) => {
        for (const name of names ?? []) {
          if (!known(name))
            policyProblems.push({
              severity: "warning",
              file: budgetsFile,
              field: `rule ${rule.name} ${field}`,
              message: `\`${name}\` is not declared in pricing/accounts, so no call of it is priced into this budget`,
              hint,
            });
        }
      };
      unknown("when.models", rule.when.models, (m) => models.has(m), "use a gateway model name `<account>/<model>` of pricing/accounts");
      unknown(
        "when.provider_accounts",
        rule.when.provider_accounts,
        (a) => book.accounts.has(a),
        "use an account name of pricing/accounts",
      );
    }
    policySummary =
      `${plural(policies.teams.size, "team")}, ${plural(policies.pats.size, "personal access token")}, ` +
      `${plural(policies.virtualAccounts.size, "virtual account")}, ${plural(policies.guardrails.length, "guardrail")}, ${plural(policies.extracts.length, "extract")}, ${plural(policies.budgets.length, "budget rule")}`;
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
  io.out(`${displayPath(path.resolve(io.cwd, options.policiesDir), io.cwd)}: ${policySummary}\n`);
  io.out(`${plural(errors.length, "error")}, ${plural(warnings.length, "warning")}\n`);
  return errors.length > 0 ? 1 : 0;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
