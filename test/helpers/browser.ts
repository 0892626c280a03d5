import { existsSync } from "node:fs";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

/** Debian's Chromium (`apt-get install -y chromium`; `.ci/run` installs it when missing). */
export const CHROMIUM = "/usr/bin/chromium";

/** Never skipped: CI (.ci/run) installs Chromium; a machine without it fails loudly, before any node starts. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser tests`,
    );
  }
}

/**
 * Headless Chromium for one test file, closed at its teardown. Flags keep it
 * off the network beyond loopback (no background fetches, updates or sync).
 */
export async function launchChromium(t: { teardown(fn: () => unknown): void }): Promise<Browser> {
  requireChromium();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
  t.teardown(() => browser.close());
  return browser;
}

/** A page in a fresh phone-sized context (390 × 844, touch), as drivers use the pages. */
export async function phonePage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  return { context, page: await context.newPage() };
}

/** Opens /driver, is sent to the login page, logs in with the driver's token and lands back on /driver. */
export async function logInDriver(page: Page, origin: string, token: string): Promise<void> {
  await page.goto(`${origin}/driver`);
  await page.waitForURL(/\/login\?next=%2Fdriver/);
  await page.getByLabel("Driver token").fill(token);
  await page.getByRole("button", { name: "Log in" }).nth(1).click();
  await page.waitForURL(/\/driver$/);
}
