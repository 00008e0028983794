/**
 * How money is shown next to calls that could not be priced (issue 14 point 2): an unpriced
 * call has no cost, so a row, KPI or tooltip made only of unpriced calls says "unpriced",
 * never "$0.00"; one made partly of them carries the unpriced share of its requests; and a
 * priced row whose list cost is zero has no public list price ("no list price"), it is not
 * a list cost of $0.00. One definition for tables, KPIs and charts, at build time and in
 * the browser. No `node:` imports.
 */
import { formatShare, formatUsd, formatUsdExact, parseNano, ratio } from "./format.ts";

export const UNPRICED_LABEL = "unpriced";
export const NO_LIST_PRICE_LABEL = "no list price";

/** Requests and how many of them are unpriced, as a breakdown row, totals or a cube group carries them. */
export interface PricedCount {
  requests: number;
  unpriced_requests: number;
}

/** Every request is unpriced (and there is at least one). */
export function allUnpriced(c: PricedCount): boolean {
  return c.requests > 0 && c.unpriced_requests >= c.requests;
}

/** "12.50%" of requests unpriced, or null when none (or no requests). */
export function unpricedShare(c: PricedCount): string | null {
  if (c.requests <= 0 || c.unpriced_requests <= 0) return null;
  return formatShare(ratio(BigInt(c.unpriced_requests), BigInt(c.requests)));
}

const money = (value: string | bigint): bigint => (typeof value === "bigint" ? value : parseNano(value));

/**
 * A cost for display: "unpriced" when every request is, "$12.34 (20.00% unpriced)" when
 * some are, else "$12.34". `exact` keeps the 9 decimals (reconciliation).
 */
export function costText(cost: string | bigint, c: PricedCount, exact = false): string {
  if (allUnpriced(c)) return UNPRICED_LABEL;
  const text = exact ? formatUsdExact(cost) : formatUsd(cost);
  const share = unpricedShare(c);
  return share === null ? text : `${text} (${share} ${UNPRICED_LABEL})`;
}

/** A list cost for display: "unpriced" when every request is, "no list price" when priced calls cost something but have no list cost. */
export function listCostText(list: string | bigint, cost: string | bigint, c: PricedCount): string {
  if (allUnpriced(c)) return UNPRICED_LABEL;
  if (money(list) === 0n && money(cost) !== 0n) return NO_LIST_PRICE_LABEL;
  return formatUsd(list);
}
