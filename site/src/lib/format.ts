/**
 * Display formatting shared by the pages (build time) and the client (filters). Money
 * arrives as exact decimal text ("138.635910151") or nano-USD bigint; it is rounded only
 * for display, half away from zero, and the exact text is kept beside it (data-value).
 * No `node:` imports: bundled into the browser too.
 */
import { formatNano, parseNano, ratio } from "../../../pipeline/src/pricing/money.ts";

export { formatNano, parseNano };

const INT = new Intl.NumberFormat("en-US");

/** 4184 → "4,184". */
export function formatInt(n: number | bigint): string {
  return INT.format(n);
}

/** Rounds nano-USD to `digits` decimals, half away from zero, as digit text with thousands separators. */
function roundNano(nano: bigint, digits: number): string {
  const negative = nano < 0n;
  const magnitude = negative ? -nano : nano;
  const unit = 10n ** BigInt(9 - digits);
  const rounded = (magnitude + unit / 2n) / unit;
  const text = rounded.toString().padStart(digits + 1, "0");
  const whole = text.slice(0, text.length - digits);
  const frac = digits > 0 ? `.${text.slice(-digits)}` : "";
  return `${negative ? "−" : ""}${INT.format(BigInt(whole))}${frac}`;
}

/**
 * "$138.64" from "138.635910151" (or nano-USD). Amounts under a cent keep 4 significant
 * decimals ("$0.0045") so small costs do not show as $0.00.
 */
export function formatUsd(value: string | bigint): string {
  const nano = typeof value === "bigint" ? value : parseNano(value);
  const magnitude = nano < 0n ? -nano : nano;
  if (magnitude === 0n) return "$0.00";
  if (magnitude < 10_000n) return `${nano < 0n ? "−" : ""}<$0.00001`;
  const digits = magnitude >= 10_000_000n ? 2 : 5;
  const text = roundNano(nano, digits);
  return text.startsWith("−") ? `−$${text.slice(1)}` : `$${text}`;
}

/** Exact 9-decimal text with a dollar sign, for tables about exact differences. */
export function formatUsdExact(value: string | bigint): string {
  const text = typeof value === "bigint" ? formatNano(value) : value;
  return text.startsWith("-") ? `−$${text.slice(1)}` : `$${text}`;
}

/** "0.918118" → "91.81%"; null → "n/a". */
export function formatShare(share: string | null): string {
  if (share === null) return "n/a";
  const micro = BigInt(share.replace(".", ""));
  const negative = micro < 0n;
  const basis = ((negative ? -micro : micro) + 50n) / 100n; // hundredths of a percent
  const text = basis.toString().padStart(3, "0");
  return `${negative ? "−" : ""}${text.slice(0, -2)}.${text.slice(-2)}%`;
}

/** A signed change: "+12.35%" / "−3.10%" / "n/a". */
export function formatChange(share: string | null): string {
  if (share === null) return "n/a";
  const text = formatShare(share);
  return text.startsWith("−") || text === "0.00%" ? text : `+${text}`;
}

/** An exact ratio as a 6-decimal string, rounded half to even: the pipeline's own. */
export { ratio };

/** Nano-USD to a float USD, for chart marks only (never for totals). */
export function nanoToNumber(nano: bigint): number {
  return Number(nano) / 1e9;
}

/** Integer sort key of a 6-decimal share ("0.918118" → "918118"); "" for null. */
export function shareSortKey(share: string | null): string {
  return share === null ? "" : BigInt(share.replace(".", "")).toString();
}

/** Label for a null dimension value. */
export const NONE_LABEL = "(none)";

export function formatTimestamp(iso: string): string {
  return iso.replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC");
}
