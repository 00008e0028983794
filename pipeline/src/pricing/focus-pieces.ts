import type { Call } from "./call.ts";
import { compare, fromInteger, isZero, multiply, subtract, toNano, type Decimal } from "./money.ts";
import { applyPlan, type Bracket, type ComponentCost, type ComponentName } from "./price-call.ts";
import { isUnpriced, type Resolution } from "./resolve-rate.ts";

/**
 * FOCUS pieces: a priced call split into parts that each have one quantity, one unit, one
 * contracted rate and one list rate (docs/pipeline.md "FOCUS export"). A component priced
 * at one rate on both sides is one piece; a marginal tier splits it at its brackets, and
 * when the list price has other brackets than the price in force, at the union of both.
 * The FOCUS export sums pieces with the same rates, so each of its rows has
 * `ContractedUnitPrice × PricingQuantity = ContractedCost` (and the same for list) exactly.
 */

/** What a piece is of: a cost component, or a call the gateway answered from its cache (no rate). */
export type PieceComponent = ComponentName | "gateway_cache";

/** FOCUS PricingUnit of each piece component. */
export const PIECE_UNITS: Record<PieceComponent, string> = {
  input: "Tokens",
  cache_read: "Tokens",
  cache_write: "Tokens",
  cache_write_1h: "Tokens",
  input_audio: "Tokens",
  output: "Tokens",
  output_audio: "Tokens",
  request: "Requests",
  input_image: "Images",
  output_image: "Images",
  input_character: "Characters",
  input_second: "Seconds",
  output_second: "Seconds",
  query: "Queries",
  page: "Pages",
  gateway_cache: "Requests",
};

/** One piece of one call. */
export interface FocusPiece {
  component: PieceComponent;
  /** The contracted rate (the price in force); null: no unit price (a gateway cache hit, a day priced with other prices). */
  rate: Decimal | null;
  /** The list rate (the public catalog price); the contracted rate when the call has no list price for this part. */
  list_rate: Decimal | null;
  /** The price and field the rate was read from (`<price_ref>:<rate field>`): FOCUS SkuPriceId. */
  price_id: string | null;
  quantity: Decimal;
  /** The part of the component's rounded cost this piece carries, in nano-USD. */
  billed: bigint;
}

/**
 * The pieces of a priced call. `resolution` is the call's (resolveRate), `priceRef` its
 * price reference as written in the priced rows. Each component's pieces carry its cost
 * rounded once (as `applyPlan` rounds it): every piece but the last its own rounded
 * quantity × rate, the last the rest, so the pieces of a call add up to its cost exactly.
 * Returns null when the call is unpriced.
 */
export function piecesOfCall(resolution: Resolution, call: Call, priceRef: string): FocusPiece[] | null {
  if (isUnpriced(resolution.plan)) return null;
  const priced = applyPlan(resolution.plan, call);
  if ("unpriced" in priced) return null;
  let listed: ComponentCost[] = [];
  if (resolution.list === resolution.plan) listed = priced.components;
  else if (resolution.list !== null && !isUnpriced(resolution.list)) {
    const list = applyPlan(resolution.list, call);
    if (!("unpriced" in list)) listed = list.components;
  }
  const pieces: FocusPiece[] = [];
  for (const component of priced.components) {
    const list = listed.find((c) => c.component === component.component);
    // A list price that splits the call otherwise (an audio rate on one side only) has no comparable rate for it.
    const listBrackets = list && compare(list.quantity, component.quantity) === 0 ? list.brackets : [];
    pieces.push(...componentPieces(component, listBrackets, priceRef));
  }
  // What only the list price charges (a per-request fee a private price waives): contracted at 0.
  for (const list of listed) {
    if (priced.components.some((c) => c.component === list.component)) continue;
    for (const bracket of list.brackets) {
      if (isZero(bracket.quantity)) continue;
      pieces.push({
        component: list.component,
        rate: fromInteger(0),
        list_rate: bracket.rate,
        price_id: notCharged(priceRef, bracket.rate_field),
        quantity: bracket.quantity,
        billed: 0n,
      });
    }
  }
  return pieces;
}

/** The SkuPriceId of a part the price in force does not charge for and the list price does. */
export function notCharged(priceRef: string, listField: string): string {
  return `${priceRef}:(no ${listField})`;
}

/** A component's pieces: its brackets split at the list brackets' boundaries. */
function componentPieces(component: ComponentCost, list: readonly Bracket[], priceRef: string): FocusPiece[] {
  const pieces: FocusPiece[] = [];
  const own = component.brackets;
  let i = 0;
  let j = 0;
  let ownLeft = own[0]?.quantity ?? fromInteger(0);
  let listLeft = list[0]?.quantity ?? fromInteger(0);
  while (i < own.length) {
    const bracket = own[i]!;
    const quantity = list.length > 0 && compare(listLeft, ownLeft) < 0 ? listLeft : ownLeft;
    if (!isZero(quantity)) {
      pieces.push({
        component: component.component,
        rate: bracket.rate,
        list_rate: list.length > 0 ? list[j]!.rate : bracket.rate,
        price_id: `${priceRef}:${bracket.rate_field}`,
        quantity,
        billed: 0n,
      });
    }
    ownLeft = subtract(ownLeft, quantity);
    if (isZero(ownLeft)) ownLeft = own[++i]?.quantity ?? fromInteger(0);
    if (list.length > 0) {
      listLeft = subtract(listLeft, quantity);
      if (isZero(listLeft) && j + 1 < list.length) listLeft = list[++j]!.quantity;
    }
  }
  let rest = component.cost_nano;
  pieces.forEach((piece, k) => {
    piece.billed = k === pieces.length - 1 ? rest : toNano(multiply(piece.quantity, piece.rate!));
    rest -= piece.billed;
  });
  return pieces;
}
