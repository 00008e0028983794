import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["pipeline/**/*.test.ts", "site/src/**/*.test.ts"],
    // Pin the zone so no test depends on the machine's local time.
    env: { TZ: "UTC" },
    testTimeout: 60_000,
  },
});
