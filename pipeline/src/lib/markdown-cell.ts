/**
 * Escapes text for a markdown table cell or list item (the pricing-diff comment, budget
 * reports and alerts). The text comes from the pricing files of a pull request (a fork's,
 * too) or from the logs (user names, metadata values), and is posted by a bot with a write
 * token: it must not format, link, load images or mention anyone (`@team`, `![x](url)`,
 * `[x](url)`).
 */
export function cell(text: string): string {
  return text
    .replaceAll("\\", "\\\\")
    .replace(/[|*_[\]!@#~`]/g, (c) => `\\${c}`)
    .replace(/[\r\n]+/g, " ")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;");
}
