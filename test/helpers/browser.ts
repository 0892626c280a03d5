import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

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
