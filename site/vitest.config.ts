import { defineConfig } from "vitest/config";

/** Unit tests of the site's pure modules: `npx vitest run --config site/vitest.config.ts`. */
export default defineConfig({
  test: {
    root: new URL("..", import.meta.url).pathname,
    include: ["site/src/**/*.test.ts"],
    env: { TZ: "UTC" },
  },
});
