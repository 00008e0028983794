/**
 * The limits on what the pipeline accepts, in one place (README "Limits" lists them with
 * what happens past each). Log rows past a limit become rejects with the reason; pricing
 * and policy files past a limit are errors of `costs validate` with file and line.
 */

/** A token count above this (any of the seven token fields) is rejected: no call, nor a day of usage bucketed into one row, comes near it. */
export const MAX_TOKENS = 999_999_999_999;

/** Non-token quantities (images, characters, seconds, queries, pages) must be below 10^MAX_QUANTITY_DIGITS … */
export const MAX_QUANTITY_DIGITS = 12;
/** … with at most this many decimal places. */
export const MAX_QUANTITY_SCALE = 18;

/**
 * Money columns are DECIMAL(18,9) (nano-USD in an INT64): a row's cost and list cost must be
 * below 10^9 USD, i.e. at most this many nano-USD. Rows over it are rejected, never wrapped.
 */
export const MAX_ROW_COST_NANO = 10n ** 18n - 1n;

/** The gateway's `reported_cost_usd` must be below 10^9 USD (a DECIMAL(18,9) column) … */
export const MAX_REPORTED_COST_DIGITS = 9;
/** … and have at most this many decimal places (it is rounded half to even to 9). */
export const MAX_REPORTED_COST_SCALE = 30;

/** A rate must be below 10^6 USD per unit … */
export const MAX_RATE_DIGITS = 6;
/** … with at most 24 decimal places (`costs export-rates` writes rates as DECIMAL(38,24)). */
export const MAX_RATE_SCALE = 24;

/** A JSON Lines line or CSV record longer than this many bytes is rejected (its first 4 KiB kept). */
export const MAX_ROW_BYTES = 16 << 20;

/** A metadata value that is an object or list nested deeper than this is rejected. */
export const MAX_METADATA_DEPTH = 32;
