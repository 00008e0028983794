import { compare, formatDecimal, isNegative, multiply, normalize, parseDecimal, type Decimal } from "../pricing/money.ts";
import type { PricingDiff } from "../schemas/pricing-diff.schema.ts";

/** Decimal text, e.g. `{ usd: "100", percent: "5" }` (the defaults). */
export interface FinanceThreshold {
  usd: string;
  percent: string;
}

export const DEFAULT_FINANCE_THRESHOLD: FinanceThreshold = { usd: "100", percent: "5" };

export interface FinanceReview {
  needed: boolean;
  /** Why, in words: `impact +123.400000000 USD (+6.1 %) is over the 100 USD / 5 % threshold`. */
  reason: string;
}

/**
 * A pricing change needs finance review when the diff has impact figures and
 * |change_usd| ≥ threshold USD or |change_share| ≥ threshold percent / 100. Exact decimal
 * comparison, no floats; a null share (no base cost) is judged on USD alone.
 */
export function checkFinanceReview(diff: PricingDiff, threshold: FinanceThreshold): FinanceReview {
  const limit = `${formatDecimal(parseDecimal(threshold.usd))} USD / ${formatDecimal(parseDecimal(threshold.percent))} %`;
  const impact = diff.impact;
  if (!impact) return { needed: false, reason: "the diff has no impact figures (no priced usage in the window)" };
  const usd = parseDecimal(impact.change_usd);
  const usdVsLimit = compare(abs(usd), parseDecimal(threshold.usd));
  const share = impact.change_share === null ? null : parseDecimal(impact.change_share);
  const shareLimit = multiply(parseDecimal(threshold.percent), { coef: 1n, scale: 2 });
  const shareVsLimit = share === null ? -1 : compare(abs(share), shareLimit);
  const shown = `impact ${signed(usd, impact.change_usd)} USD (${share === null ? "no base cost" : `${signed(share, percentText(share))} %`})`;
  if (usdVsLimit > 0 || shareVsLimit > 0) return { needed: true, reason: `${shown} is over the ${limit} threshold` };
  if (usdVsLimit === 0 || shareVsLimit === 0) return { needed: true, reason: `${shown} reaches the ${limit} threshold` };
  return { needed: false, reason: `${shown} is under the ${limit} threshold` };
}

function abs(d: Decimal): Decimal {
  return isNegative(d) ? { coef: -d.coef, scale: d.scale } : d;
}

/** A share as a percentage without trailing zeros: 0.061000 → "6.1", -0.25 → "-25". */
function percentText(share: Decimal): string {
  return formatDecimal(normalize(multiply(share, { coef: 100n, scale: 0 })));
}

function signed(d: Decimal, text: string): string {
  return d.coef > 0n && !text.startsWith("+") ? `+${text}` : text;
}
