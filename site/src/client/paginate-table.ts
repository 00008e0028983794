/**
 * Pages and search for breakdown tables (`table[data-page-size]`): the page holds the
 * first page of rows (complete without JavaScript); this adds a search box (by key) and
 * page controls over every row. The build's rows are fetched once from `data-rows-url`
 * (pages/tables/[name].json.ts) on the first search, page change or sort; rows the
 * filters computed from the cube replace them (`setTableRows`). Sorting orders all rows,
 * not only the page shown, with the same comparison as sort-table.ts.
 */
import { formatInt } from "../lib/format.ts";
import { cell } from "../lib/table.ts";
import { fromTableRows, type TableRowsFile } from "../lib/table-rows.ts";
import { rowElement, tableSpec } from "./render-table.ts";
import { compare, sorters, type Direction } from "./sort-table.ts";

type Row = Record<string, unknown>;

interface State {
  table: HTMLTableElement;
  tools: HTMLElement | null;
  status: HTMLElement | null;
  pageSize: number;
  /** The build's rows, once fetched. */
  base: Promise<Row[]> | null;
  /** Rows computed by the filters; null: the build's. */
  filtered: Row[] | null;
  query: string;
  /** Zero-based. */
  page: number;
  sort: { column: number; direction: Direction } | null;
  /** Updates run one at a time; only the last one writes. */
  sequence: number;
}

const states = new WeakMap<HTMLTableElement, State>();

export function isPaginated(table: HTMLTableElement): boolean {
  return table.dataset.pageSize !== undefined;
}

export function enablePagination(table: HTMLTableElement): void {
  if (states.has(table) || !isPaginated(table)) return;
  const wrap = table.closest(".table-wrap");
  const tools = wrap?.previousElementSibling?.classList.contains("table-tools") ? (wrap.previousElementSibling as HTMLElement) : null;
  const state: State = {
    table,
    tools,
    status: wrap?.nextElementSibling?.querySelector<HTMLElement>(".table-status") ?? null,
    pageSize: Math.max(1, Number(table.dataset.pageSize)),
    base: null,
    filtered: null,
    query: "",
    page: 0,
    sort: null,
    sequence: 0,
  };
  states.set(table, state);
  sorters.set(table, (column, direction) => {
    state.sort = { column, direction };
    state.page = 0;
    void run(state);
  });
  if (!tools) return;
  tools.hidden = false;
  const search = tools.querySelector<HTMLInputElement>("input[type=search]");
  let timer: ReturnType<typeof setTimeout> | undefined;
  search?.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      state.query = search.value.trim();
      state.page = 0;
      void run(state);
    }, 120);
  });
  for (const button of tools.querySelectorAll<HTMLButtonElement>("button[data-page]")) {
    button.addEventListener("click", () => {
      state.page += button.dataset.page === "next" ? 1 : -1;
      void run(state);
    });
  }
}

/** Shows `rows` (the filters' answer) from their first page, or the build's rows again (null). */
export function setTableRows(table: HTMLTableElement, rows: Row[] | null): Promise<void> {
  const state = states.get(table);
  if (!state) return Promise.resolve();
  state.filtered = rows;
  state.page = 0;
  return run(state);
}

function run(state: State): Promise<void> {
  return update(state).catch((error: unknown) => {
    if (state.status) state.status.textContent = `The other rows could not be loaded: ${(error as Error).message}`;
    console.error(`table ${state.table.dataset.testid}:`, error);
  });
}

function baseRows(state: State): Promise<Row[]> {
  state.base ??= fetch(state.table.dataset.rowsUrl!).then(async (response) => {
    if (!response.ok) throw new Error(`${response.url}: HTTP ${response.status}`);
    return fromTableRows((await response.json()) as TableRowsFile);
  });
  // A failed fetch is tried again on the next use.
  state.base.catch(() => {
    state.base = null;
  });
  return state.base;
}

/** The text the search matches: the key as the table shows it ("(none)" for null). */
function keyText(row: Row): string {
  return cell("key", row.key).text.toLowerCase();
}

async function update(state: State): Promise<void> {
  const id = ++state.sequence;
  const { table } = state;
  table.dataset.state = "loading";
  const all = state.filtered ?? (await baseRows(state));
  if (id !== state.sequence) return;
  const { columns, drill } = tableSpec(table);
  let rows = all;
  const query = state.query.toLowerCase();
  if (query) rows = rows.filter((r) => keyText(r).includes(query));
  if (state.sort) {
    const { column, direction } = state.sort;
    const c = columns[column]!;
    const keyed = rows.map((row) => ({ row, sort: cell(c.kind, row[c.key], row).sort }));
    keyed.sort((a, b) => (direction === "ascending" ? compare(a.sort, b.sort) : -compare(a.sort, b.sort)));
    rows = keyed.map((k) => k.row);
  }
  const pages = Math.max(1, Math.ceil(rows.length / state.pageSize));
  state.page = Math.min(Math.max(state.page, 0), pages - 1);
  const first = state.page * state.pageSize;
  const shown = rows.slice(first, first + state.pageSize);
  const body = document.createElement("tbody");
  for (const row of shown) body.append(rowElement(columns, row, drill));
  table.tBodies[0]?.replaceWith(body);

  const quoted = `“${state.query}”`;
  const range = `Rows ${formatInt(shown.length ? first + 1 : 0)}–${formatInt(first + shown.length)} of ${formatInt(rows.length)}`;
  const text = !query
    ? `${range}.`
    : rows.length === 0
      ? `No rows match ${quoted} (${formatInt(all.length)} in all).`
      : `${range} matching ${quoted} (${formatInt(all.length)} in all).`;
  if (state.status) state.status.textContent = text;
  const note = state.status?.closest<HTMLElement>(".table-note");
  if (note) note.dataset.totalRows = String(rows.length);
  table.dataset.page = String(state.page + 1);
  table.dataset.pages = String(pages);
  table.dataset.totalRows = String(rows.length);
  const button = (which: string) => state.tools?.querySelector<HTMLButtonElement>(`button[data-page=${which}]`);
  const prev = button("prev");
  const next = button("next");
  if (prev) prev.disabled = state.page === 0;
  if (next) next.disabled = state.page >= pages - 1;
  table.dataset.state = "ready";
}
