/** Replaces a DataTable's rows (built with createElement/textContent: log values stay text). */
import { drillHref, type Drill } from "../lib/drill.ts";
import { cell, type TableColumn } from "../lib/table.ts";
import { isPaginated, setTableRows } from "./paginate-table.ts";
import { resort } from "./sort-table.ts";

/** The columns and drill-down of a DataTable, from its data attributes. */
export function tableSpec(table: HTMLTableElement): { columns: TableColumn[]; drill: Drill | null } {
  return {
    columns: JSON.parse(table.dataset.columns ?? "[]") as TableColumn[],
    drill: table.dataset.drill ? (JSON.parse(table.dataset.drill) as Drill) : null,
  };
}

/** One body row, as DataTable.astro writes it; the key links to the filtered view when the table drills down. */
export function rowElement(columns: TableColumn[], row: Record<string, unknown>, drill: Drill | null): HTMLTableRowElement {
  const tr = document.createElement("tr");
  columns.forEach((c, i) => {
    const v = cell(c.kind, row[c.key], row);
    const td = document.createElement(i === 0 ? "th" : "td");
    if (i === 0) td.setAttribute("scope", "row");
    const cls = [v.numeric ? "num" : "", v.none ? "none" : "", c.kind === "code" ? "mono" : ""].filter(Boolean);
    if (cls.length) td.className = cls.join(" ");
    td.dataset.value = v.value;
    td.dataset.sort = v.sort;
    if (i === 0 && drill && c.kind === "key") {
      const a = document.createElement("a");
      a.className = "drill";
      a.href = drillHref(drill, (row[c.key] as string | null | undefined) ?? null, location.search);
      a.textContent = v.text;
      td.append(a);
    } else td.textContent = v.text;
    tr.append(td);
  });
  return tr;
}

export function renderRows(table: HTMLTableElement, rows: Record<string, unknown>[]): void {
  if (isPaginated(table)) {
    void setTableRows(table, rows);
    return;
  }
  const { columns, drill } = tableSpec(table);
  const limit = Number(table.dataset.limit ?? 500);
  const body = document.createElement("tbody");
  for (const row of rows.slice(0, limit)) body.append(rowElement(columns, row, drill));
  table.tBodies[0]?.replaceWith(body);
  resort(table);
  const note = table.closest(".table-wrap")?.nextElementSibling;
  if (note?.classList.contains("table-note")) {
    const shown = Math.min(rows.length, limit);
    note.textContent =
      rows.length === 0
        ? "No rows."
        : shown < rows.length
          ? `${shown} of ${rows.length} rows shown.`
          : `${rows.length} ${rows.length === 1 ? "row" : "rows"}.`;
    (note as HTMLElement).dataset.totalRows = String(rows.length);
  }
}

/** Puts the build's rows back in a paginated table (true), or does nothing for the others (false: the caller restores them). */
export function restoreRows(table: HTMLTableElement): boolean {
  if (!isPaginated(table)) return false;
  void setTableRows(table, null);
  return true;
}
