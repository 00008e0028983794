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
      "mapping.yaml:1 base: must be `canonical`, `truefoundry` or `anthropic`\n  hint: use one of: canonical, truefoundry, anthropic",
      "mapping.yaml:4 columns.teams: must be the name of an input column",
    ]);
  });

  it("reports YAML syntax errors with their line", async () => {
    expect(await problemsOf("columns:\n  model: [a\n")).toEqual([expect.stringMatching(/^mapping\.yaml:\d+: invalid YAML/)]);
  });
});
