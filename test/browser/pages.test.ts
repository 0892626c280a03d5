import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import t from "tap";
import { launchChromium, logInDriver, phonePage, requireChromium } from "../helpers/browser.js";
import { createdJson, publishViaEmilia, startAlphaBeta } from "../helpers/two-communities.js";

// Several real nodes on a 2-core machine that may be running other tests too: allow up to 10 minutes.
t.setTimeout(600_000);

/**
 * The pages in a real browser: Debian's Chromium driven by playwright-core,
 * against two real node processes (a route needs a second community).
 */
const ROOT = resolve(import.meta.dirname, "../..");
const ARTIFACTS = join(ROOT, "test-artifacts");
const DOCS = join(ROOT, "docs");

t.test("admins, drivers and members use the pages in Chromium", async (t) => {
  requireChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
  const [a, b] = await startAlphaBeta(t);
  const browser = await launchChromium(t);

  // Set-up through the API: a driver on A with a route A → B, a haul A → B, a member and a vote.
  const { driver, route } = await publishViaEmilia(a, b);
  t.equal(route.status, 201, "the driver's route is published");
  const haul = await createdJson(a, "/api/hauls", {
    resource: "potatoes",
    quantity: 300,
    unit: "kg",
    weightKg: 300,
    from: a.actorUrl,
    to: b.actorUrl,
    window: {
      start: new Date(Date.now() + 3_600_000).toISOString(),
      end: new Date(Date.now() + 3 * 86_400_000).toISOString(),
    },
  });
  t.equal((await a.api("/api/policy", { method: "PUT", json: { joinPolicy: "open" } })).status, 200);
  t.equal(
    (
      await a.api("/api/members", {
        method: "POST",
        admin: false,
        json: { handle: "rosa", displayName: "Rosa", password: "rosa-password-123" },
      })
    ).status,
    201,
  );
  const vote = await createdJson(a, "/api/votes", {
    question: "Open a second bakery?",
    options: ["yes", "no"],
    subject: { kind: "question" },
  });

  await t.test("an admin creates an offer through the form and sees it on the public page", async (t) => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${a.origin}/login`);
    await page.getByLabel("Admin token").fill(a.token);
    await page.getByRole("button", { name: "Log in" }).nth(2).click();
    await page.waitForURL(/\/admin/);
    t.equal(await page.getByRole("heading", { level: 1 }).textContent(), "Coordinators' dashboard");
    await page.getByText("Publish a new offer").click();
    const form = page.getByRole("form", { name: "Publish a new offer" });
    await form.getByLabel("Resource").selectOption("potatoes");
    await form.getByLabel("Quantity").fill("250");
    await form.getByLabel("Notes").fill("Early harvest <b>not bold</b>");
    await form.getByRole("button", { name: "Publish offer" }).click();
    await page.waitForURL(/done=offerCreated/);
    t.match(await page.getByRole("status").textContent(), /offer is published/);
    t.match(
      await page.locator("#offers + table").textContent(),
      /Potatoes.*250 kg/s,
      "the offer is listed on the dashboard",
    );
    await page.screenshot({ path: join(ARTIFACTS, "dashboard.png"), fullPage: true });

    await page.goto(`${a.origin}/actors/alpha`);
    const surplus = page.locator("section", { has: page.locator("#surplus") });
    t.match(
      await surplus.textContent(),
      /Potatoes.*250 kg.*Early harvest <b>not bold<\/b>/s,
      "the public page shows it, markup as text",
    );
    t.equal(await surplus.locator("b").count(), 0, "the note's markup is not rendered");
    await page.screenshot({ path: join(ARTIFACTS, "public-page.png"), fullPage: true });
    await context.close();
  });

  await t.test("a driver on a phone accepts a haul and confirms pickup and delivery", async (t) => {
    const { context, page } = await phonePage(browser);
    await logInDriver(page, a.origin, driver.token);
    const card = page.locator("article", { hasText: "300 kg potatoes" });
    t.match(await card.textContent(), /Alpha Cooperative → Beta Commune/, "the open haul fits the driver's route");
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    t.ok(width <= 390, `the page fits the phone's width (${width}px)`);
    await card.getByRole("button", { name: "Accept" }).click();
    await page.waitForURL(/\/driver\/run\?departure=.*done=haulAccepted/);
    t.match(await page.getByRole("heading", { level: 1 }).textContent(), /Run sheet: Via Emilia/);
    await page.getByRole("button", { name: "Confirm pickup" }).click();
    await page.waitForURL(/done=pickedUp/);
    await page.getByLabel("Quantity").fill("298");
    await page.screenshot({ path: join(ARTIFACTS, "driver-run-sheet.png"), fullPage: true });
    await page.getByRole("button", { name: "Confirm delivery" }).click();
    await page.waitForURL(/done=delivered/);
    t.match(await page.getByRole("status").textContent(), /Delivery confirmed/);
    const h = (await a.getJson("/api/hauls")).items.find((x: { id: number }) => x.id === haul.id);
    t.equal(h.status, "delivered", "the haul is delivered in the node's own records");
    t.equal(h.pickedUp, 300);
    t.equal(h.delivered, 298, "with the quantity the driver entered");
    await context.close();
  });

  await t.test("a member votes", async (t) => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const page = await context.newPage();
    await page.goto(`${a.origin}/login`);
    await page.getByLabel("Handle").fill("rosa");
    await page.getByLabel("Password").fill("rosa-password-123");
    await page.getByRole("button", { name: "Log in" }).first().click();
    await page.waitForURL(/\/me$/);
    const ballot = page.getByRole("form", { name: "Open a second bakery?" });
    await ballot.getByLabel("yes").check();
    await ballot.getByRole("button", { name: "Vote" }).click();
    await page.waitForURL(/done=ballotRecorded/);
    t.match(await page.locator("article", { hasText: "Open a second bakery?" }).textContent(), /Your ballot: yes/);
    t.ok(await page.getByLabel("yes").isChecked(), "the form shows the member's choice");
    await page.screenshot({ path: join(ARTIFACTS, "member-page.png"), fullPage: true });
    await context.close();
    const v = await a.getJson(`/api/votes/${vote.id}`);
    t.equal(v.state, "open");
  });

  await t.test("the map draws communities and routes as SVG", async (t) => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${a.origin}/map`);
    const svg = page.locator("svg.network-map");
    t.equal(await svg.locator("circle.dot").count(), 2, "both communities");
    t.equal(await svg.locator("line.leg").count(), 1, "the route's leg");
    t.match(await svg.locator("g.communities").textContent(), /Alpha Cooperative.*Beta Commune/s);
    t.equal(await svg.locator("g.legend").count(), 1, "with a legend");
    await page.screenshot({ path: join(ARTIFACTS, "map.png"), fullPage: true });
    await page.goto(`${a.origin}/map/table`);
    t.match(
      await page.locator("table").nth(1).textContent(),
      /Alpha Cooperative.*Beta Commune/s,
      "the table view lists the leg",
    );
    await context.close();
  });

  // The README shows these two: written when missing (or with TENDRIL_UPDATE_SCREENSHOTS=1), so a test run leaves the checkout clean.
  for (const name of ["dashboard.png", "map.png"]) {
    const target = join(DOCS, `web-${name}`);
    t.ok(existsSync(join(ARTIFACTS, name)), `screenshot ${name} saved in test-artifacts/`);
    if (!existsSync(target) || process.env.TENDRIL_UPDATE_SCREENSHOTS === "1")
      copyFileSync(join(ARTIFACTS, name), target);
  }
});
