import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeTempTree } from "../../../test/temp-dir.ts";
import { formatProblem, PipelineError } from "../../lib/errors.ts";
import { loadColumnMapping } from "./presets.ts";

async function problemsOf(text: string): Promise<string[]> {
  const dir = await writeTempTree({ "mapping.yaml": text });
  try {
    await loadColumnMapping(path.join(dir, "mapping.yaml"));
  } catch (error) {
    if (!(error instanceof PipelineError)) throw error;
    return error.problems.map((p) => formatProblem({ ...p, file: path.relative(dir, p.file ?? "") }));
  }
  throw new Error("expected a PipelineError");
}

describe("loadColumnMapping", () => {
  it("loads a mapping", async () => {
    const dir = await writeTempTree({
      "mapping.yaml": "base: anthropic\ncolumns:\n  request_id: id\n  input_tokens: usage.prompt\ninput_excludes_cache: false\n",
    });
    expect(await loadColumnMapping(path.join(dir, "mapping.yaml"))).toEqual({
      base: "anthropic",
      columns: { request_id: "id", input_tokens: "usage.prompt" },
      input_excludes_cache: false,
    });
  });

  it("names the file, line and field of an unknown canonical field, with a did-you-mean hint", async () => {
    expect(await problemsOf("base: canonical\ncolumns:\n  request_id: id\n  input_token: prompt_tokens\n")).toEqual([
      "mapping.yaml:4 columns.input_token: unknown canonical field `input_token`\n  hint: did you mean `input_tokens`?",
    ]);
  });

  it("names an unknown top-level field, a bad base and a column that is not a name, each at its line", async () => {
    expect(await problemsOf("base: tfy\ncolumns:\n  model: 5\n  teams: ''\ninput_exclude_cache: true\n")).toEqual([
      "mapping.yaml:5 input_exclude_cache: unknown field `input_exclude_cache`\n  hint: did you mean `input_excludes_cache`?",
      "mapping.yaml:1 base: must be `canonical`, `truefoundry`, `anthropic`, `litellm`, `otel`, `portkey`, `openai-usage` or `anthropic-usage`\n  hint: use one of: canonical, truefoundry, anthropic, litellm, otel, portkey, openai-usage, anthropic-usage",
      "mapping.yaml:4 columns.teams: must be the name of an input column",
    ]);
  });

  it("loads the object forms, ignore, unknown_columns and provider_aliases", async () => {
    const dir = await writeTempTree({
      "mapping.yaml": [
        "columns:",
        '  model: { template: "{p}/{m}" }',
        "  region: { value: eastus }",
        "  batch: { column: tier, map: { batch: true }, default: false }",
        "  reported_cost_usd: { column: cost, unit: cents }",
        '  virtual_model: { column: attrs, path: ["gen_ai.request.model"] }',
        "ignore: [object]",
        "unknown_columns: warn",
        "provider_aliases: { openai: openai-main }",
        "",
      ].join("\n"),
    });
    expect(await loadColumnMapping(path.join(dir, "mapping.yaml"), new Set(["openai-main"]))).toEqual({
      columns: {
        model: { template: "{p}/{m}" },
        region: { value: "eastus" },
        batch: { column: "tier", map: { batch: true }, default: false },
        reported_cost_usd: { column: "cost", unit: "cents" },
        virtual_model: { column: "attrs", path: ["gen_ai.request.model"] },
      },
      ignore: ["object"],
      unknown_columns: "warn",
      provider_aliases: { openai: "openai-main" },
    });
  });

  it("names the line and field of each problem in an object form, a template and an alias target", async () => {
    const dir = await writeTempTree({
      "mapping.yaml": [
        "columns:",
        '  model: { template: "{p}/{m" }',
        "  batch: { colum: tier }",
        "  region: { value: eastus, column: r }",
        "  timestamp: { column: t, unit: cents }",
        "  subject: { path: [a] }",
        "unknown_columns: warns",
        "provider_aliases: { openai: openai-mian }",
        "",
      ].join("\n"),
    });
    let problems: string[] = [];
    try {
      await loadColumnMapping(path.join(dir, "mapping.yaml"), new Set(["openai-main", "anthropic-main"]));
    } catch (error) {
      if (!(error instanceof PipelineError)) throw error;
      problems = error.problems.map((p) => formatProblem({ ...p, file: path.relative(dir, p.file ?? "") }));
    }
    expect(problems.sort()).toEqual(
      [
        "mapping.yaml:2 columns.model.template: unclosed `{` at position 5",
        "mapping.yaml:3 columns.batch: unknown field `colum`\n  hint: did you mean `column`?",
        "mapping.yaml:3 columns.batch: needs one of `column`, `template` or `value`",
        "mapping.yaml:4 columns.region: takes only one of `column`, `template` or `value`",
        "mapping.yaml:6 columns.subject: needs one of `column`, `template` or `value`",
        "mapping.yaml:6 columns.subject.path: `path` needs a `column` to read inside",
        "mapping.yaml:7 unknown_columns: must be `misspellings`, `reject` or `warn`\n  hint: use one of: misspellings, reject, warn",
        "mapping.yaml:8 provider_aliases.openai: `openai-mian` is not an account in pricing/accounts/\n  hint: did you mean `openai-main`?",
      ].sort(),
    );
    // The unit check runs once the object forms are well formed.
    expect(await problemsOf("columns:\n  timestamp: { column: t, unit: cents }\n")).toEqual([
      "mapping.yaml:2 columns.timestamp.unit: `timestamp` takes unit epoch_seconds, epoch_ms, epoch_us, epoch_ns",
    ]);
  });

  it("reports YAML syntax errors with their line", async () => {
    expect(await problemsOf("columns:\n  model: [a\n")).toEqual([expect.stringMatching(/^mapping\.yaml:\d+: invalid YAML/)]);
  });
});
