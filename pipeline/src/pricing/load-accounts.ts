import { exists } from "../lib/exists.ts";
import { checkSchema } from "../lib/check-schema.ts";
import type { Problem } from "../lib/errors.ts";
import { AccountSchema } from "../schemas/account.schema.ts";
import { listYamlFiles, readYamlProblems } from "./load-catalog.ts";

export interface AccountModelRef {
  /** Gateway model name after the account: `bedrock-prod/<name>`. */
  name: string;
  /** The catalog `model:` id; defaults to `name` for public models. */
  providerModel?: string;
  cost: "public" | "private";
  file: string;
  line?: number;
}

export interface ProviderAccount {
  name: string;
  provider: string;
  region?: string;
  file: string;
  line?: number;
  models: Map<string, AccountModelRef>;
}

/** Loads `pricing/accounts/*.yaml` (SPEC 4.2). Missing folder: no accounts. */
export async function loadAccounts(dir: string): Promise<{ accounts: Map<string, ProviderAccount>; problems: Problem[] }> {
  const problems: Problem[] = [];
  const accounts = new Map<string, ProviderAccount>();
  if (!(await exists(dir))) return { accounts, problems };
  for (const file of await listYamlFiles(dir)) {
    const yaml = await readYamlProblems(file, problems);
    if (!yaml) continue;
    const { value, problems: found } = checkSchema(AccountSchema, yaml);
    problems.push(...found);
    if (!value) continue;
    const previous = accounts.get(value.name);
    if (previous) {
      problems.push({
        file,
        line: yaml.lineOf(["name"]),
        field: "name",
        message: `account \`${value.name}\` is already defined in ${previous.file}`,
        hint: "each provider account needs a unique name",
      });
      continue;
    }
    const account: ProviderAccount = { name: value.name, provider: value.provider, file, models: new Map() };
    if (value.region) account.region = value.region;
    value.models.forEach((model, index) => {
      const line = yaml.lineOf(["models", index, "name"]);
      if (account.models.has(model.name)) {
        problems.push({
          file,
          line,
          field: `models[${index}].name`,
          message: `model \`${model.name}\` is listed twice in account \`${value.name}\``,
          hint: "remove the duplicate entry",
        });
        return;
      }
      const ref: AccountModelRef = { name: model.name, cost: model.cost, file };
      const providerModel = model.provider_model ?? (model.cost === "public" ? model.name : undefined);
      if (providerModel) ref.providerModel = providerModel;
      if (line !== undefined) ref.line = line;
      account.models.set(model.name, ref);
    });
    accounts.set(account.name, account);
  }
  return { accounts, problems };
}

