import { beforeAll, describe, expect, it } from "vitest";
import { writeTempTree } from "../../../test/temp-dir.ts";
import { loadPolicies, type PolicyBook } from "../../policies/load-policies.ts";
import type { LogRow } from "../../schemas/log-row.ts";
import { attribute } from "../attribute/index.ts";
import { validateMetadata } from "./index.ts";

let policies: PolicyBook;
beforeAll(async () => {
  const dir = await writeTempTree({
    "teams.yaml": "teams:\n  - {name: payments, tags: {constructor: team-tag}}\npersonal_access_tokens:\n  - {name: ci, team: payments}\n",
    "metadata-validation.yaml": [
      "guardrails:",
      "  - name: nested",
      "    enforcing_strategy: enforce",
      "    config:",
      "      keys:",
      "        client: {value: {constraint: regex, regex: '^(a+)+$'}}",
      "        customer_id: {value: {constraint: regex, regex: '^cus_[A-Za-z0-9]+$'}}",
      "  - name: own-keys",
      "    enforcing_strategy: audit",
      "    config:",
      "      keys:",
      "        toString: {required: true}",
      "        valueOf: {value: {constraint: allowed_values, allowed_values: [x]}}",
      "",
    ].join("\n"),
  });
  const loaded = await loadPolicies(dir);
  expect(loaded.problems).toEqual([]);
  policies = loaded.policies;
});

function row(metadata: Record<string, string>, pat: string | null = null): LogRow {
  return {
    request_id: "r",
    timestamp: 0,
    model: "m/a",
    region: null,
    subject_type: "user",
    subject: "u@x.com",
    pat_name: pat,
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
    metadata,
    reported_cost_usd: null,
    gateway_cache_hit: false,
  };
}
const check = (r: LogRow) => validateMetadata(r, attribute(r, policies), policies);
const OWN = { toString: "present" };

describe("validateMetadata on hostile client values", () => {
  it("a nested-quantifier pattern on a 10,001-character value gives its verdict (RE2: linear time, no backtracking)", () => {
    expect(check(row({ ...OWN, client: `${"a".repeat(10_000)}!` }))).toEqual({
      policy_status: "rejected_by_policy",
      policy_violations: ["nested:client:no_match"],
    });
    expect(check(row({ ...OWN, client: "a".repeat(10_000) }))).toEqual({ policy_status: "ok", policy_violations: [] });
  });

  it("regex constraints keep RegExp.test's meaning: an unanchored search unless the pattern anchors itself", () => {
    expect(check(row({ ...OWN, customer_id: "cus_3rlzlfY3OpfzLX" })).policy_status).toBe("ok");
    expect(check(row({ ...OWN, customer_id: "cus-7f3a9" })).policy_violations).toEqual(["nested:customer_id:no_match"]);
    expect(check(row({ ...OWN, customer_id: "cus_1\n" })).policy_violations).toEqual(["nested:customer_id:no_match"]);
  });

  it("keys named like Object.prototype's members are looked up as the row's own keys only", () => {
    // Without an own `toString` the key is missing, not Object.prototype.toString; `valueOf` is unset, so not checked.
    expect(check(row({}))).toEqual({ policy_status: "warning", policy_violations: ["own-keys:toString:missing"] });
    // The PAT's team tag named `constructor` is injected; the client did not send one, so nothing was overridden.
    const team = row(OWN, "ci");
    const attribution = attribute(team, policies);
    expect(attribution.metadata).toEqual({ toString: "present", constructor: "team-tag" });
    expect(attribution.overrides).toEqual([]);
  });
});
