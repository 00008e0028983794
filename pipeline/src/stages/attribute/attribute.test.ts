import { beforeAll, describe, expect, it } from "vitest";
import { writeTempTree } from "../../../test/temp-dir.ts";
import { loadPolicies, type PolicyBook } from "../../policies/load-policies.ts";
import type { LogRow } from "../../schemas/log-row.ts";
import { validateMetadata } from "../validate/index.ts";
import { attribute } from "./index.ts";

let policies: PolicyBook;
beforeAll(async () => {
  const dir = await writeTempTree({
    "teams.yaml":
      "require_pat_team: true\nteams:\n  - {name: payments, tags: {cost_center: CC-1}}\n  - {name: search, tags: {cost_center: CC-2}}\npersonal_access_tokens:\n  - {name: ci, team: payments}\n  - {name: loose}\n",
    "virtual-accounts.yaml":
      "virtual_accounts:\n  - {name: bot, team: search, tags: {application: bot, cost_center: CC-9}}\n  - {name: lone, tags: {}}\n",
    "metadata-validation.yaml": [
      "guardrails:",
      "  - name: cc",
      "    enforcing_strategy: enforce",
      "    when: {models: [m/a], subjects: {in: ['team:payments', 'team:search'], not_in: ['user:vip@x.com']}}",
      "    config: {keys: {cost_center: {required: true}}}",
      "  - name: env",
      "    enforcing_strategy: audit",
      "    config:",
      "      allow_unknown_keys: false",
      "      keys:",
      "        cost_center: {}",
      "        application: {}",
      "        env: {value: {constraint: allowed_values, allowed_values: [prod, dev]}}",
      "        id: {value: {constraint: regex, regex: '^cus_'}}",
      "",
    ].join("\n"),
  });
  policies = (await loadPolicies(dir)).policies;
});

function row(over: Partial<LogRow>): LogRow {
  return {
    request_id: "r",
    timestamp: 0,
    model: "m/a",
    region: null,
    subject_type: "user",
    subject: "u@x.com",
    pat_name: null,
    teams: [],
    input_tokens: 0,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    output_tokens: 0,
    reasoning_tokens: 0,
    input_audio_tokens: 0,
    output_audio_tokens: 0,
    input_images: null,
    output_images: null,
    input_characters: null,
    input_seconds: null,
    output_seconds: null,
    queries: null,
    pages: null,
    batch: false,
    service_tier: null,
    status_code: null,
    virtual_model: null,
    metadata: {},
    reported_cost_usd: null,
    gateway_cache_hit: false,
    ...over,
  };
}

describe("attribute (SPEC 5.3)", () => {
  it.each([
    ["PAT team wins", row({ pat_name: "ci", teams: ["search"] }), "payments"],
    ["virtual account team", row({ subject_type: "virtualaccount", subject: "bot", teams: ["payments", "search"] }), "search"],
    ["the subject's only team", row({ teams: ["search"] }), "search"],
    ["two teams and nothing else: unassigned", row({ teams: ["search", "payments"] }), "unassigned"],
    ["no team at all", row({}), "unassigned"],
    ["a PAT without a team falls through to the subject's team", row({ pat_name: "loose", teams: ["search"] }), "search"],
    [
      "a virtual account without a team falls through",
      row({ subject_type: "virtualaccount", subject: "lone", teams: ["payments"] }),
      "payments",
    ],
  ])("%s", (_, r, team) => {
    expect(attribute(r, policies).team).toBe(team);
  });

  it("injected tags override client values; only a different value counts as an override", () => {
    const a = attribute(
      row({ subject_type: "virtualaccount", subject: "bot", metadata: { application: "bot", cost_center: "spoof", x: "1" } }),
      policies,
    );
    expect(a.metadata).toEqual({ application: "bot", cost_center: "CC-9", x: "1" });
    expect(a.overrides).toEqual(["cost_center"]);
    expect([a.virtual_account, a.user]).toEqual(["bot", null]);
  });

  it("a PAT's team tags are injected; the client's metadata object is not mutated", () => {
    const metadata = { cost_center: "mine" };
    const a = attribute(row({ pat_name: "ci", metadata }), policies);
    expect(a.metadata).toEqual({ cost_center: "CC-1" });
    expect(metadata).toEqual({ cost_center: "mine" });
    expect(a.user).toBe("u@x.com");
  });

  it("require_pat_team flags PATs without a team, listed or not", () => {
    expect(attribute(row({ pat_name: "loose" }), policies).patViolation).toBe("require_pat_team:loose:no_team");
    expect(attribute(row({ pat_name: "ghost" }), policies).patViolation).toBe("require_pat_team:ghost:no_team");
    expect(attribute(row({ pat_name: "ci" }), policies).patViolation).toBeNull();
    expect(attribute(row({}), policies).patViolation).toBeNull();
  });
});

describe("validateMetadata (SPEC 5.4)", () => {
  const check = (r: LogRow) => validateMetadata(r, attribute(r, policies), policies);

  it.each([
    ["enforce rule breaks: rejected_by_policy", row({ teams: ["payments"] }), "rejected_by_policy", ["cc:cost_center:missing"]],
    ["the PAT's team tags satisfy the rule after injection", row({ pat_name: "ci" }), "ok", []],
    ["rule for another model does not apply", row({ model: "m/b", teams: ["payments"] }), "ok", []],
    ["not_in excludes the subject", row({ subject: "vip@x.com", teams: ["payments"] }), "ok", []],
    [
      "the attributed team is a subject too",
      row({ subject_type: "virtualaccount", subject: "lone", teams: ["payments"] }),
      "rejected_by_policy",
      ["cc:cost_center:missing"],
    ],
    ["audit: value outside allowed_values", row({ metadata: { env: "staging" } }), "warning", ["env:env:not_allowed"]],
    ["audit: regex mismatch", row({ metadata: { id: "c_1" } }), "warning", ["env:id:no_match"]],
    ["audit: unknown key", row({ metadata: { colour: "red", zeta: "1" } }), "warning", ["env:colour:unknown_key", "env:zeta:unknown_key"]],
    ["all good", row({ metadata: { env: "prod", id: "cus_1" } }), "ok", []],
    [
      "enforce wins over audit",
      row({ teams: ["search"], metadata: { env: "x" } }),
      "rejected_by_policy",
      ["cc:cost_center:missing", "env:env:not_allowed"],
    ],
    [
      "a PAT with no team is at least a warning",
      row({ pat_name: "loose", metadata: { env: "prod" } }),
      "warning",
      ["require_pat_team:loose:no_team"],
    ],
  ])("%s", (_, r, status, violations) => {
    expect(check(r)).toEqual({ policy_status: status, policy_violations: violations });
  });
});
