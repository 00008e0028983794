/**
 * The compact JSON of a breakdown table's rows (`tables/<breakdown file>`), written at build
 * time by pages/tables/[name].json.ts and read in the browser by client/paginate-table.ts.
 */
export const TABLE_ROW_COLUMNS = [
  "key",
  "requests",
  "input_tokens",
  "output_tokens",
  "cost_usd",
  "list_cost_usd",
  "share",
  "unpriced_requests",
] as const;

export interface TableRowsFile {
  dimension: string;
  columns: string[];
  rows: unknown[][];
}

/** The site path of a breakdown's rows, relative to the base (`href` it). */
export function tableRowsPath(file: string): string {
  return `tables/${file}`;
}

/** Rows back as records keyed by column, as the tables and the cube's breakdown have them. */
export function fromTableRows(file: TableRowsFile): Record<string, unknown>[] {
  return file.rows.map((row) => Object.fromEntries(file.columns.map((c, i) => [c, row[i]])));
}
