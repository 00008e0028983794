import type { Rng } from "./prng.ts";
import { TEAM_APPLICATIONS, TEAM_COST_CENTERS, VIRTUAL_ACCOUNTS, type SampleUser } from "./population.ts";
import { sampleCustomers, type Roster } from "./scale-population.ts";

/**
 * Client-sent metadata (`X-TFY-METADATA`) as the sample's callers send it, with the
 * realistic breaks the policies are there to catch: missing cost centres, `prod` for
 * `production`, malformed customer ids, values a virtual account's tags will override,
 * and unknown keys from the nightly batch.
 */
export type Metadata = Record<string, string>;

/**
 * Values that must reach the report and the CSV extracts harmless: HTML, spreadsheet
 * formulas (cells starting with `=`, `+`, `-`, `@`) and a quoted, comma-separated string.
 * Each is sent once (or more) by a user, under a key that no tag overrides.
 */
export const HOSTILE_METADATA: ReadonlyArray<readonly [key: string, value: string]> = [
  ["application", "<img src=x onerror=alert(1)>"],
  ["customer_id", '=HYPERLINK("http://evil.example","click")'],
  ["project", "+cmd|' /C calc'!A0"],
  ["environment", "@SUM(1+1)"],
  ["user_agent", 'Mozilla/5.0 (compatible; "Acme, Inc." crawler/1.0)'],
  ["application", "-2+3+cmd|' /C calc'!A0"],
];

/** Customer ids that break `^cus_[A-Za-z0-9]+$`. */
const MALFORMED_CUSTOMER_IDS = ["12345", "CUS-88412", "cus-7f3a9", "cust_8812", "cus_", "cus_4411 ", "cus_é9x"];

/** 150 customers in Stripe's id style; the first ones are the busiest. */
const CUSTOMERS = sampleCustomers(150);

function customerId({ rng, customers }: MetadataContext, malformedShare: number): string {
  if (rng.chance(malformedShare)) return rng.pick(MALFORMED_CUSTOMER_IDS);
  if (customers) return customers.draw(rng);
  const u = rng.next();
  return CUSTOMERS[Math.floor(u * u * CUSTOMERS.length)]!;
}

/** Sets `key` to a value drawn from `[[value, weight]]`; `undefined` leaves the key out. */
function put(rng: Rng, metadata: Metadata, key: string, choices: ReadonlyArray<readonly [string | undefined, number]>): void {
  const value = rng.weighted(choices);
  if (value !== undefined) metadata[key] = value;
}

export interface MetadataContext {
  rng: Rng;
  /** UTC date of the call, YYYY-MM-DD. */
  date: string;
  model: string;
  /** Who the customer ids come from (`--metadata-values`); the 150 default customers when absent. */
  customers?: Roster<string>;
}

/** What a person sends: their team's application, an environment, often a cost centre. */
export function drawUserMetadata(context: MetadataContext, user: SampleUser): Metadata {
  const { rng } = context;
  const team = user.teams[0] ?? "";
  const metadata: Metadata = {};
  if (rng.chance(0.9)) metadata.application = rng.pick(TEAM_APPLICATIONS[team]!);
  if (user.teams.includes("payments")) {
    // The gateway enforces payments' metadata, so payments people mostly get it right.
    put(rng, metadata, "environment", [
      ["dev", 70],
      ["staging", 15],
      ["production", 10],
      [undefined, 2],
      ["prod", 2],
      ["development", 1],
    ]);
    if (rng.chance(0.96)) metadata.cost_center = TEAM_COST_CENTERS[rng.pick(user.teams)]!;
  } else {
    put(rng, metadata, "environment", [
      ["dev", 55],
      ["staging", 12],
      ["production", 6],
      [undefined, 15],
      ["prod", 6],
      ["development", 4],
      ["Production", 2],
    ]);
    if (team !== "" && rng.chance(0.6)) metadata.cost_center = TEAM_COST_CENTERS[rng.pick(user.teams)]!;
    if (team === "" && rng.chance(0.3)) metadata.cost_center = rng.pick(Object.values(TEAM_COST_CENTERS));
  }
  const customerShare = user.teams.includes("support") ? 0.85 : user.teams.includes("payments") ? 0.25 : 0.03;
  if (rng.chance(customerShare)) metadata.customer_id = customerId(context, user.teams.includes("support") ? 0.1 : 0.05);
  if (user.teams.includes("support") && rng.chance(0.5)) metadata.ticket_id = `SUP-${rng.int(10000, 99999)}`;
  if (user.teams.includes("data-science") && rng.chance(0.3)) metadata.experiment = `exp-${String(rng.int(1, 60)).padStart(3, "0")}`;
  return metadata;
}

/** What a service sends through its virtual account; some values its tags will override. */
export function drawServiceMetadata(context: MetadataContext, account: string, opts: { long?: boolean } = {}): Metadata {
  const { rng, date, model } = context;
  const metadata: Metadata = {};
  switch (account) {
    case VIRTUAL_ACCOUNTS.checkout.name:
      put(rng, metadata, "application", [
        ["checkout", 85],
        ["checkout-v2", 3],
        [undefined, 12],
      ]);
      put(rng, metadata, "environment", [
        ["production", 80],
        ["prod", 4],
        [undefined, 16],
      ]);
      put(rng, metadata, "cost_center", [
        [undefined, 90],
        ["CC-1042", 8],
        ["CC-9999", 2],
      ]);
      if (rng.chance(0.9)) metadata.customer_id = customerId(context, 0.03);
      metadata.request_type = rng.pick(["intent", "fraud-explain", "receipt-summary"]);
      break;
    case VIRTUAL_ACCOUNTS.search.name:
      put(rng, metadata, "application", [
        ["search-indexer", 30],
        [undefined, 70],
      ]);
      put(rng, metadata, "environment", [
        ["production", 50],
        ["staging", 5],
        [undefined, 45],
      ]);
      metadata.index = rng.pick(["products", "help-center", "docs"]);
      break;
    case VIRTUAL_ACCOUNTS.support.name: {
      const voice = /whisper|tts|audio/.test(model);
      put(rng, metadata, "application", [
        ["support-bot", 60],
        [undefined, 40],
      ]);
      metadata.channel = voice ? "voice" : rng.pick(["chat", "chat", "email"]);
      if (rng.chance(0.9)) metadata.customer_id = customerId(context, 0.06);
      if (rng.chance(0.7)) metadata.ticket_id = `SUP-${rng.int(10000, 99999)}`;
      break;
    }
    case VIRTUAL_ACCOUNTS.batch.name: {
      const dataset = rng.pick(["tickets", "catalog", "reviews", "invoices"]);
      put(rng, metadata, "application", [
        ["nightly-batch", 50],
        [undefined, 50],
      ]);
      put(rng, metadata, "environment", [
        ["production", 30],
        [undefined, 70],
      ]);
      metadata.job_id = `${date}-${dataset}`;
      metadata.dataset = dataset;
      // Keys the batch guardrail does not allow (allow_unknown_keys: false).
      if (rng.chance(0.04)) {
        const [key, value] = rng.pick([
          ["debug", "true"],
          ["notebook_url", "https://notebooks.example.com/ds/reviews.ipynb"],
          ["owner", "maya.patel@example.com"],
        ] as const);
        metadata[key] = value;
      }
      break;
    }
    case VIRTUAL_ACCOUNTS.evals.name:
      put(rng, metadata, "environment", [
        ["staging", 40],
        [undefined, 60],
      ]);
      metadata.suite = opts.long ? "long-context" : rng.pick(["regression", "long-context", "red-team"]);
      metadata.run_id = `run-${date.replaceAll("-", "")}-${rng.int(1, 4)}`;
      break;
  }
  return metadata;
}
