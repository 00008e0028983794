/**
 * The filter form (`form[data-filters]`): on first use it loads the cube, then every
 * change recomputes the page's headline numbers (`.kpi-value`), tables
 * (`table[data-source]`), charts (`figure[data-source]`) and the figures around them
 * (filter-figures.ts) from the filtered cube. With no filter active the build's own
 * figures are put back. The state is kept in the URL query (`?team=payments&from=2026-07-01`),
 * so a filtered view can be shared, and links to other pages carry it (carry-filter.ts).
 * Team, model, user and metadata value are typed: the suggestions search every value of
 * the cube (filter-values.ts), and a value from a link that the cube does not hold is
 * kept in the URL, marked invalid and named in the status, not applied. The metadata key
 * is chosen and kept in the URL by its slug (`mk=customer_id`, `mk=_a_3ab` for `a:b`);
 * `data-metadata-keys` maps slugs back to keys.
 */
import type { ChartPayload } from "../charts/index.ts";
import { toBars } from "../charts/bar-spec.ts";
import { formatInt, NONE_LABEL } from "../lib/format.ts";
import { parseDataSource } from "../lib/data-source.ts";
import { costText } from "../lib/unpriced.ts";
import { changeFrom, changeKpi, totalsFrom, totalsKpis, type KpiValue } from "../lib/kpis.ts";
import { renderRows, restoreRows } from "./render-table.ts";
import { resort } from "./sort-table.ts";
import type { CubeFilter } from "./cube-query.ts";
import type { Cube, CubeParts } from "./load-cube.ts";
import type { TableRowsFile } from "../lib/table-rows.ts";
import { carryToLinks, FILTER_FIELDS, NULL_PARAM } from "./carry-filter.ts";
import { distinctKpi, restoreFigures, saveFigures, showFigures } from "./filter-figures.ts";
import { columnValues, fromInput, type ColumnValues } from "./filter-values.ts";

/** Typed fields: the form control's name → the cube column it filters (mv: the chosen metadata key's). */
const COMBOS = ["team", "model", "user", "mv"] as const;
/** Suggestions shown under a typed field. */
const SUGGESTIONS = 50;

interface Snapshot {
  kpis: { el: HTMLElement; text: string; value: string | undefined }[];
  tables: { table: HTMLTableElement; body: Node; note: string; total: string | undefined }[];
  charts: { figure: HTMLElement; payload: ChartPayload }[];
}

/** The unknown typed values of a filter: the form control, the cube column and the value. */
export interface UnknownValue {
  name: (typeof COMBOS)[number];
  column: string;
  value: string | null;
}

/**
 * The filter fields of a form (`from`, `to`, `team`, `model`, `user`, `mk`, `mv`, the preset
 * buttons; `data-cube` and `data-metadata-keys` on the form): reading them as a cube filter,
 * the suggestions that search every value of the cube, the check of typed values and the
 * URL's filter. Used by the site's filter form and by the groupBy builder on Downloads.
 */
export function filterControls(form: HTMLFormElement) {
  const control = (name: string) => form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;

  const cubeUrl = form.dataset.cube!;
  const metadataKeys = new Map(JSON.parse(form.dataset.metadataKeys ?? "[]") as [string, string][]);
  /** The cube column of the chosen metadata key (`metadata.<key>`), or null. */
  const metadataColumn = (): string | null => {
    const key = metadataKeys.get(control("mk")?.value ?? "");
    return key === undefined ? null : `metadata.${key}`;
  };
  /** The cube column a typed field filters. */
  const columnOf = (name: string): string | null => (name === "mv" ? metadataColumn() : name);
  const modules = () => Promise.all([import("./load-cube.ts"), import("./cube-query.ts")]);

  const parts: CubeParts = form.dataset.cubeParts
    ? (JSON.parse(form.dataset.cubeParts) as CubeParts)
    : { href: cubeUrl, rows: Infinity, shards: [], projections: [] };
  const shardOfColumn = (column: string) => parts.shards.find((s) => s.dimension === column);

  /** The smallest cube file that answers a question about `columns` under `filter` (a value's shard, the projection, else the whole cube). */
  const cubeFor = (filter: CubeFilter, columns: Iterable<string>): Promise<Cube> =>
    import("./load-cube.ts").then(({ loadCube, cubeUrlFor }) => loadCube(cubeUrlFor(parts, filter, columns)));

  /**
   * Every value of a column, costliest first, loaded once: from the cube, or for a sharded
   * dimension from its breakdown table's rows (the same values, in the same order), so that
   * the suggestions never fetch the whole cube.
   */
  const known = new Map<string, Promise<ColumnValues>>();
  function valuesOf(column: string): Promise<ColumnValues> {
    if (!known.has(column)) {
      const shard = shardOfColumn(column);
      const loading = shard
        ? fetch(shard.values).then(async (response) => {
            if (!response.ok) throw new Error(`cannot load ${shard.values}: HTTP ${response.status}`);
            const table = (await response.json()) as TableRowsFile;
            const key = table.columns.indexOf("key");
            return columnValues(table.rows.map((row) => row[key] as string | null));
          })
        : modules().then(async ([, query]) => {
            const cube = await cubeFor({ equals: {} }, [column, "cost_usd"]);
            return columnValues(query.valuesOf(await cube.table([column, "cost_usd"]), column));
          });
      loading.catch(() => known.delete(column));
      known.set(column, loading);
    }
    return known.get(column)!;
  }

  /** Fills a typed field's suggestions with the cube's values that contain its text. */
  async function suggest(input: HTMLInputElement): Promise<void> {
    const column = columnOf(input.name);
    const list = input.list;
    if (!column || !list) return;
    const text = input.value;
    const values = await valuesOf(column);
    if (input.value !== text || columnOf(input.name) !== column) return; // typed on meanwhile
    list.replaceChildren(
      ...values.search(text, SUGGESTIONS).map((v) => {
        const option = document.createElement("option");
        option.value = v ?? NONE_LABEL;
        return option;
      }),
    );
  }

  function readFilter(): CubeFilter {
    const filter: CubeFilter = { equals: {} };
    const from = control("from") as HTMLInputElement | null;
    const to = control("to") as HTMLInputElement | null;
    if (from?.value && from.value !== from.min) filter.from = from.value;
    if (to?.value && to.value !== to.max) filter.to = to.value;
    for (const name of COMBOS) {
      const column = columnOf(name);
      const v = fromInput(control(name)?.value ?? "");
      if (column && v !== undefined) filter.equals[column] = v;
    }
    return filter;
  }

  /** The filter's window: its dates, else the data's first and last day. */
  function windowOf(filter: CubeFilter): { from: string; to: string } {
    return { from: filter.from ?? control("from")!.getAttribute("min")!, to: filter.to ?? control("to")!.getAttribute("max")! };
  }

  function describe(filter: CubeFilter): string {
    const parts: string[] = [];
    if (filter.from || filter.to) {
      const w = windowOf(filter);
      parts.push(`${w.from} to ${w.to}`);
    }
    for (const [column, v] of Object.entries(filter.equals)) parts.push(`${column} = ${v ?? NONE_LABEL}`);
    return parts.join("; ");
  }

  /** Marks the preset whose dates are chosen. */
  function syncPresets(): void {
    const from = control("from")?.value;
    const to = control("to")?.value;
    for (const b of form.querySelectorAll<HTMLButtonElement>("button[data-preset]"))
      b.setAttribute("aria-pressed", String(b.dataset.from === from && b.dataset.to === to));
  }

  /** Sets every field back to the whole data: the full date range, no team, model, user or metadata value, nothing marked invalid. */
  function clear(): void {
    for (const name of ["team", "model", "user", "mk"]) {
      const c = control(name);
      if (c) c.value = "";
    }
    const from = control("from") as HTMLInputElement | null;
    const to = control("to") as HTMLInputElement | null;
    if (from) from.value = from.min;
    if (to) to.value = to.max;
    resetMetadataValue();
    refuse({ equals: {} }, []);
    control("mk")?.removeAttribute("aria-invalid");
    syncPresets();
  }

  function resetMetadataValue(selected?: string): void {
    const input = control("mv") as HTMLInputElement | null;
    if (!input) return;
    input.value = selected ?? "";
    input.list?.replaceChildren();
    input.disabled = metadataColumn() === null;
    input.removeAttribute("aria-invalid");
  }

  /** Whether some row of the cube holds `value` in `column`: of a sharded dimension, asked of the value's shard alone. */
  async function holds(column: string, value: string | null): Promise<boolean> {
    if (!shardOfColumn(column)) return (await valuesOf(column)).has(value);
    const [{ codeOf }, rows] = await Promise.all([
      import("../../../pipeline/src/cube/cube-columns.ts"),
      cubeFor({ equals: { [column]: value } }, [column]).then((cube) => cube.table([column])),
    ]);
    if (rows.length === 0) return false;
    return value === null ? rows.dim(column).codes.some((c) => c === 0) : codeOf(rows.dim(column), value) >= 0;
  }

  /** The typed values of `filter` the cube does not hold (a link from another build, a typo). */
  async function unknownValues(filter: CubeFilter): Promise<UnknownValue[]> {
    const checks = await Promise.all(
      COMBOS.map(async (name) => {
        const column = columnOf(name);
        if (!column || !(column in filter.equals)) return null;
        const value = filter.equals[column]!;
        return (await holds(column, value)) ? null : { name, column, value };
      }),
    );
    return checks.filter((c) => c !== null);
  }

  /** Marks the fields of unknown values invalid, takes them out of `filter` and names each (“no team “x” in the data”). */
  function refuse(filter: CubeFilter, unknown: UnknownValue[]): string[] {
    for (const name of COMBOS) control(name)?.removeAttribute("aria-invalid");
    for (const c of unknown) {
      delete filter.equals[c.column];
      control(c.name)?.setAttribute("aria-invalid", "true");
    }
    return unknown.map((c) => `no ${c.column} “${c.value ?? NONE_LABEL}” in the data`);
  }

  /** Sets the fields from a URL's filter parameters; false when it has none. */
  function fillFrom(params: URLSearchParams): boolean {
    if (!FILTER_FIELDS.some((name) => params.has(name))) return false;
    for (const name of ["from", "to", "team", "model", "user", "mk"]) {
      const c = control(name);
      let v = params.get(name);
      // A link made before keys were kept by slug names the key itself.
      if (name === "mk" && v !== null && !metadataKeys.has(v)) v = [...metadataKeys].find(([, key]) => key === v)?.[0] ?? v;
      if (c && v !== null) c.value = v === NULL_PARAM && name !== "mk" ? NONE_LABEL : v;
    }
    const mv = params.get("mv");
    resetMetadataValue(mv === null ? undefined : mv === NULL_PARAM ? NONE_LABEL : mv);
    syncPresets();
    return true;
  }

  /** Suggestions as the user types or enters a typed field; a preset button sets the dates, then calls `onPreset`. */
  function listen(onPreset: () => void): void {
    const suggestFor = (event: Event) => {
      const target = event.target as HTMLInputElement;
      if (target.dataset.combo) void suggest(target).catch((error: unknown) => console.error("filters:", error));
    };
    form.addEventListener("input", suggestFor);
    form.addEventListener("focusin", suggestFor);
    for (const button of form.querySelectorAll<HTMLButtonElement>("button[data-preset]")) {
      button.addEventListener("click", () => {
        (control("from") as HTMLInputElement).value = button.dataset.from!;
        (control("to") as HTMLInputElement).value = button.dataset.to!;
        syncPresets();
        onPreset();
      });
    }
  }

  return {
    control,
    columnOf,
    cubeFor,
    valuesOf,
    readFilter,
    windowOf,
    describe,
    syncPresets,
    clear,
    resetMetadataValue,
    unknownValues,
    refuse,
    fillFrom,
    listen,
  };
}

export function initFilters(form: HTMLFormElement): void {
  form.hidden = false;
  const status = form.querySelector<HTMLElement>("[data-testid=filter-status]")!;
  const snapshot = takeSnapshot();
  const figures = saveFigures();
  let sequence = 0;
  let changed = false;

  const { control, cubeFor, readFilter, windowOf, describe, syncPresets, resetMetadataValue, unknownValues, refuse, fillFrom, listen } =
    filterControls(form);
  const modules = () => Promise.all([import("./load-cube.ts"), import("./cube-query.ts")]);

  function writeUrl(): void {
    const params = new URLSearchParams();
    const filter = readFilter();
    if (filter.from) params.set("from", filter.from);
    if (filter.to) params.set("to", filter.to);
    for (const name of ["team", "model", "user", "mk", "mv"]) {
      const v = control(name)?.value;
      if (!v || (name === "mk" && !control("mv")?.value)) continue;
      params.set(name, v === NONE_LABEL && name !== "mk" ? NULL_PARAM : v);
    }
    const query = params.toString();
    history.replaceState(history.state, "", `${location.pathname}${query ? `?${query}` : ""}${location.hash}`);
    carryToLinks(query);
  }

  async function apply(): Promise<void> {
    const id = ++sequence;
    const started = performance.now();
    const filter = readFilter();
    writeUrl();
    syncPresets();
    for (const name of COMBOS) control(name)?.removeAttribute("aria-invalid");
    const [, query] = await modules();
    // The columns this page's numbers, tables and charts need.
    const columns = new Set(["date", "policy_status", ...query.MEASURES, ...Object.keys(filter.equals)]);
    for (const el of document.querySelectorAll<HTMLElement>("[data-source]")) {
      const { kind, dimension } = parseDataSource(el.dataset.source!);
      if (dimension !== null) columns.add(dimension);
      else if (kind === "trend") for (const d of Object.keys((JSON.parse(el.dataset.chart!) as { series: object }).series)) columns.add(d);
    }
    let unknown: string[] = [];
    if (query.isActive(filter)) {
      form.dataset.active = "pending";
      status.textContent = "Loading the cube…";
      // The file the figures will come from is fetched while the typed values are checked.
      void cubeFor(filter, columns).catch(() => undefined);
      // A value the cube does not hold (a link from another build, a typo) is named, not applied.
      const checks = await unknownValues(filter);
      if (id !== sequence) return;
      performance.measure("filter:check values", { start: started });
      unknown = refuse(filter, checks).map((text) => `${text} (not applied)`);
    }
    form.dataset.unknown = String(unknown.length);
    const unknownText = unknown.length ? `${unknown.join("; ")}. ` : "";
    if (!query.isActive(filter)) {
      if (changed) {
        await restore(snapshot);
        restoreFigures(figures);
      }
      changed = false;
      if (id !== sequence) return;
      form.dataset.active = "false";
      status.textContent = `${unknownText}Showing all data.`;
      return;
    }
    let cube;
    try {
      cube = await cubeFor(filter, columns);
    } catch (error) {
      status.textContent = `Filters are unavailable: ${(error as Error).message}`;
      throw error;
    }
    const all = await cube.table(columns);
    if (id !== sequence) return;
    const queried = performance.now();
    const table = query.filterCube(all, filter);
    const sums = query.totals(table);
    const kpis = totalsKpis(totalsFrom(sums));
    const pop = document.querySelector<HTMLElement>("[data-testid=kpi-cost-change]");
    if (pop?.dataset.current) {
      const [cf, ct] = pop.dataset.current.split("/") as [string, string];
      const [pf, pt] = pop.dataset.previous!.split("/") as [string, string];
      const dims = query.filterCube(all, filter, { ignoreDates: true });
      kpis.push(
        changeKpi(
          changeFrom({ from: cf, to: ct, ...query.windowCost(dims, cf, ct) }, { from: pf, to: pt, ...query.windowCost(dims, pf, pt) }),
        ),
      );
    }
    const breakdowns = new Map<string, Record<string, unknown>[]>();
    const breakdownOf = (dimension: string) => {
      if (!breakdowns.has(dimension)) breakdowns.set(dimension, query.breakdown(table, dimension));
      return breakdowns.get(dimension)!;
    };
    const main = document.querySelector<HTMLTableElement>("table[data-testid=table-breakdown][data-source^='breakdown:']");
    if (main) kpis.push(distinctKpi(breakdownOf(parseDataSource(main.dataset.source!).dimension!).length));
    setKpis(kpis);
    for (const t of document.querySelectorAll<HTMLTableElement>("table[data-source^='breakdown:']")) {
      renderRows(t, breakdownOf(parseDataSource(t.dataset.source!).dimension!));
    }
    performance.measure("filter:query and tables", { start: queried });
    const charts = [...document.querySelectorAll<HTMLElement>("figure[data-source]")];
    const drawing = performance.now();
    if (charts.length) {
      const { renderChart, payloadOf } = await import("./charts.ts");
      await Promise.all(
        charts.map((figure) => {
          const { kind, dimension } = parseDataSource(figure.dataset.source!);
          const current = payloadOf(figure);
          let payload: ChartPayload;
          if (kind === "trend" && current.kind === "trend") {
            const series = Object.fromEntries(Object.keys(current.series).map((d) => [d, query.dailySeries(table, d)]));
            payload = { ...current, series };
          } else if (kind === "bar" && current.kind === "bar") {
            payload = { ...current, rows: toBars(breakdownOf(dimension!) as Parameters<typeof toBars>[0]) };
          } else if (kind === "lines" && current.kind === "lines") {
            payload = { ...current, series: query.dailySeries(table, dimension!) };
          } else return Promise.resolve();
          return renderChart(figure, payload);
        }),
      );
    }
    if (id !== sequence) return;
    performance.measure("filter:charts", { start: drawing });
    performance.measure("filter:apply", { start: started });
    const scope = Object.entries(filter.equals)
      .map(([column, v]) => `${column} = ${v ?? NONE_LABEL}`)
      .join("; ");
    showFigures({ ...windowOf(filter), scope: scope ? ` for ${scope}` : "", unpriced: sums.unpriced });
    changed = true;
    form.dataset.active = "true";
    status.textContent = `${unknownText}Filtered: ${describe(filter)}. ${formatInt(sums.requests)} requests, ${costText(sums.cost, { requests: sums.requests, unpriced_requests: sums.unpriced })}.`;
  }

  const run = () =>
    apply().catch((error: unknown) => {
      form.dataset.active = "error";
      console.error("filters:", error);
    });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void run();
  });
  form.addEventListener("change", (event) => {
    const target = event.target as HTMLElement;
    if (target === control("mk")) {
      resetMetadataValue();
      void run();
      return;
    }
    void run();
  });
  form.addEventListener("input", (event) => {
    const target = event.target as HTMLInputElement;
    if (!target.dataset.combo) return;
    // Picking a suggestion applies it at once; typed text waits for Enter or leaving the field.
    if ((event as InputEvent).inputType === "insertReplacementText" || !(event instanceof InputEvent)) void run();
  });
  listen(() => void run());
  form.addEventListener("reset", () => {
    setTimeout(() => {
      resetMetadataValue();
      void run();
    }, 0);
  });

  // A filtered view from the URL.
  syncPresets();
  if (fillFrom(new URLSearchParams(location.search))) void run();
}

function takeSnapshot(): Snapshot {
  const kpis = [...document.querySelectorAll<HTMLElement>(".kpi-value, .kpi-detail")].map((el) => ({
    el,
    text: el.textContent ?? "",
    value: el.dataset.value,
  }));
  const tables = [...document.querySelectorAll<HTMLTableElement>("table[data-source]")].map((table) => {
    const note = table.closest(".table-wrap")?.nextElementSibling as HTMLElement | null;
    return { table, body: table.tBodies[0]!.cloneNode(true), note: note?.textContent ?? "", total: note?.dataset.totalRows };
  });
  const charts = [...document.querySelectorAll<HTMLElement>("figure[data-source]")].map((figure) => ({
    figure,
    payload: JSON.parse(figure.dataset.chart!) as ChartPayload,
  }));
  return { kpis, tables, charts };
}

async function restore(snapshot: Snapshot): Promise<void> {
  for (const { el, text, value } of snapshot.kpis) {
    el.textContent = text;
    if (value !== undefined) el.dataset.value = value;
  }
  for (const { table, body, note, total } of snapshot.tables) {
    if (restoreRows(table)) continue; // a paginated table shows the build's rows again
    table.tBodies[0]!.replaceWith(body.cloneNode(true));
    resort(table);
    const el = table.closest(".table-wrap")?.nextElementSibling as HTMLElement | null;
    if (el) {
      el.textContent = note;
      if (total !== undefined) el.dataset.totalRows = total;
    }
  }
  if (snapshot.charts.length) {
    const { renderChart, payloadOf } = await import("./charts.ts");
    await Promise.all(
      snapshot.charts.map(({ figure, payload }) => {
        const current = payloadOf(figure);
        // Keep the trend chart's chosen stacking.
        const next = current.kind === "trend" && payload.kind === "trend" ? { ...payload, stackBy: current.stackBy } : payload;
        return renderChart(figure, next);
      }),
    );
  }
}

function setKpis(values: KpiValue[]): void {
  for (const k of values) {
    const el = document.querySelector<HTMLElement>(`.kpi-value[data-testid="${k.testid}"]`);
    if (!el) continue;
    el.textContent = k.display;
    el.dataset.value = k.value;
    const detail = document.querySelector<HTMLElement>(`[data-testid="${k.testid}-detail"]`);
    if (detail && k.detail !== undefined) detail.textContent = k.detail;
  }
}
