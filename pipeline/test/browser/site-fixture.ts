/**
 * What every browser test file opens in its `beforeAll` (a work folder, the static server,
 * Chromium) and closes in its `afterAll`.
 */
import { rm } from "node:fs/promises";
import type { Browser } from "./launch-chromium.ts";
import type { StaticServer } from "./serve-static.ts";

/** Closes Chromium and the server and removes the work folder; any of them may be missing when `beforeAll` failed early. */
export async function closeSiteFixture(parts: { browser?: Browser; server?: StaticServer; work?: string }): Promise<void> {
  await parts.browser?.close();
  await parts.server?.close();
  if (parts.work) await rm(parts.work, { recursive: true, force: true });
}
