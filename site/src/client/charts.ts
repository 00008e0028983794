/**
 * Draws every `figure[data-chart]` with vega-embed (SVG, so marks are DOM nodes) from
 * the Vega spec compiled at build time (`data-vega`) and the rows of its payload, and
 * draws one again when a filter or the trend toggle changes its payload. The figure's
 * text alternative follows (textContent only).
 */
import embed, { type Result } from "vega-embed";
import { chartRows, colourScale, currentVariant, describeChart, type ChartPayload } from "../charts/index.ts";
import { DATA } from "../charts/data.ts";

const views = new WeakMap<HTMLElement, Result>();
const payloads = new WeakMap<HTMLElement, ChartPayload>();
const queues = new WeakMap<HTMLElement, Promise<void>>();

export function payloadOf(figure: HTMLElement): ChartPayload {
  return payloads.get(figure) ?? (JSON.parse(figure.dataset.chart ?? "null") as ChartPayload);
}

/** Draws a chart; draws of one figure run one after the other, so the last request wins. */
export function renderChart(figure: HTMLElement, payload: ChartPayload = payloadOf(figure)): Promise<void> {
  payloads.set(figure, payload);
  const next = (queues.get(figure) ?? Promise.resolve()).catch(() => {}).then(() => draw(figure, payload));
  queues.set(figure, next);
  return next;
}

async function draw(figure: HTMLElement, payload: ChartPayload): Promise<void> {
  if (payloads.get(figure) !== payload) return; // a newer payload is queued
  const canvas = figure.querySelector<HTMLElement>(".chart-canvas");
  if (!canvas) return;
  const description = describeChart(payload);
  const summary = figure.querySelector(".chart-summary");
  if (summary) summary.textContent = description;
  const title = figure.querySelector(".chart-title")?.textContent ?? "";
  canvas.setAttribute("aria-label", `${title}. ${description}`);
  const specs = JSON.parse(figure.dataset.vega ?? "{}") as Record<
    string,
    { data?: { name: string; values?: unknown }[]; scales?: { name: string; domain?: unknown; range?: unknown }[] }
  >;
  const spec = specs[currentVariant(payload)];
  if (!spec) throw new Error(`chart ${figure.dataset.testid}: no compiled spec for ${currentVariant(payload)}`);
  for (const source of spec.data ?? []) if (source.name === DATA) source.values = chartRows(payload);
  // Stable colours: each key keeps its colour whatever the filter or rank (charts/colours.ts).
  const colours = colourScale(payload);
  const scale = spec.scales?.find((s) => s.name === "color");
  if (colours && scale) Object.assign(scale, colours);
  views.get(figure)?.finalize();
  figure.dataset.rendered = "pending";
  const result = await embed(canvas, spec as never, {
    mode: "vega",
    renderer: "svg",
    actions: { export: true, source: false, compiled: false, editor: false },
    tooltip: { theme: "light" },
  });
  views.set(figure, result);
  figure.dataset.rendered = "true";
}

export async function renderAll(root: ParentNode = document): Promise<void> {
  const figures = [...root.querySelectorAll<HTMLElement>("figure[data-chart]")];
  for (const figure of figures) {
    // The trend chart's "stack by" toggle.
    for (const input of figure.querySelectorAll<HTMLInputElement>("input[data-stack]")) {
      input.addEventListener("change", () => {
        const payload = payloadOf(figure);
        if (payload.kind === "trend" && input.checked) void renderChart(figure, { ...payload, stackBy: input.value });
      });
    }
  }
  await Promise.all(
    figures.map((figure) =>
      renderChart(figure).catch((error: unknown) => {
        figure.dataset.rendered = "error";
        console.error(`chart ${figure.dataset.testid}:`, error);
      }),
    ),
  );
}
