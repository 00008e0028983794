/**
 * The groupBy builder (`[data-groupby]` on /downloads/): filter the calls (the site's
 * filter fields and their search over every cube value: `filterControls`), pick fields and
 * put them in order, compute the extract from the cube in the browser, show its exact
 * total against the same filter's total and offer the CSV as a download.
 *
 * The builder starts with the filter the link brought (`?team=…`, as every page carries
 * it) and then follows its own fields; it does not change the URL. A typed value the cube
 * does not hold is refused: the field is marked invalid, the status names it, and nothing
 * is computed.
 */
import { measureIndex } from "../../../pipeline/src/extracts/to-extract-table.ts";
import { UTF8_BOM } from "../../../pipeline/src/lib/to-csv.ts";
import type { MeasureName } from "../../../pipeline/src/schemas/fields.ts";
import { formatInt, formatNano, formatUsd, NONE_LABEL } from "../lib/format.ts";
import { allUnpriced, UNPRICED_LABEL } from "../lib/unpriced.ts";
import { extractFileName } from "./extract-file-name.ts";
import { filterControls } from "./filters.ts";

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

  // The filter: the site's fields, started from the link's filter.
  const filters = filterControls(form);
  filters.listen(() => undefined);
  const fromLink = new URLSearchParams(location.search);
  filters.fillFrom(fromLink);
  filters.syncPresets();
  // A metadata key the data does not have (the select cannot show it): named, and nothing computed until the key is changed.
  const linkKey = fromLink.get("mk");
  const keySelect = filters.control("mk");
  if (fromLink.get("mv") !== null && linkKey && keySelect && !keySelect.value) {
    keySelect.setAttribute("aria-invalid", "true");
    keySelect.dataset.refused = linkKey;
    status.textContent = `The link's metadata key “${linkKey}” is not in the data: choose a key, or clear the filter.`;
  }
  form.querySelector("[data-testid=groupby-filter-clear]")?.addEventListener("click", () => filters.clear());

  // Columns come in the order the fields were picked, then as the user moves them.
  const boxes = [...form.querySelectorAll<HTMLInputElement>("input[name=field]")];
  const labelOf = (field: string) => boxes.find((b) => b.value === field)?.dataset.label ?? field;
  let picked = boxes.filter((b) => b.checked).map((b) => b.value);
  const order = root.querySelector<HTMLOListElement>("[data-testid=groupby-order]")!;
  const showOrder = (focus?: { field: string; move: "up" | "down" }) => {
    order.replaceChildren(...picked.map((field, i) => orderItem(field, labelOf(field), i === 0, i === picked.length - 1)));
    if (picked.length === 0) {
      const li = document.createElement("li");
      li.className = "muted";
      li.textContent = "No field picked: one row with the totals.";
      order.append(li);
    }
    if (focus) {
      // Keep the keyboard on the field just moved; at the top or bottom, on its other button.
      const item = [...order.children].find((li) => (li as HTMLElement).dataset.field === focus.field);
      const buttons = [...(item?.querySelectorAll<HTMLButtonElement>("button") ?? [])];
      (buttons.find((b) => b.dataset.move === focus.move && !b.disabled) ?? buttons.find((b) => !b.disabled))?.focus();
    }
  };
  order.addEventListener("click", (event) => {
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>("button[data-move]");
    if (!button) return;
    const field = (button.closest("li") as HTMLElement).dataset.field!;
    const move = button.dataset.move as "up" | "down";
    const at = picked.indexOf(field);
    const to = move === "up" ? at - 1 : at + 1;
    if (at < 0 || to < 0 || to >= picked.length) return;
    [picked[at], picked[to]] = [picked[to]!, picked[at]!];
    showOrder({ field, move });
  });
  form.addEventListener("change", (event) => {
    const target = event.target as HTMLInputElement | HTMLSelectElement;
    if (target === filters.control("mk")) filters.resetMetadataValue();
    if (target.name === "from" || target.name === "to") filters.syncPresets();
    if (target.name !== "field") return;
    picked = picked.filter((f) => f !== target.value);
    if ((target as HTMLInputElement).checked) picked.push(target.value);
    showOrder();
  });
  form.addEventListener("input", (event) => {
    // A value being corrected is no longer marked invalid.
    (event.target as HTMLElement).removeAttribute("aria-invalid");
  });
  showOrder();

  // The code a run needs (a few KB) is loaded once the page is idle, so the first click does not wait for it.
  const preload = () =>
    void Promise.all([import("./group-by.ts"), import("./cube-query.ts"), import("./load-cube.ts")]).catch(() => undefined);
  if ("requestIdleCallback" in window) requestIdleCallback(preload, { timeout: 2_000 });
  else setTimeout(preload, 500);

  // The columns a run reads: the fields (a month is read from the date) and the check's date and policy status.
  const cubeColumns = (fields: string[]) => [...fields.map((f) => (f === "month" ? "date" : f)), "date", "policy_status"];
  // The cube file a run would read is fetched as soon as a field or filter changes, while the user is still choosing.
  form.addEventListener("change", () => {
    const fields = boxes.filter((b) => b.checked).map((b) => b.value);
    void filters.cubeFor(filters.readFilter(), cubeColumns(fields)).catch(() => undefined);
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const checked = new Set(boxes.filter((b) => b.checked).map((b) => b.value));
    const fields = [...picked.filter((f) => checked.has(f)), ...[...checked].filter((f) => !picked.includes(f))];
    const filter = filters.readFilter();
    root.dataset.state = "running";
    status.textContent = "Loading the cube…";
    void (async () => {
      try {
        const [{ groupByCube, csvBytes }, query] = await Promise.all([import("./group-by.ts"), import("./cube-query.ts")]);
        // A value the data does not hold is refused, never silently dropped.
        const refused = filters.refuse(filter, query.isActive(filter) ? await filters.unknownValues(filter) : []);
        if (keySelect?.getAttribute("aria-invalid") === "true")
          refused.unshift(`no metadata key “${keySelect.dataset.refused ?? ""}” in the data`);
        if (refused.length) {
          result.hidden = true;
          root.dataset.state = "refused";
          status.textContent = `Not computed: ${refused.join("; ")}. Pick a value from the suggestions, or clear the field.`;
          return;
        }
        // A filter on one user or metadata value reads that value's shard of the cube, when there are shards.
        const cube = await filters.cubeFor(filter, cubeColumns(fields));
        status.textContent = "Computing…";
        const started = performance.now();
        const extract = await groupByCube(cube, fields, filter);
        const ms = Math.round(performance.now() - started);
        const active = query.isActive(filter);
        const scope = active ? `filter: ${filters.describe(filter)}` : "whole period, no filter";
        const exact = formatNano(extract.totalCostNano);
        // Calls only the cube's unpriced models made have no cost: "unpriced", never a zero (the exact sum stays in data-value).
        total.textContent = allUnpriced({ requests: extract.requests, unpriced_requests: extract.unpricedRequests })
          ? UNPRICED_LABEL
          : exact;
        total.dataset.value = exact;
        rowsOut.textContent = formatInt(extract.length);
        rowsOut.dataset.value = String(extract.length);
        // The check: the site total, or under a filter the filtered total as the overview's KPIs compute it.
        let expected = siteTotal;
        let calls: number | undefined;
        if (active) {
          const columns = ["date", "policy_status", ...query.MEASURES, ...Object.keys(filter.equals)];
          const sums = query.totals(query.filterCube(await cube.table(columns), filter));
          expected = formatNano(sums.cost);
          calls = sums.requests;
        }
        const same = exact === expected;
        const against = active ? "the filtered total" : "the site total";
        check.textContent = same ? `equals ${against} (${formatUsd(expected)})` : `differs from ${against} ${expected}`;
        check.dataset.ok = String(same);
        check.dataset.expected = expected;
        if (objectUrl) URL.revokeObjectURL(objectUrl);
        // The UTF-8 byte order mark first: this file is for spreadsheets, and Excel needs it to read accented names.
        objectUrl = URL.createObjectURL(
          new Blob([UTF8_BOM, ...(extract.csv as Uint8Array<ArrayBuffer>[])], { type: "text/csv;charset=utf-8" }),
        );
        link.href = objectUrl;
        link.download = extractFileName(fields, filter, filter.from || filter.to ? filters.windowOf(filter) : undefined);
        link.textContent = `Download ${link.download} (${formatInt(new TextEncoder().encode(UTF8_BOM).length + csvBytes(extract))} bytes)`;
        renderPreview(
          preview,
          extract.groupBy,
          Array.from({ length: Math.min(20, extract.length) }, (_, i) => extract.row(i)),
          extract.length,
          scope,
        );
        result.hidden = false;
        const matched = calls === undefined ? "" : `, ${formatInt(calls)} calls`;
        status.textContent = `Computed ${formatInt(extract.length)} rows from ${formatInt(cube.rows)} cube rows (${scope}${matched}) in ${ms} ms.`;
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

/** One picked field in the column order, with its move buttons (named after the field for screen readers). */
function orderItem(field: string, label: string, first: boolean, last: boolean): HTMLLIElement {
  const li = document.createElement("li");
  li.dataset.field = field;
  const name = document.createElement("span");
  name.className = "field-name";
  name.textContent = label;
  li.append(name);
  for (const [move, text, end] of [
    ["up", "↑", first],
    ["down", "↓", last],
  ] as const) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "move";
    button.dataset.move = move;
    button.dataset.testid = `groupby-${move}-${field}`;
    button.setAttribute("aria-label", `Move ${label} ${move}`);
    button.textContent = text;
    button.disabled = end;
    li.append(button);
  }
  return li;
}

function renderPreview(container: HTMLElement, groupBy: string[], rows: unknown[][], count: number, scope: string): void {
  const table = document.createElement("table");
  table.dataset.testid = "table-groupby-preview";
  const caption = table.createCaption();
  caption.textContent = `${count > rows.length ? `First ${rows.length} of ${formatInt(count)} rows` : `${formatInt(count)} rows`} (${scope})`;
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
      // A group of unpriced calls only has no cost: "unpriced", never a zero.
      if (
        header[i] === "cost_usd" &&
        allUnpriced({
          requests: row[width + measureIndex("requests")] as number,
          unpriced_requests: row[width + measureIndex("unpriced_requests")] as number,
        })
      ) {
        td.textContent = UNPRICED_LABEL;
        td.classList.add("none");
      }
    });
  }
  const wrap = document.createElement("div");
  wrap.className = "table-wrap";
  wrap.append(table);
  container.replaceChildren(wrap);
}
