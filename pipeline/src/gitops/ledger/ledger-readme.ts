/** `README.md` at the root of the ledger branch: what it is, for someone who finds it in the repository. */
export const LEDGER_README = `# costs-ledger: what the nightly reported

This branch is written by \`costs ledger record\` (the nightly workflow's \`ledger\` job), never
by hand. It has no common history with the project's code: it is a ledger, one commit per
nightly that published something new or changed.

- \`days/YYYY-MM-DD.json\`: one entry per published day: rows, \`cost_usd\`, \`list_cost_usd\`
  (exact decimals, 9 places), unpriced requests, the pricing version, each priced Parquet
  file with its sha256, the sha256 of the day's rollup, when it was first and last recorded,
  and \`restatements\`: every later change of the day's totals, old → new, with its reason
  (\`restate\`: re-priced by \`costs restate\` after a pricing change, with the pricing commit;
  \`re-run\`: a re-run accepted with \`--accept-changes\`). \`dropped_at\` marks a day that a run
  published without, knowingly (\`--allow-missing-history\`).
- \`rollups/date=YYYY-MM-DD.json\`: a byte copy of the day's rollup (totals and the aggregates
  every extract, the FOCUS export and the site are built from). \`costs ledger restore\` copies
  them back into a data folder that lost its history, so the reports can be rebuilt.

Before it publishes, the nightly runs \`costs ledger verify\`: it fails when the restored
history lacks a day recorded here, so losing history never silently shrinks the reported
totals. See docs/github.md ("The ledger") in the project.
`;
