/**
 * Click-to-sort for `table[data-sortable]`: header labels become buttons; rows are
 * ordered by each cell's data-sort (numbers compared exactly as decimals, else text).
 * The table is complete HTML without this.
 */
const NUMBER = /^-?\d+(?:\.\d+)?$/;

/** Exact comparison of decimal texts ("0.000000069" < "0.00000007"). */
function compareDecimal(a: string, b: string): number {
  const [ai, af = ""] = a.split(".");
  const [bi, bf = ""] = b.split(".");
  const width = Math.max(af.length, bf.length);
  const x = BigInt(ai! + af.padEnd(width, "0"));
  const y = BigInt(bi! + bf.padEnd(width, "0"));
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Order of two sort keys (data-sort): exact decimals, else text; empty first. */
export function compare(a: string, b: string): number {
  if (a === b) return 0;
  if (a === "") return -1;
  if (b === "") return 1;
  if (NUMBER.test(a) && NUMBER.test(b)) return compareDecimal(a, b);
  return a.localeCompare(b, "en");
}

export type Direction = "ascending" | "descending";

/** Tables whose rows are not all in the document (paginated): they sort their own rows. */
export const sorters = new WeakMap<HTMLTableElement, (column: number, direction: Direction) => void>();

export function sortTable(table: HTMLTableElement, column: number, direction: Direction): void {
  const sorter = sorters.get(table);
  if (sorter) {
    markSorted(table, column, direction);
    sorter(column, direction);
    return;
  }
  const body = table.tBodies[0];
  if (!body) return;
  const rows = [...body.rows];
  const key = (row: HTMLTableRowElement) => row.cells[column]?.dataset.sort ?? "";
  rows.sort((r1, r2) => {
    const c = compare(key(r1), key(r2));
    return direction === "ascending" ? c : -c;
  });
  body.append(...rows);
  markSorted(table, column, direction);
}

function markSorted(table: HTMLTableElement, column: number, direction: Direction): void {
  table.querySelectorAll("thead th").forEach((th, i) => {
    if (i === column) th.setAttribute("aria-sort", direction);
    else th.removeAttribute("aria-sort");
  });
}

/** Re-applies the table's current sort (after its rows were replaced). */
export function resort(table: HTMLTableElement): void {
  if (sorters.has(table)) return; // a paginated table keeps its sort itself
  const headers = [...table.querySelectorAll("thead th")];
  const index = headers.findIndex((th) => th.hasAttribute("aria-sort"));
  if (index >= 0) sortTable(table, index, headers[index]!.getAttribute("aria-sort") as Direction);
}

export function enableSorting(table: HTMLTableElement): void {
  if (table.dataset.sortEnabled) return;
  table.dataset.sortEnabled = "true";
  table.querySelectorAll<HTMLTableCellElement>("thead th").forEach((th, index) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.textContent = th.textContent ?? "";
    th.textContent = "";
    th.append(button);
    button.addEventListener("click", () => {
      const current = th.getAttribute("aria-sort");
      const numeric = th.classList.contains("num");
      const next = current === null ? (numeric ? "descending" : "ascending") : current === "ascending" ? "descending" : "ascending";
      sortTable(table, index, next);
    });
  });
}
