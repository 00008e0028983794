/**
 * Printing shows folded sections (<details>, e.g. Reconciliation's calls and days) in
 * full, and folds them again afterwards: a statement on paper has no "show more".
 */
export function openForPrint(): void {
  let opened: HTMLDetailsElement[] = [];
  addEventListener("beforeprint", () => {
    opened = [...document.querySelectorAll<HTMLDetailsElement>("details.section-details:not([open])")];
    for (const d of opened) d.open = true;
  });
  addEventListener("afterprint", () => {
    for (const d of opened) d.open = false;
    opened = [];
  });
}
