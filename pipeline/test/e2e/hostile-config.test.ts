/**
 * Hostile files under pricing/ and policies/: `costs validate` lists each problem with
 * file:line (exit 1, in milliseconds and little memory), and `costs run` stops before
 * writing anything.
 */
import { existsSync } from "node:fs";
import { appendFile, cp, readFile, rm, truncate, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../run-cli.ts";
import { writeTempTree } from "../temp-dir.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");

const BILLION_LAUGHS = [
  "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]",
  ..."bcdefghi".split("").map((c, i) => `${c}: &${c} [${Array(10).fill(`*${"abcdefghi"[i]}`).join(", ")}]`),
  "",
].join("\n");

/** A copy of the project's pricing/ and policies/ with one hostile change of each kind. */
async function hostileProject(): Promise<string> {
  const dir = await writeTempTree({});
  await cp(path.join(ROOT, "pricing"), path.join(dir, "pricing"), { recursive: true });
  await cp(path.join(ROOT, "policies"), path.join(dir, "policies"), { recursive: true });
  const teams = path.join(dir, "policies/teams.yaml");
  await writeFile(
    teams,
    (await readFile(teams, "utf8")).replace("tags: {cost_center: CC-1042}", "tags: {cost_center: CC-1042, __proto__: {admin: 'yes'}}"),
  );
  await appendFile(
    path.join(dir, "policies/metadata-validation.yaml"),
    "\n  - name: backreference\n    enforcing_strategy: audit\n    config:\n      keys:\n        id: {value: {constraint: regex, regex: '^(a)\\1$'}}\n",
  );
  await writeFile(
    path.join(dir, "pricing/catalog/providers/openai/proto.yaml"),
    "model: proto\ncosts:\n  input_cost_per_token: 0.000001\n  __proto__:\n    output_cost_per_token: 0\n",
  );
  await writeFile(path.join(dir, "pricing/catalog/providers/openai/lol.yaml"), BILLION_LAUGHS);
  await writeFile(path.join(dir, "pricing/private/huge.yaml"), "prices: []\n");
  await truncate(path.join(dir, "pricing/private/huge.yaml"), 50 * 1024 * 1024); // sparse
  return dir;
}

const EXPECTED = [
  "error: policies/metadata-validation.yaml:51 guardrails[3].config.keys.id.value.regex: is not a valid RE2 pattern: invalid escape sequence: `\\1`",
  "error: policies/teams.yaml:9 teams[0].tags.__proto__: `__proto__` cannot be a key",
  "error: pricing/catalog/providers/openai/lol.yaml:5: aliases expand to more than 100,000 values: `*d` on this line goes over the limit (aliases inside aliases count too)",
  "error: pricing/catalog/providers/openai/proto.yaml:4 costs.__proto__: `__proto__` cannot be a key",
  "error: pricing/private/huge.yaml: is 52,428,800 bytes, over the limit of 1,048,576 bytes (1 MiB) for a YAML file",
];

describe("hostile pricing and policy files", () => {
  it("costs validate lists every problem with file:line and exits 1", async () => {
    const dir = await hostileProject();
    const result = await runCli(dir, "validate");
    expect(result.code).toBe(1);
    expect(result.err.split("\n").filter((line) => line.startsWith("error: "))).toEqual(EXPECTED);
    expect(result.out).toMatch(/^5 errors, \d+ warnings?\n$/m);
  });

  it("costs run stops before writing anything", async () => {
    const dir = await hostileProject();
    const out = path.join(dir, "data");
    const result = await runCli(dir, "run", "--logs", path.join(ROOT, "data/sample/truefoundry-export.csv"), "--out", out, "--no-progress");
    expect(result.code).toBe(1);
    // Pricing stops the run first; its errors are listed.
    expect(result.err).toContain("pricing/catalog/providers/openai/lol.yaml:5: aliases expand to more than 100,000 values");
    expect(result.err).toContain("pricing/private/huge.yaml: is 52,428,800 bytes");
    expect(existsSync(out)).toBe(false);

    // With pricing fixed, the policies stop it: a `__proto__` tag is not silently dropped.
    for (const file of ["catalog/providers/openai/lol.yaml", "catalog/providers/openai/proto.yaml", "private/huge.yaml"])
      await rm(path.join(dir, "pricing", file));
    const again = await runCli(dir, "run", "--logs", path.join(ROOT, "data/sample/truefoundry-export.csv"), "--out", out, "--no-progress");
    expect(again.code).toBe(1);
    expect(again.err).toContain("error: policies/teams.yaml:9 teams[0].tags.__proto__: `__proto__` cannot be a key\n");
    expect(again.err).toContain(
      "error: policies/metadata-validation.yaml:51 guardrails[3].config.keys.id.value.regex: is not a valid RE2 pattern",
    );
    expect(existsSync(out)).toBe(false);
  });
});
