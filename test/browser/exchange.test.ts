import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import t from "tap";
import { launchChromium, requireChromium } from "../helpers/browser.js";
import { eventually } from "../helpers/node-process.js";
import { createdJson, publishViaEmilia, startAlphaBeta } from "../helpers/two-communities.js";

// Two real nodes and a browser on a 2-core machine that may be running other tests too: allow up to 10 minutes.
t.setTimeout(600_000);

const ARTIFACTS = join(resolve(import.meta.dirname, "../.."), "test-artifacts");
const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/**
 * The coordinators' dashboard in Chromium: Alpha's admin starts a planning
 * round with the button, watches it finish, and accepts the proposal it made;
 * Beta accepts through the API, and Alpha's dashboard shows the agreement.
 */
t.test("an admin starts a round and accepts its proposal on the dashboard", async (t) => {
  requireChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
  const [a, b] = await startAlphaBeta(t);
  const browser = await launchChromium(t);

  // Alpha has potatoes and a driver going to Beta; Beta needs potatoes; Alpha follows Beta to see the need.
  const { route } = await publishViaEmilia(a, b);
  t.equal(route.status, 201, "the driver's route is published");
  const place = { lat: 45, lon: 9, name: "depot" };
  await createdJson(a, "/api/offers", {
    resource: "potatoes",
    quantity: 60,
    availableFrom: future(0),
    availableUntil: future(10),
    pickup: place,
  });
  await createdJson(b, "/api/needs", {
    resource: "potatoes",
    quantity: 60,
    priority: "essential",
    neededBy: future(10),
    delivery: place,
  });
  t.equal((await a.api("/api/following", { method: "POST", json: { actor: b.actorUrl } })).status, 202);
  await eventually(async () => (await a.getJson("/api/network/needs")).items.length === 1, "Alpha to see Beta's need");

  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${a.origin}/login?next=%2Fadmin`);
  await page.getByLabel("Admin token").fill(a.token);
  await page.getByRole("button", { name: "Log in" }).nth(2).click();
  await page.waitForURL(/\/admin/);

  await page.getByRole("button", { name: "Start a planning round" }).click();
  await page.waitForURL(/done=roundStarted/);
  // The page reloads itself (meta refresh, no JavaScript) until the round is done.
  await page
    .getByText(/Last round finished|The last planning round failed/)
    .waitFor({ timeout: 120_000 })
    .catch(async (err) => {
      writeFileSync(join(ARTIFACTS, "dashboard-exchange-failed.html"), await page.content());
      throw err;
    });
  t.match(
    await page.locator("#planning-round + p").textContent(),
    /Last round finished: .* · 1 proposal sent/,
    "the dashboard shows the finished round",
  );
  t.match(
    await page.locator("#planning-round + p a").getAttribute("href"),
    /^\/rounds\/[0-9a-f-]+$/,
    "with a link to the round",
  );

  const card = page.getByRole("article", { name: "60 kg Potatoes from Alpha Cooperative to Beta Commune" });
  t.match(
    await card.textContent(),
    /Alpha Cooperative → Beta Commune · Dana · departs \d{4}-\d{2}-\d{2} 07:30 UTC/,
    "the leg with its driver and departure",
  );
  await page.screenshot({ path: join(ARTIFACTS, "dashboard-exchange.png"), fullPage: true });
  // The README shows it: written when missing (or with TENDRIL_UPDATE_SCREENSHOTS=1), so a test run leaves the checkout clean.
  const shown = join(ARTIFACTS, "../docs/web-dashboard-exchange.png");
  if (!existsSync(shown) || process.env.TENDRIL_UPDATE_SCREENSHOTS === "1")
    copyFileSync(join(ARTIFACTS, "dashboard-exchange.png"), shown);
  await card.getByRole("button", { name: "Accept", exact: true }).click();
  await page.waitForURL(/done=exchangeAccepted/);
  t.match(await page.getByRole("status").first().textContent(), /You accepted the proposal/);
  t.equal(
    await page.getByRole("article", { name: "60 kg Potatoes from Alpha Cooperative to Beta Commune" }).count(),
    0,
    "the proposal no longer waits for us",
  );
  t.match(
    await page.locator("#agreements + table").textContent(),
    /Potatoes.*60 kg.*Alpha Cooperative.*Beta Commune.*we answered; waiting for Beta Commune/s,
    "it is listed as answered",
  );

  // Beta accepts through its API; Alpha (the proposer) then sends the agreement.
  const onBeta = await eventually(
    async () => (await b.getJson("/api/exchanges")).items[0],
    "Beta to receive the proposal",
  );
  t.equal((await b.api(`/api/exchanges/${onBeta.id}/accept`, { method: "POST", json: {} })).status, 200);
  const inFlight = await eventually(async () => {
    await page.reload();
    const text = (await page.locator("#agreements + table").textContent()) ?? "";
    return /agreed|in transit/.test(text) ? text : undefined;
  }, "Alpha's dashboard to show the agreement");
  t.match(
    inFlight,
    /Potatoes.*60 kg.*Alpha Cooperative.*Beta Commune.*(agreed|in transit)/s,
    "the agreement is in flight on the dashboard",
  );
  await context.close();
});
