/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Functions the browser tests run inside the page (`page.evaluate(fn, arg)`): each is
 * self-contained (playwright sends its source text), no imports, no closures.
 */

export interface ChartReport {
  testid: string;
  renderer: "svg" | "canvas" | "none";
  /** Data marks drawn: Vega's `g.role-mark` children for SVG (other SVG: path/rect/symbol), inked pixels for canvas. */
  marks: number;
  /** The text alternative: aria-label of the chart, of its role=img element or root svg/canvas, aria-labelledby text, or the figure's figcaption. */
  alt: string;
  /** A fingerprint of what is drawn, to see that a filter changed the chart. */
  drawn: string;
}

export function chartReports(): ChartReport[] {
  const text = (el: Element | null | undefined) => (el?.textContent ?? "").replace(/\s+/g, " ").trim();
  return [...document.querySelectorAll<HTMLElement>('[data-testid^="chart-"]')].map((el) => {
    const svg = el.querySelector("svg");
    const canvas = el.querySelector("canvas");
    let renderer: ChartReport["renderer"] = "none";
    let marks = 0;
    let drawn = "";
    if (svg) {
      renderer = "svg";
      const vega = el.querySelectorAll("g.role-mark");
      const items =
        vega.length > 0
          ? el.querySelectorAll("g.role-mark > path, g.role-mark > rect, g.role-mark > symbol, g.role-mark > line")
          : el.querySelectorAll("svg path, svg rect, svg symbol");
      marks = items.length;
      drawn = [...items]
        .map((m) => `${m.getAttribute("d") ?? ""}|${m.getAttribute("transform") ?? ""}|${m.getAttribute("fill") ?? ""}`)
        .join(";");
    } else if (canvas) {
      renderer = "canvas";
      const ctx = canvas.getContext("2d");
      if (ctx && canvas.width > 0 && canvas.height > 0) {
        const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        const [r, g, b, a] = [pixels[0], pixels[1], pixels[2], pixels[3]];
        let hash = 0;
        for (let i = 0; i < pixels.length; i += 4) {
          if (pixels[i] !== r || pixels[i + 1] !== g || pixels[i + 2] !== b || pixels[i + 3] !== a) {
            marks++;
            hash = (hash * 31 + i + pixels[i]! + pixels[i + 1]! * 7 + pixels[i + 2]! * 13) | 0;
          }
        }
        drawn = `${marks}:${hash}`;
      }
    }
    const labelledBy = (el.getAttribute("aria-labelledby") ?? "")
      .split(/\s+/)
      .filter(Boolean)
      .map((id) => text(document.getElementById(id)))
      .join(" ");
    const alt =
      el.getAttribute("aria-label")?.trim() ||
      el.querySelector('[role="img"][aria-label]')?.getAttribute("aria-label")?.trim() ||
      svg?.getAttribute("aria-label")?.trim() ||
      canvas?.getAttribute("aria-label")?.trim() ||
      labelledBy ||
      text(el.closest("figure")?.querySelector("figcaption")) ||
      "";
    return { testid: el.dataset.testid ?? "", renderer, marks, alt, drawn };
  });
}

/**
 * True when every chart on the page is done: it has drawn marks (Vega SVG marks, other
 * SVG, a canvas) or says it is done (`data-rendered` "true" or "error").
 */
export function chartsDrawn(): boolean {
  return [...document.querySelectorAll<HTMLElement>('[data-testid^="chart-"]')].every(
    (el) =>
      el.dataset.rendered === "true" ||
      el.dataset.rendered === "error" ||
      el.querySelector("g.role-mark > *, canvas") !== null ||
      (el.querySelector("svg") !== null && el.querySelector("g.role-mark") === null),
  );
}

export interface OverflowReport {
  scrollWidth: number;
  innerWidth: number;
  /** Up to 5 elements sticking out to the right, not inside a scrolling wrapper. */
  culprits: string[];
}

export function overflowReport(): OverflowReport {
  const innerWidth = window.innerWidth;
  const culprits: string[] = [];
  const scrolls = (el: Element | null): boolean => {
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      const x = getComputedStyle(e).overflowX;
      if (x === "auto" || x === "scroll" || x === "hidden" || x === "clip") return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll("*")) {
    if (culprits.length >= 5) break;
    const box = el.getBoundingClientRect();
    if (box.right > innerWidth + 0.5 && !scrolls(el.parentElement)) {
      const id = el.id ? `#${el.id}` : "";
      const cls = typeof el.className === "string" && el.className ? `.${el.className.trim().split(/\s+/).join(".")}` : "";
      culprits.push(`${el.tagName.toLowerCase()}${id}${cls} (right ${Math.round(box.right)} px)`);
    }
  }
  return { scrollWidth: document.documentElement.scrollWidth, innerWidth, culprits };
}

export interface TableReport {
  testid: string;
  /** Body rows in the document. */
  rows: number;
  /** Body rows the reader can see (laid out, not hidden). */
  visibleRows: number;
  /** Text of the first visible body row, to see that it is real content. */
  firstRow: string;
}

/** Opens every folded section (`details.section-details`: Reconciliation's calls and days), as a reader does with one click each. Returns how many it opened. */
export function openFolded(): number {
  const folded = [...document.querySelectorAll<HTMLDetailsElement>("details.section-details:not([open])")];
  for (const d of folded) d.open = true;
  return folded.length;
}

export function tableReports(): TableReport[] {
  return [...document.querySelectorAll<HTMLElement>('table[data-testid^="table-"]')].map((el) => {
    const rows = [...el.querySelectorAll("tbody tr")];
    const visible = rows.filter((tr) => tr.getClientRects().length > 0 && getComputedStyle(tr).visibility !== "hidden");
    return {
      testid: el.dataset.testid ?? "",
      rows: rows.length,
      visibleRows: visible.length,
      firstRow: (visible[0]?.textContent ?? "").replace(/\s+/g, " ").trim(),
    };
  });
}

/** Forgets the groupBy builder's last answer, so the next one can be awaited. */
export function clearGroupByTotal(): void {
  document.querySelector<HTMLElement>('[data-testid="groupby-total"]')?.removeAttribute("data-value");
}

/** The groupBy builder's exact total once it has answered, else null. */
export function groupByTotal(): string | null {
  return document.querySelector<HTMLElement>('[data-testid="groupby-total"]')?.dataset.value ?? null;
}
