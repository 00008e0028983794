import path from "node:path";
import type { z } from "zod";
import { checkSchema } from "../lib/check-schema.ts";
import { formatField, PipelineError, throwOnErrors, type Problem } from "../lib/errors.ts";
import { readYaml, type YamlFile } from "../lib/read-yaml.ts";
import { exists } from "../lib/exists.ts";
import { ExtractsSchema, type ExtractSpec } from "../schemas/extracts.schema.ts";
import { MetadataValidationSchema } from "../schemas/metadata-validation.schema.ts";
import { TeamsSchema } from "../schemas/teams.schema.ts";
import { VirtualAccountsSchema } from "../schemas/virtual-accounts.schema.ts";
import { budgetMetadataKeys, BudgetsSchema, type BudgetRule } from "../schemas/budgets.schema.ts";
import { compilePattern, type Pattern } from "../lib/compile-pattern.ts";

export interface KeyRule {
  required: boolean;
  allowed?: Set<string>;
  /** RE2: linear time on client-sent values. */
  regex?: Pattern;
}

/** A metadata guardrail with its matchers precompiled (SPEC 5.4). */
export interface CompiledGuardrail {
  name: string;
  enforce: boolean;
  /** null = every model. */
  models: Set<string> | null;
  /** null = every subject. */
  subjectsIn: Set<string> | null;
  subjectsNotIn: Set<string>;
  allowUnknownKeys: boolean;
  keys: Map<string, KeyRule>;
}

/** Everything under `policies/` (SPEC 5), loaded and cross-checked. */
export interface PolicyBook {
  dir: string;
  requirePatTeam: boolean;
  teams: Map<string, { name: string; tags: Record<string, string> }>;
  pats: Map<string, { name: string; user?: string; team?: string }>;
  virtualAccounts: Map<string, { name: string; team?: string; tags: Record<string, string> }>;
  guardrails: CompiledGuardrail[];
  extracts: ExtractSpec[];
  /** Metadata keys the report site shows (undefined: the most used ones). */
  siteMetadataKeys?: string[];
  /** Metadata keys the FOCUS export's Tags hold (extracts.yaml `focus.tags`; undefined: none). */
  focusTags?: string[];
  /** Budget rules (`budgets.yaml`), in file order; empty without the file. */
  budgets: BudgetRule[];
  /** The metadata keys budget rules name (budgetMetadataKeys); undefined when there is no rule: no budget grain. */
  budgetKeys?: string[];
  /** Whether CSV files start with the UTF-8 byte order mark (extracts.yaml `csv.bom`; an extract's `bom` overrides it). */
  csvBom?: boolean;
  /** The policy files read, for the pricing version hash. */
  files: string[];
}

/** Used when `policies/extracts.yaml` is absent: the extracts SPEC 6 asks for. */
export const DEFAULT_EXTRACTS: ExtractSpec[] = [
  { name: "cost-by-user", group_by: ["month", "user"], formats: ["csv", "parquet"] },
  { name: "cost-by-model", group_by: ["month", "model"], formats: ["csv", "parquet"] },
  { name: "cost-by-team", group_by: ["month", "team"], formats: ["csv", "parquet"] },
];

/** Loads the policy files that exist under `dir`; a missing file means "no rules of that kind". */
export async function loadPolicies(dir: string): Promise<{ policies: PolicyBook; problems: Problem[] }> {
  const problems: Problem[] = [];
  const policies: PolicyBook = {
    dir,
    requirePatTeam: false,
    teams: new Map(),
    pats: new Map(),
    virtualAccounts: new Map(),
    guardrails: [],
    extracts: DEFAULT_EXTRACTS,
    budgets: [],
    files: [],
  };
  const read = async <S extends z.ZodType>(name: string, schema: S) => {
    const file = path.join(dir, name);
    if (!(await exists(file))) return undefined;
    policies.files.push(file);
    let yaml: YamlFile;
    try {
      yaml = await readYaml(file);
    } catch (error) {
      if (error instanceof PipelineError) {
        problems.push(...error.problems);
        return undefined;
      }
      throw error;
    }
    const { value, problems: found } = checkSchema(schema, yaml, [], yaml.data ?? {});
    problems.push(...found);
    return value === undefined ? undefined : { value, yaml };
  };

  const teams = await read("teams.yaml", TeamsSchema);
  if (teams) {
    policies.requirePatTeam = teams.value.require_pat_team;
    teams.value.teams.forEach((team, i) => {
      if (policies.teams.has(team.name)) problems.push(duplicate(teams.yaml, ["teams", i, "name"], `team \`${team.name}\``));
      else policies.teams.set(team.name, team);
    });
    teams.value.personal_access_tokens.forEach((pat, i) => {
      if (policies.pats.has(pat.name)) problems.push(duplicate(teams.yaml, ["personal_access_tokens", i, "name"], `token \`${pat.name}\``));
      else policies.pats.set(pat.name, pat);
      if (pat.team && !policies.teams.has(pat.team)) {
        problems.push(unknownTeam(teams.yaml, ["personal_access_tokens", i, "team"], pat.team));
      }
    });
  }

  const accounts = await read("virtual-accounts.yaml", VirtualAccountsSchema);
  if (accounts) {
    accounts.value.virtual_accounts.forEach((va, i) => {
      if (policies.virtualAccounts.has(va.name)) problems.push(duplicate(accounts.yaml, ["virtual_accounts", i, "name"], `virtual account \`${va.name}\``));
      else policies.virtualAccounts.set(va.name, va);
      if (va.team && teams && !policies.teams.has(va.team)) problems.push(unknownTeam(accounts.yaml, ["virtual_accounts", i, "team"], va.team));
    });
  }

  const validation = await read("metadata-validation.yaml", MetadataValidationSchema);
  if (validation) {
    validation.value.guardrails.forEach((rule, i) => {
      for (const list of ["in", "not_in"] as const) {
        (rule.when.subjects?.[list] ?? []).forEach((subject, j) => {
          if (!/^[a-z]+:.+$/.test(subject)) {
            problems.push({
              file: validation.yaml.file,
              line: validation.yaml.lineOf(["guardrails", i, "when", "subjects", list, j]),
              field: `guardrails[${i}].when.subjects.${list}[${j}]`,
              message: `\`${subject}\` is not a subject`,
              hint: "write `user:<email>`, `virtualaccount:<name>`, `team:<name>` (or another `<subject_type>:<name>`)",
            });
          }
        });
      }
      const keys = new Map<string, KeyRule>();
      for (const [key, spec] of Object.entries(rule.config.keys)) {
        const compiled: KeyRule = { required: spec.required };
        if (spec.value?.constraint === "allowed_values") compiled.allowed = new Set(spec.value.allowed_values);
        if (spec.value?.constraint === "regex") {
          // The schema has already refused any pattern RE2 cannot compile.
          const pattern = compilePattern(spec.value.regex);
          if ("pattern" in pattern) compiled.regex = pattern.pattern;
        }
        keys.set(key, compiled);
      }
      const models = rule.when.models;
      policies.guardrails.push({
        name: rule.name,
        enforce: rule.enforcing_strategy === "enforce",
        models: !models || models.includes("*") ? null : new Set(models),
        subjectsIn: rule.when.subjects && rule.when.subjects.in.length > 0 ? new Set(rule.when.subjects.in) : null,
        subjectsNotIn: new Set(rule.when.subjects?.not_in ?? []),
        allowUnknownKeys: rule.config.allow_unknown_keys,
        keys,
      });
    });
  }

  const extracts = await read("extracts.yaml", ExtractsSchema);
  if (extracts) {
    policies.extracts = extracts.value.extracts;
    policies.csvBom = extracts.value.csv.bom;
    if (extracts.value.site.metadata_keys) policies.siteMetadataKeys = extracts.value.site.metadata_keys;
    if (extracts.value.focus.tags) policies.focusTags = extracts.value.focus.tags;
    const seen = new Set<string>();
    extracts.value.extracts.forEach((extract, i) => {
      if (seen.has(extract.name)) problems.push(duplicate(extracts.yaml, ["extracts", i, "name"], `extract \`${extract.name}\``));
      seen.add(extract.name);
    });
  }

  const budgets = await read("budgets.yaml", BudgetsSchema);
  if (budgets && budgets.value.rules.length > 0) {
    policies.budgets = budgets.value.rules;
    policies.budgetKeys = budgetMetadataKeys(budgets.value.rules);
  }
  return { policies, problems };
}

/** Loads policies and stops with every error (warnings pass). */
export async function loadPoliciesOrThrow(dir: string): Promise<PolicyBook> {
  const { policies, problems } = await loadPolicies(dir);
  throwOnErrors(problems);
  return policies;
}

function duplicate(yaml: YamlFile, fieldPath: (string | number)[], what: string): Problem {
  return {
    file: yaml.file,
    line: yaml.lineOf(fieldPath),
    field: formatField(fieldPath),
    message: `${what} is defined twice`,
    hint: "keep one entry per name",
  };
}

function unknownTeam(yaml: YamlFile, fieldPath: (string | number)[], team: string): Problem {
  return {
    file: yaml.file,
    line: yaml.lineOf(fieldPath),
    field: formatField(fieldPath),
    message: `unknown team \`${team}\``,
    hint: "add it to policies/teams.yaml or fix the name",
  };
}
