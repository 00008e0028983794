/**
 * The filter form (`form[data-filters]`): on first use it loads the cube, then every
 * change recomputes the page's headline numbers (`.kpi-value`), tables
 * (`table[data-source]`) and charts (`figure[data-source]`) from the filtered cube. With
 * no filter active the build's own figures are put back. The state is kept in the URL
 * query (`?team=payments&from=2026-07-01`), so a filtered view can be shared. The metadata
 * key is chosen and kept in the URL by its slug (`mk=customer_id`, `mk=_a_3ab` for `a:b`);
 * `data-metadata-keys` maps slugs back to keys.
 */
import type { ChartPayload } from "../charts/index.ts";
import { toBars } from "../charts/bar-spec.ts";
import { formatInt, formatUsd, NONE_LABEL } from "../lib/format.ts";
import { parseDataSource } from "../lib/data-source.ts";
import { changeFrom, changeKpi, totalsFrom, totalsKpis, type KpiValue } from "../lib/kpis.ts";
import { renderRows, restoreRows } from "./render-table.ts";
import { resort } from "./sort-table.ts";
import type { CubeFilter } from "./cube-query.ts";

const NULL = "\u2400";
const FIELDS = ["from", "to", "team", "model", "user", "mk", "mv"] as const;

interface Snapshot {
  kpis: { el: HTMLElement; text: string; value: string | undefined }[];
  tables: { table: HTMLTableElement; body: Node; note: string; total: string | undefined }[];
  charts: { figure: HTMLElement; payload: ChartPayload }[];
}

export function initFilters(form: HTMLFormElement): void {
  form.hidden = false;
  const status = form.querySelector<HTMLElement>("[data-testid=filter-status]")!;
  const control = (name: string) => form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
  const snapshot = takeSnapshot();
  let sequence = 0;
  let changed = false;

  const cubeUrl = form.dataset.cube!;
  const metadataKeys = new Map(JSON.parse(form.dataset.metadataKeys ?? "[]") as [string, string][]);
  /** The cube column of the chosen metadata key (`metadata.<key>`), or null. */
  const metadataColumn = (): string | null => {
    const key = metadataKeys.get(control("mk")?.value ?? "");
    return key === undefined ? null : `metadata.${key}`;
  };
  const modules = () => Promise.all([import("./load-cube.ts"), import("./cube-query.ts")]);

  function readFilter(): CubeFilter {
    const value = (name: string) => control(name)?.value ?? "";
    const filter: CubeFilter = { equals: {} };
    const from = control("from") as HTMLInputElement | null;
    const to = control("to") as HTMLInputElement | null;
    if (from?.value && from.value !== from.min) filter.from = from.value;
    if (to?.value && to.value !== to.max) filter.to = to.value;
    for (const name of ["team", "model", "user"]) if (value(name)) filter.equals[name] = value(name) === NULL ? null : value(name);
    const column = metadataColumn();
    if (column && value("mv")) filter.equals[column] = value("mv") === NULL ? null : value("mv");
    return filter;
  }

  function describe(filter: CubeFilter): string {
    const parts: string[] = [];
    if (filter.from || filter.to)
      parts.push(`${filter.from ?? control("from")?.getAttribute("min")} to ${filter.to ?? control("to")?.getAttribute("max")}`);
    for (const [column, v] of Object.entries(filter.equals)) parts.push(`${column} = ${v ?? NONE_LABEL}`);
    return parts.join("; ");
  }

  function writeUrl(): void {
    const params = new URLSearchParams();
    const filter = readFilter();
    if (filter.from) params.set("from", filter.from);
    if (filter.to) params.set("to", filter.to);
    for (const name of ["team", "model", "user", "mk", "mv"]) {
      const v = control(name)?.value;
      if (v && !(name === "mk" && !control("mv")?.value)) params.set(name, v);
    }
    const query = params.toString();
    history.replaceState(history.state, "", `${location.pathname}${query ? `?${query}` : ""}${location.hash}`);
    for (const link of document.querySelectorAll<HTMLAnchorElement>("a[data-filterable]")) {
      const url = new URL(link.href, location.href);
      url.search = query;
      link.href = url.toString();
    }
  }

  async function fillMetadataValues(selected?: string): Promise<void> {
    const column = metadataColumn();
    const select = control("mv") as HTMLSelectElement | null;
    if (!select) return;
    select.replaceChildren(new Option("any value", ""));
    select.disabled = true;
    if (!column) return;
    status.textContent = "Loading the cube…";
    const [{ loadCube }, { valuesOf, MEASURES }] = await modules();
    const cube = await loadCube(cubeUrl);
    for (const v of valuesOf(await cube.table([column, ...MEASURES]), column)) select.append(new Option(v ?? NONE_LABEL, v ?? NULL));
    if (selected !== undefined) select.value = selected;
    select.disabled = false;
  }

  async function apply(): Promise<void> {
    const id = ++sequence;
    const filter = readFilter();
    writeUrl();
    const [{ loadCube }, query] = await modules();
    if (!query.isActive(filter)) {
      if (changed) await restore(snapshot);
      changed = false;
      if (id !== sequence) return;
      form.dataset.active = "false";
      status.textContent = "Showing all data.";
      return;
    }
    form.dataset.active = "pending";
    status.textContent = "Loading the cube…";
    let cube;
    try {
      cube = await loadCube(cubeUrl);
    } catch (error) {
      status.textContent = `Filters are unavailable: ${(error as Error).message}`;
      throw error;
    }
    // The columns this page's numbers, tables and charts need.
    const columns = new Set(["date", "policy_status", ...query.MEASURES, ...Object.keys(filter.equals)]);
    for (const el of document.querySelectorAll<HTMLElement>("[data-source]")) {
      const { kind, dimension } = parseDataSource(el.dataset.source!);
      if (dimension !== null) columns.add(dimension);
      else if (kind === "trend") for (const d of Object.keys((JSON.parse(el.dataset.chart!) as { series: object }).series)) columns.add(d);
    }
    const all = await cube.table(columns);
    if (id !== sequence) return;
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
    setKpis(kpis);
    const breakdowns = new Map<string, Record<string, unknown>[]>();
    const breakdownOf = (dimension: string) => {
      if (!breakdowns.has(dimension)) breakdowns.set(dimension, query.breakdown(table, dimension));
      return breakdowns.get(dimension)!;
    };
    for (const t of document.querySelectorAll<HTMLTableElement>("table[data-source^='breakdown:']")) {
      renderRows(t, breakdownOf(parseDataSource(t.dataset.source!).dimension!));
    }
    const figures = [...document.querySelectorAll<HTMLElement>("figure[data-source]")];
    if (figures.length) {
      const { renderChart, payloadOf } = await import("./charts.ts");
      await Promise.all(
        figures.map((figure) => {
          const { kind, dimension } = parseDataSource(figure.dataset.source!);
          const current = payloadOf(figure);
          let payload: ChartPayload;
          if (kind === "trend" && current.kind === "trend") {
            const series = Object.fromEntries(Object.keys(current.series).map((d) => [d, query.dailySeries(table, d)]));
            payload = { ...current, series };
          } else if (kind === "bar" && current.kind === "bar") {
            payload = { ...current, rows: toBars(breakdownOf(dimension!) as { key: string | null; cost_usd: string }[]) };
          } else if (kind === "lines" && current.kind === "lines") {
            payload = { ...current, series: query.dailySeries(table, dimension!) };
          } else return Promise.resolve();
          return renderChart(figure, payload);
        }),
      );
    }
    if (id !== sequence) return;
    changed = true;
    form.dataset.active = "true";
    status.textContent = `Filtered: ${describe(filter)}. ${formatInt(sums.requests)} requests, ${formatUsd(sums.cost)}.`;
  }

  const run = () =>
    apply().catch((error: unknown) => {
      form.dataset.active = "error";
      console.error("filters:", error);
    });

  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("change", (event) => {
    const target = event.target as HTMLElement;
    if (target === control("mk")) {
      void fillMetadataValues().then(run);
      return;
    }
    void run();
  });
  form.addEventListener("reset", () => {
    setTimeout(() => {
      void fillMetadataValues();
      void run();
    }, 0);
  });

  // A filtered view from the URL.
  const params = new URLSearchParams(location.search);
  if (FIELDS.some((name) => params.has(name))) {
    for (const name of ["from", "to", "team", "model", "user", "mk"]) {
      const c = control(name);
      let v = params.get(name);
      // A link made before keys were kept by slug names the key itself.
      if (name === "mk" && v !== null && !metadataKeys.has(v)) v = [...metadataKeys].find(([, key]) => key === v)?.[0] ?? v;
      if (c && v !== null) c.value = v;
    }
    void fillMetadataValues(params.get("mv") ?? undefined).then(run);
  }
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
