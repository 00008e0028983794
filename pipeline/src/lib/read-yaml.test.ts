import { mkdir, truncate, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeTempTree } from "../../test/temp-dir.ts";
import { formatProblem, PipelineError } from "./errors.ts";
import { MAX_YAML_FILE_BYTES, parseYaml, readYaml } from "./read-yaml.ts";

/** The problems a parse throws, formatted as `costs validate` prints them. */
function problemsOf(text: string, file = "x.yaml"): string[] {
  try {
    parseYaml(text, file);
  } catch (error) {
    if (error instanceof PipelineError) return error.problems.map(formatProblem);
    throw error;
  }
  return [];
}

/** Ten times the previous level, nine times over: 10^9 strings once expanded. */
const BILLION_LAUGHS = [
  "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]",
  ..."bcdefghi".split("").map((c, i) => `${c}: &${c} [${Array(10).fill(`*${"abcdefghi"[i]}`).join(", ")}]`),
  "",
].join("\n");

describe("parseYaml", () => {
  it("keeps every number as the text written, so no rate passes through a binary float", () => {
    const { data } = parseYaml(
      "a: 6e-8\nb: 6.e-8\nc: 0.0000025\nd: 0.1000000000000000055511151231257827\ne: 12\nf: '7'\ng: true\nh: 2026-01-01\n",
      "x.yaml",
    );
    expect(data).toEqual({
      a: "6e-8",
      b: "6.e-8",
      c: "0.0000025",
      d: "0.1000000000000000055511151231257827",
      e: "12",
      f: "7",
      g: true,
      h: "2026-01-01",
    });
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

  it("keeps keys named like Object.prototype's members as plain fields", () => {
    const { data } = parseYaml("tags: {constructor: a, prototype: b, toString: c}\n", "x.yaml");
    expect(data).toEqual({ tags: { constructor: "a", prototype: "b", toString: "c" } });
    expect(Object.keys((data as { tags: object }).tags)).toEqual(["constructor", "prototype", "toString"]);
  });
});

describe("hostile YAML fails fast with file:line, never silently", () => {
  it("a billion-laughs file stops at the alias that goes over the limit", () => {
    expect(problemsOf(BILLION_LAUGHS, "lol.yaml")).toEqual([
      "lol.yaml:5: aliases expand to more than 100,000 values: `*d` on this line goes over the limit (aliases inside aliases count too)\n" +
        "  hint: write the values out, or use fewer aliases of aliases: the limit stops a file whose aliases multiply (a “billion laughs”)",
    ]);
  });

  it("a deep chain of aliases stops at the depth limit, naming the alias", () => {
    const chain = ["a0: &a0 x", ...Array.from({ length: 1000 }, (_, i) => `a${i + 1}: &a${i + 1} [*a${i}]`), ""].join("\n");
    expect(problemsOf(chain)).toEqual([
      "x.yaml:65: alias `*a63` expands to values nested more than 64 levels deep\n  hint: write the values out, or use fewer aliases of aliases",
    ]);
  });

  it("an alias inside the value it names, and an alias with no anchor, are errors", () => {
    expect(problemsOf("a: 1\nb: &b\n  c: [*b]\n")).toEqual([
      "x.yaml:3: alias `*b` refers to a value that contains it\n  hint: an alias cannot repeat the value it is part of",
    ]);
    expect(problemsOf("a: 1\nb: *nope\n")).toEqual([
      "x.yaml:2: alias `*nope` names no anchor `&nope` before it\n  hint: define the anchor before the alias",
    ]);
    expect(problemsOf("a: 1\nb: {*nope : 1}\n")).toEqual([
      "x.yaml:2: alias `*nope` names no anchor `&nope` before it\n  hint: define the anchor before the alias",
    ]);
  });

  it("`__proto__` is an error at its line and field, in block and flow maps, once even when an alias repeats it", () => {
    const text =
      "teams:\n  - name: a\n    tags: &t\n      cost_center: CC-1\n      __proto__: {admin: 'yes'}\n  - {name: b, tags: *t}\nx: {\"__proto__\": 1}\ny: {&k __proto__: 1}\nz: {*k : 2}\n";
    const hint = "\n  hint: rename it: in JavaScript this key would replace the object's prototype instead of becoming a field";
    expect(problemsOf(text, "teams.yaml")).toEqual([
      `teams.yaml:5 teams[0].tags.__proto__: \`__proto__\` cannot be a key${hint}`,
      `teams.yaml:7 x.__proto__: \`__proto__\` cannot be a key${hint}`,
      `teams.yaml:8 y.__proto__: \`__proto__\` cannot be a key${hint}`,
      `teams.yaml:9 z.__proto__: \`__proto__\` cannot be a key${hint}`,
    ]);
  });
});

describe("readYaml", () => {
  it("refuses a file over the size limit before reading it, naming its size and the limit", async () => {
    const dir = await writeTempTree({ "ok.yaml": "a: 1\n", "big.yaml": "a: 1\n" });
    await truncate(path.join(dir, "big.yaml"), 50 * 1024 * 1024); // sparse: no 50 MB written
    const error = await readYaml(path.join(dir, "big.yaml")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineError);
    expect((error as PipelineError).problems).toEqual([
      {
        file: path.join(dir, "big.yaml"),
        message: "is 52,428,800 bytes, over the limit of 1,048,576 bytes (1 MiB) for a YAML file",
        hint: "pricing and policy files are small (the largest upstream catalog file is 2.4 KB): split it, or check that this is the file you meant",
      },
    ]);
    // Exactly at the limit is read (and parsed).
    await writeFile(path.join(dir, "ok.yaml"), `a: ${"x".repeat(MAX_YAML_FILE_BYTES - 4)}\n`);
    expect(((await readYaml(path.join(dir, "ok.yaml"))).data as { a: string }).a).toHaveLength(MAX_YAML_FILE_BYTES - 4);
  });

  it("refuses what is not a regular file, and says when a file cannot be read", async () => {
    const dir = await writeTempTree({});
    await mkdir(path.join(dir, "folder.yaml"));
    await expect(readYaml(path.join(dir, "folder.yaml"))).rejects.toThrow(/folder\.yaml: is not a regular file/);
    await expect(readYaml(path.join(dir, "missing.yaml"))).rejects.toThrow(/missing\.yaml: cannot read file: ENOENT/);
  });
});
