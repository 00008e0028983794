import { createRng, type Rng } from "./prng.ts";
import { USERS, type SampleUser } from "./population.ts";

/**
 * A larger population for trying the report at an organisation's scale (`costs sample
 * --users N --metadata-values N`): the named users of `population.ts` first, then
 * synthetic ones, and more `customer_id` values. Both lists depend only on their length
 * (not on the sample's seed), and a longer list starts with the shorter one.
 *
 * A roster hands out its members so that all of them appear: the first N draws take the
 * members in order, later draws go by weight. Without the options the sample keeps its
 * own draws, so the committed sample does not change.
 */
export interface Roster<T> {
  readonly size: number;
  draw(rng: Rng): T;
}

const TEAM_WEIGHTS = [
  ["payments", 20],
  ["search", 20],
  ["support", 25],
  ["data-science", 20],
  ["platform", 10],
  ["", 5],
] as const;
const TEAM_NAMES = ["payments", "search", "support", "data-science", "platform"] as const;

/** The named users, then `user-00026@example.com`… in one or two of the policies' teams (a few in none). */
export function sampleUsers(count: number): readonly SampleUser[] {
  if (count <= USERS.length) return USERS.slice(0, count);
  const rng = createRng(0, "extra-users");
  const users: SampleUser[] = [...USERS];
  for (let i = USERS.length + 1; i <= count; i++) {
    const team = rng.weighted(TEAM_WEIGHTS);
    const teams = team === "" ? [] : [team];
    if (team !== "" && rng.chance(0.05)) {
      const second = rng.pick(TEAM_NAMES.filter((t) => t !== team));
      teams.push(second);
    }
    users.push({ email: `user-${String(i).padStart(5, "0")}@example.com`, teams, activity: rng.int(1, 4) });
  }
  return users;
}

const ALPHABET = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"];

/** `count` customer ids in Stripe's style (`cus_` and 14 letters or digits); the first ones are the busiest. */
export function sampleCustomers(count: number): readonly string[] {
  const rng = createRng(0, "customers");
  const seen = new Set<string>();
  const out: string[] = [];
  while (out.length < count) {
    const id = `cus_${Array.from({ length: 14 }, () => rng.pick(ALPHABET)).join("")}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(id);
  }
  return out;
}

/** Users by their activity, each one at least once when there are enough draws. */
export function userRoster(users: readonly SampleUser[]): Roster<SampleUser> {
  const weights = users.map((u) => [u, u.activity] as const);
  let drawn = 0;
  return { size: users.length, draw: (rng) => (drawn < users.length ? users[drawn++]! : rng.weighted(weights)) };
}

/** Customers skewed to the first ones (u², as the default sample), each one at least once when there are enough draws. */
export function customerRoster(customers: readonly string[]): Roster<string> {
  let drawn = 0;
  return {
    size: customers.length,
    draw: (rng) => {
      if (drawn < customers.length) return customers[drawn++]!;
      const u = rng.next();
      return customers[Math.floor(u * u * customers.length)]!;
    },
  };
}
