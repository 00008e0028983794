import { describe, expect, it } from "vitest";
import { PipelineError } from "./errors.ts";
import { parseYaml } from "./read-yaml.ts";

describe("parseYaml", () => {
  it("keeps every number as the text written, so no rate passes through a binary float", () => {
    const { data } = parseYaml("a: 6e-8\nb: 6.e-8\nc: 0.0000025\nd: 0.1000000000000000055511151231257827\ne: 12\nf: '7'\ng: true\nh: 2026-01-01\n", "x.yaml");
    expect(data).toEqual({ a: "6e-8", b: "6.e-8", c: "0.0000025", d: "0.1000000000000000055511151231257827", e: "12", f: "7", g: true, h: "2026-01-01" });
  });

  it("knows the line of every field and list item, falling back to the closest ancestor", () => {
    const yaml = parseYaml("prices:\n  - model: a/b\n    costs:\n      input_cost_per_token: 1\n  - model: c/d\n", "x.yaml");
    expect(yaml.lineOf(["prices"])).toBe(1);
    expect(yaml.lineOf(["prices", 0, "costs", "input_cost_per_token"])).toBe(4);
    expect(yaml.lineOf(["prices", 1])).toBe(5);
    expect(yaml.lineOf(["prices", 1, "effective_to"])).toBe(5);
  });

  it("resolves anchors and aliases", () => {
    const { data } = parseYaml("base: &b {input_cost_per_token: 1.e-7}\ncopy: *b\n", "x.yaml");
    expect(data).toEqual({ base: { input_cost_per_token: "1.e-7" }, copy: { input_cost_per_token: "1.e-7" } });
  });

  it("reports syntax errors and duplicate keys with their line", () => {
    const error = (() => {
      try {
        parseYaml("a: 1\nb: [1, 2\nc: 3\n", "bad.yaml");
      } catch (e) {
        return e as PipelineError;
      }
    })();
    expect(error).toBeInstanceOf(PipelineError);
    expect(error!.problems[0]).toMatchObject({ file: "bad.yaml", message: expect.stringMatching(/^invalid YAML/) });
    expect(() => parseYaml("a: 1\na: 2\n", "dup.yaml")).toThrow(/dup\.yaml:2: invalid YAML: Map keys must be unique/);
  });
});
