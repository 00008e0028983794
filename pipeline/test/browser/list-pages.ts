import { glob } from "tinyglobby";

/**
 * The pages of a built site as URL paths (`index.html` → `/`, `users/index.html` → `/users/`, `about.html` →
 * `/about`), sorted; the 404 page is left out.
 */
export async function listPages(dist: string): Promise<string[]> {
  const files = await glob("**/*.html", { cwd: dist });
  return files
    .filter((f) => f !== "404.html")
    .map((f) => `/${f.replace(/(^|\/)index\.html$/, "$1").replace(/\.html$/, "")}`)
    .sort();
}

/** `/metadata/application/` → `metadata-application`, `/` → `index`: a file name for the page's screenshots. */
export function pageSlug(pathname: string): string {
  return pathname.replace(/^\/|\/$/g, "").replace(/[^a-zA-Z0-9._-]+/g, "-") || "index";
}
