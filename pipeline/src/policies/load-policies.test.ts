import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeTempTree } from "../../test/temp-dir.ts";
import { formatProblem } from "../lib/errors.ts";
import { focusTagKeys } from "../schemas/fields.ts";
import { DEFAULT_EXTRACTS, loadPolicies } from "./load-policies.ts";

async function problems(files: Record<string, string>) {
  const dir = await writeTempTree(files);
  const { problems } = await loadPolicies(dir);
  return problems.map((p) => formatProblem({ ...p, file: p.file ? path.relative(dir, p.file) : p.file }));
}

describe("loadPolicies", () => {
  it("an absent folder or file means no rules and the default extracts", async () => {
    const dir = await writeTempTree({});
    const { policies, problems } = await loadPolicies(path.join(dir, "nope"));
    expect(problems).toEqual([]);
    expect(policies).toMatchObject({ requirePatTeam: false, guardrails: [], extracts: DEFAULT_EXTRACTS });
  });

  it("reads the CSV byte order mark setting: off by default, `csv.bom` for all, an extract's `bom` for itself", async () => {
    const plain = await writeTempTree({ "extracts.yaml": "extracts:\n  - name: by-user\n    group_by: [user]\n" });
    expect((await loadPolicies(plain)).policies).toMatchObject({ csvBom: false, extracts: [{ name: "by-user" }] });
    expect((await loadPolicies(plain)).policies.extracts[0]!.bom).toBeUndefined();
    const marked = await writeTempTree({
      "extracts.yaml": "csv:\n  bom: true\nextracts:\n  - name: by-user\n    group_by: [user]\n    bom: false\n",
    });
    expect((await loadPolicies(marked)).policies).toMatchObject({ csvBom: true, extracts: [{ name: "by-user", bom: false }] });
  });

  it("reads the FOCUS tags: none by default (no metadata tag), else the list", async () => {
    const plain = await writeTempTree({ "extracts.yaml": "extracts:\n  - name: by-c\n    group_by: [metadata.customer_id]\n" });
    const { policies } = await loadPolicies(plain);
    expect(policies.focusTags).toBeUndefined();
    expect(focusTagKeys(policies.focusTags)).toEqual([]);
    const tagged = await writeTempTree({ "extracts.yaml": "focus:\n  tags: [feature, customer_id]\n" });
    const loaded = (await loadPolicies(tagged)).policies;
    expect(loaded.focusTags).toEqual(["feature", "customer_id"]);
    expect(focusTagKeys(loaded.focusTags)).toEqual(["customer_id", "feature"]);
  });

  it("compiles guardrails: '*' means every model, empty `in` every subject", async () => {
    const dir = await writeTempTree({
      "metadata-validation.yaml":
        "guardrails:\n  - name: a\n    enforcing_strategy: audit\n    when: {models: ['*']}\n    config:\n      keys:\n        env: {required: true, value: {constraint: allowed_values, allowed_values: [prod]}}\n        id: {value: {constraint: regex, regex: '^c_'}}\n",
    });
    const { policies, problems } = await loadPolicies(dir);
    expect(problems).toEqual([]);
    const rule = policies.guardrails[0]!;
    expect(rule).toMatchObject({ name: "a", enforce: false, models: null, subjectsIn: null, allowUnknownKeys: true });
    expect(rule.keys.get("env")).toEqual({ required: true, allowed: new Set(["prod"]) });
    expect(rule.keys.get("id")!.regex!.test("c_1")).toBe(true);
  });

  it.each([
    [{ "teams.yaml": "require_pat_team: maybe\n" }, ["teams.yaml:1 require_pat_team: must be true or false"]],
    [
      { "teams.yaml": "teams: [{name: a}]\npersonal_access_tokens:\n  - {name: t, team: b}\n" },
      ["teams.yaml:3 personal_access_tokens[0].team: unknown team `b`\n  hint: add it to policies/teams.yaml or fix the name"],
    ],
    [
      { "teams.yaml": "teams: [{name: a}]\n", "virtual-accounts.yaml": "virtual_accounts:\n  - {name: v, team: a}\n  - {name: v, team: z}\n" },
      [
        "virtual-accounts.yaml:3 virtual_accounts[1].name: virtual account `v` is defined twice\n  hint: keep one entry per name",
        "virtual-accounts.yaml:3 virtual_accounts[1].team: unknown team `z`\n  hint: add it to policies/teams.yaml or fix the name",
      ],
    ],
    [
      { "metadata-validation.yaml": "guardrails:\n  - name: r\n    enforcing_strategy: block\n    config: {keys: {}}\n" },
      [expect.stringMatching(/^metadata-validation\.yaml:3 guardrails\[0\]\.enforcing_strategy: .*\n {2}hint: use one of: enforce, audit$/)],
    ],
    [
      { "metadata-validation.yaml": "guardrails:\n  - name: r\n    enforcing_strategy: audit\n    config:\n      keys:\n        id: {value: {constraint: regex, regex: '(['}}\n" },
      [expect.stringMatching(/^metadata-validation\.yaml:6 guardrails\[0\]\.config\.keys\.id\.value\.regex: is not a valid RE2 pattern: missing closing \]: `\[`\n {2}hint: guardrail patterns use RE2 syntax/)],
    ],
    [
      // Valid in JavaScript, refused by RE2 (which cannot backtrack): backreferences and lookaround.
      { "metadata-validation.yaml": "guardrails:\n  - name: r\n    enforcing_strategy: audit\n    config:\n      keys:\n        id: {value: {constraint: regex, regex: '^(a)\\1$'}}\n        env: {value: {constraint: regex, regex: '^(?!test)'}}\n" },
      [
        "metadata-validation.yaml:6 guardrails[0].config.keys.id.value.regex: is not a valid RE2 pattern: invalid escape sequence: `\\1`\n" +
          "  hint: guardrail patterns use RE2 syntax, which always matches in linear time: no backreferences (\\1) or lookaround ((?=…), (?!…), (?<=…), (?<!…)); " +
          "write \\x{263A} for \\u263A and repeat counts up to {1000} (see policies/README.md)",
        expect.stringMatching(/^metadata-validation\.yaml:7 guardrails\[0\]\.config\.keys\.env\.value\.regex: is not a valid RE2 pattern: invalid or unsupported Perl syntax: `\(\?!`\n {2}hint: /),
      ],
    ],
    [
      { "metadata-validation.yaml": "guardrails:\n  - name: r\n    enforcing_strategy: audit\n    when: {subjects: {in: [payments]}}\n    config: {keys: {}}\n" },
      [expect.stringMatching(/^metadata-validation\.yaml:4 guardrails\[0\]\.when\.subjects\.in\[0\]: `payments` is not a subject\n {2}hint: write `user:<email>`/)],
    ],
    [
      { "extracts.yaml": "extracts:\n  - name: by-x\n    group_by: [month, colour]\n" },
      [expect.stringMatching(/^extracts\.yaml:3 extracts\[0\]\.group_by\[1\]: must be one of date, month, .* or metadata\.<key>$/)],
    ],
    [{ "extracts.yaml": "extracts:\n  - name: By User\n    group_by: [user]\n" }, [expect.stringMatching(/^extracts\.yaml:2 extracts\[0\]\.name: must be kebab-case/)]],
    [{ "extracts.yaml": "csv:\n  bom: yes please\n" }, [expect.stringMatching(/^extracts\.yaml:2 csv\.bom: /)]],
    [
      { "extracts.yaml": "focus:\n  tags: [feature, costs/team]\n" },
      [expect.stringMatching(/^extracts\.yaml:2 focus\.tags\[1\]: `costs\/` starts the tags this tool sets/)],
    ],
    [{ "extracts.yaml": "focus:\n  tags: [metadata.customer_id]\n" }, [expect.stringMatching(/^extracts\.yaml:2 focus\.tags\[0\]: a metadata key/)]],
  ])("reports %j with file, line and field", async (files, expected) => {
    expect(await problems(files as Record<string, string>)).toEqual(expected);
  });
});
