/**
 * Debian's chromium driven by playwright-core (no downloaded browser): a fresh temp
 * profile per launch, removed on close.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

/** Where `.ci/run` installs it (`apt-get install chromium`); `CHROMIUM_PATH` overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Why the browser suite cannot run here, or null when it can. */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM_PATH) ? null : `${CHROMIUM_PATH} is absent (apt-get install chromium, as .ci/run does)`;
}

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export type LaunchOptions = Parameters<typeof chromium.launchPersistentContext>[1];

/** Launches headless chromium with a fresh profile; `options` add to the context options. */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const profile = await mkdtemp(path.join(tmpdir(), "costs-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    ...options,
  });
  // Functions sent with page.evaluate travel as source text; under tsx (esbuild keepNames)
  // their inner functions call a `__name` helper the page does not have.
  await context.addInitScript("globalThis.__name ??= (fn) => fn;");
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
