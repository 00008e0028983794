/** Replaces a DataTable's rows (built with createElement/textContent: log values stay text). */
import { cell, type TableColumn } from "../lib/table.ts";
import { resort } from "./sort-table.ts";

export function renderRows(table: HTMLTableElement, rows: Record<string, unknown>[]): void {
  const columns = JSON.parse(table.dataset.columns ?? "[]") as TableColumn[];
  const limit = Number(table.dataset.limit ?? 500);
  const body = document.createElement("tbody");
  for (const row of rows.slice(0, limit)) {
    const tr = document.createElement("tr");
    columns.forEach((c, i) => {
      const v = cell(c.kind, row[c.key], row);
      const td = document.createElement(i === 0 ? "th" : "td");
      if (i === 0) td.setAttribute("scope", "row");
      const cls = [v.numeric ? "num" : "", v.none ? "none" : "", c.kind === "code" ? "mono" : ""].filter(Boolean);
      if (cls.length) td.className = cls.join(" ");
      td.dataset.value = v.value;
      td.dataset.sort = v.sort;
      td.textContent = v.text;
      tr.append(td);
    });
    body.append(tr);
  }
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
