// The report site (SPEC 7): static Astro + MDX under site/, built into dist/site/ from the
// JSON `costs site-data` writes (site/.data/) and the downloads it copies (site/public/data/).
// Environment, all optional:
//   SITE_BASE        base path for a GitHub Pages project site (e.g. "/gateway-costs/")
//   SITE_URL         the site's absolute URL, when known
//   SITE_DATA_DIR    the site JSON (default site/.data), read by site/src/data/load.ts
//   SITE_PUBLIC_DIR  the public folder with data/ inside (default site/public)
import mdx from "@astrojs/mdx";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "astro/config";

/** An absolute path inside the repository. */
const at = (path) => fileURLToPath(new URL(path, import.meta.url));

/**
 * In the browser bundle, vega-embed's `vega-lite` import resolves to a stub: charts are
 * compiled from Vega-Lite to Vega at build time (site/src/charts/compile-chart.ts).
 */
function vegaLiteCompiledAtBuild() {
  const stub = at("site/src/charts/vega-lite-stub.ts");
  return {
    name: "vega-lite-compiled-at-build",
    enforce: "pre",
    resolveId(id, importer, options) {
      if (id === "vega-lite" && !options?.ssr && importer && /[\\/]vega-embed[\\/]/.test(importer)) return stub;
      return null;
    },
  };
}

const base = process.env.SITE_BASE || "/";
const PUBLIC_DIR = process.env.SITE_PUBLIC_DIR ? resolve(process.env.SITE_PUBLIC_DIR) : at("site/public/");

export default defineConfig({
  root: at("site/"),
  srcDir: at("site/src/"),
  publicDir: PUBLIC_DIR,
  outDir: at("dist/site/"),
  cacheDir: at("node_modules/.astro/"),
  base: base.endsWith("/") ? base : `${base}/`,
  ...(process.env.SITE_URL ? { site: process.env.SITE_URL } : {}),
  output: "static",
  trailingSlash: "always",
  build: { format: "directory", inlineStylesheets: "never" },
  integrations: [mdx()],
  devToolbar: { enabled: false },
  vite: {
    plugins: [vegaLiteCompiledAtBuild()],
    // The site imports the pipeline's schemas and a few pure modules from pipeline/src/.
    server: { fs: { allow: [at("./")] } },
    // Where site/src/data/load.ts finds site/.data/ (the bundled module cannot use its own URL).
    define: { __SITE_ROOT__: JSON.stringify(at("site")), __SITE_PUBLIC_DIR__: JSON.stringify(PUBLIC_DIR) },
    build: { chunkSizeWarningLimit: 1200 },
  },
});
