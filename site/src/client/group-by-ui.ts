/**
 * The groupBy builder (`[data-groupby]` on /downloads/): pick fields, compute the extract
 * from the cube in the browser, show its exact total and offer the CSV as a download.
 */
import { measureIndex } from "../../../pipeline/src/extracts/to-extract-table.ts";
import { UTF8_BOM } from "../../../pipeline/src/lib/to-csv.ts";
import type { MeasureName } from "../../../pipeline/src/schemas/fields.ts";
import { formatInt, formatNano, formatUsd, NONE_LABEL } from "../lib/format.ts";

/** The measures the preview table shows, with their column labels. */
const PREVIEW: ReadonlyArray<[MeasureName, string]> = [
  ["requests", "requests"],
  ["input_tokens", "input tokens"],
  ["output_tokens", "output tokens"],
  ["cost_usd", "cost_usd"],
  ["unpriced_requests", "unpriced"],
];

export function initGroupBy(root: HTMLElement): void {
  const form = root.querySelector<HTMLFormElement>("form")!;
  const status = root.querySelector<HTMLElement>("[data-testid=groupby-status]")!;
  const total = root.querySelector<HTMLElement>("[data-testid=groupby-total]")!;
  const rowsOut = root.querySelector<HTMLElement>("[data-testid=groupby-rows]")!;
  const check = root.querySelector<HTMLElement>("[data-testid=groupby-check]")!;
  const link = root.querySelector<HTMLAnchorElement>("[data-testid=groupby-download]")!;
  const preview = root.querySelector<HTMLElement>("[data-groupby-preview]")!;
  const result = root.querySelector<HTMLElement>("[data-groupby-result]")!;
  const siteTotal = root.dataset.siteTotal ?? "";
  let objectUrl: string | undefined;
  form.hidden = false;
  root.querySelector("[data-groupby-nojs]")?.remove();

  // Columns come in the order the fields were picked.
  const boxes = [...form.querySelectorAll<HTMLInputElement>("input[name=field]")];
  let picked = boxes.filter((b) => b.checked).map((b) => b.value);
  const order = root.querySelector<HTMLElement>("[data-testid=groupby-order]");
  const showOrder = () => {
    if (order)
      order.textContent = picked.length ? `Columns: ${picked.join(", ")}, then the sums.` : "No field picked: one row with the totals.";
  };
  form.addEventListener("change", (event) => {
    const box = event.target as HTMLInputElement;
    if (box.name !== "field") return;
    picked = picked.filter((f) => f !== box.value);
    if (box.checked) picked.push(box.value);
    showOrder();
  });
  showOrder();

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const checked = new Set(boxes.filter((b) => b.checked).map((b) => b.value));
    const fields = [...picked.filter((f) => checked.has(f)), ...[...checked].filter((f) => !picked.includes(f))];
    root.dataset.state = "running";
    status.textContent = "Loading the cube…";
    void (async () => {
      try {
        const [{ loadCube }, { groupByCube }] = await Promise.all([import("./load-cube.ts"), import("./group-by.ts")]);
        const cube = await loadCube(root.dataset.cube!);
        status.textContent = "Computing…";
        const started = performance.now();
        const extract = await groupByCube(cube, fields);
        const ms = Math.round(performance.now() - started);
        const exact = formatNano(extract.totalCostNano);
        total.textContent = exact;
        total.dataset.value = exact;
        rowsOut.textContent = formatInt(extract.rows.length);
        rowsOut.dataset.value = String(extract.rows.length);
        const same = exact === siteTotal;
        check.textContent = same ? `equals the site total (${formatUsd(siteTotal)})` : `differs from the site total ${siteTotal}`;
        check.dataset.ok = String(same);
        if (objectUrl) URL.revokeObjectURL(objectUrl);
        // The UTF-8 byte order mark first: this file is for spreadsheets, and Excel needs it to read accented names.
        objectUrl = URL.createObjectURL(new Blob([UTF8_BOM, extract.csv], { type: "text/csv;charset=utf-8" }));
        link.href = objectUrl;
        link.download = `cost-by-${fields.length ? fields.join("-").replace(/[^A-Za-z0-9_-]+/g, "_") : "total"}.csv`;
        link.textContent = `Download ${link.download} (${formatInt(new TextEncoder().encode(UTF8_BOM + extract.csv).length)} bytes)`;
        renderPreview(preview, extract.groupBy, extract.rows.slice(0, 20), extract.rows.length);
        result.hidden = false;
        status.textContent = `Computed ${formatInt(extract.rows.length)} rows from ${formatInt(cube.rows)} cube rows in ${ms} ms.`;
        root.dataset.ms = String(ms);
        root.dataset.state = "done";
      } catch (error) {
        root.dataset.state = "error";
        status.textContent = `Could not compute the extract: ${(error as Error).message}`;
        console.error("groupBy:", error);
      }
    })();
  });
}

function renderPreview(container: HTMLElement, groupBy: string[], rows: unknown[][], count: number): void {
  const table = document.createElement("table");
  table.dataset.testid = "table-groupby-preview";
  const caption = table.createCaption();
  caption.textContent = count > rows.length ? `First ${rows.length} of ${formatInt(count)} rows` : `${formatInt(count)} rows`;
  const header = [...groupBy, ...PREVIEW.map(([, label]) => label)];
  const head = table.createTHead().insertRow();
  header.forEach((label, i) => {
    const th = document.createElement("th");
    th.scope = "col";
    if (i >= groupBy.length) th.className = "num";
    th.textContent = label;
    head.append(th);
  });
  const body = table.createTBody();
  const width = groupBy.length;
  for (const row of rows) {
    const tr = body.insertRow();
    const values = [...row.slice(0, width), ...PREVIEW.map(([name]) => row[width + measureIndex(name)])];
    values.forEach((v, i) => {
      const td = tr.insertCell();
      if (i < width) {
        td.textContent = v === null ? NONE_LABEL : String(v);
        if (v === null) td.className = "none";
      } else {
        td.className = "num";
        td.textContent = typeof v === "bigint" ? formatNano(v) : formatInt(v as number);
      }
    });
  }
  const wrap = document.createElement("div");
  wrap.className = "table-wrap";
  wrap.append(table);
  container.replaceChildren(wrap);
}
