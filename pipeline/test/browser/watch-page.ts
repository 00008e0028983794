import type { Page } from "playwright-core";
import { chartsDrawn } from "./in-page.ts";
import type { Browser } from "./launch-chromium.ts";

/** Collects console errors, uncaught exceptions, failed requests and dialogs of a page. */
export function watch(page: Page): { errors: string[]; dialogs: string[] } {
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(`console: ${msg.text()} (${msg.location().url})`);
  });
  page.on("pageerror", (error) => errors.push(`uncaught: ${error.message}`));
  page.on("requestfailed", (request) => errors.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ""}`));
  page.on("response", (response) => {
    if (response.status() >= 400) errors.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on("dialog", (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return { errors, dialogs };
}

/** Waits for the network to settle and the charts to draw (both bounded). */
export async function settle(page: Page): Promise<void> {
  await page.waitForLoadState("networkidle", { timeout: 15_000 }).catch(() => undefined);
  await page.waitForFunction(chartsDrawn, undefined, { timeout: 15_000 }).catch(() => undefined);
}

/** Opens `url` in a new page `width` px wide, watched, once it has loaded and settled. */
export async function openPage(browser: Browser, url: string, width = 1440) {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width, height: 900 });
  const seen = watch(page);
  const response = await page.goto(url, { waitUntil: "load" });
  await settle(page);
  return { page, ...seen, status: response?.status() ?? null };
}
