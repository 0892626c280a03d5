import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import t from "tap";
import { launchChromium, logInDriver, phonePage, requireChromium } from "../helpers/browser.js";
import { initialLegs } from "../../src/transport/capacity.js";
import { createDriver } from "../../src/transport/drivers.js";
import { reserveLegs, saveRoute } from "../../src/transport/store.js";
import { freePort } from "../helpers/node-process.js";
import { buildTestApp } from "../helpers/test-app.js";

// A browser on a loaded 2-core machine: allow up to 10 minutes.
t.setTimeout(600_000);

const ARTIFACTS = join(resolve(import.meta.dirname, "../.."), "test-artifacts");
const DAY = 86_400_000;

/**
 * The departure forms on a phone: folded under the route and each departure,
 * they open without scrolling the page sideways, add a departure, and refuse
 * a room below what is booked beside the field. One node, listening on
 * 127.0.0.1, with a route seeded in its database (its other stop is never
 * contacted: nothing is delivered without the node's background queue).
 */
t.test("a driver on a phone adds a departure and changes a departure's room", async (t) => {
  requireChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const node = await buildTestApp(t, { origin, port, handle: "alpha", name: "Alpha Cooperative" });
  await node.app.listen({ port, host: "127.0.0.1" });
  const { db } = node.services;
  const dana = createDriver(db, { name: "Dana", contact: "dana@example.org", vehicles: [] });
  const routeUri = `${origin}/routes/5f0c7a2e-3b1d-4e6f-8a9b-0c1d2e3f4a5b`;
  const first = new Date(Date.now() + 2 * DAY);
  first.setUTCHours(8, 0, 0, 0);
  const depUri = `${routeUri}/departures/${first.toISOString().replace(/[-:]|\.\d+/g, "")}`;
  saveRoute(db, {
    uri: routeUri,
    driverId: dana.driver.id,
    driverUri: `${origin}/actors/driver-${dana.driver.id}`,
    driverInbox: `${origin}/actors/driver-${dana.driver.id}/inbox`,
    name: "Valley run",
    stops: [
      {
        uri: `${origin}/actors/alpha`,
        name: "Alpha Cooperative",
        lat: null,
        lon: null,
        inbox: null,
        sharedInbox: null,
      },
      {
        uri: "http://127.0.0.1:9/never/actors/beta",
        name: "Beta Commune",
        lat: null,
        lon: null,
        inbox: null,
        sharedInbox: null,
      },
    ],
    legs: [{ distanceKm: 30, durationMinutes: 40 }],
    schedule: [{ weekly: { days: ["mo"], time: "09:00", timeZone: "Europe/Rome", from: "2026-01-05" } }],
    refrigerated: false,
    capacity: { kg: 800, m3: 12 },
    status: "active",
    departures: [{ uri: depUri, departsAt: first.getTime(), cancelled: false, legs: initialLegs(1, 800, 12) }],
  });
  t.ok(reserveLegs(db, depUri, { fromLeg: 0, toLeg: 0 }, { weightKg: 250, volumeM3: 2 }));

  const browser = await launchChromium(t);
  const { context, page } = await phonePage(browser);
  await logInDriver(page, origin, dana.token);

  const card = page.locator("article", { hasText: "Valley run" });
  await card.getByText("Add a departure", { exact: true }).click();
  await card.getByText(/^Change room:/).click();
  const add = page.getByRole("form", { name: "Add a departure: Valley run" });
  t.equal(await add.getByLabel("Time zone").inputValue(), "Europe/Rome", "the route's own time zone by default");
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  t.ok(width <= 390, `with both forms open the page fits the phone's width (${width}px)`);
  await page.screenshot({ path: join(ARTIFACTS, "driver-departure-forms.png"), fullPage: true });

  const day = new Date(Date.now() + 3 * DAY).toISOString().slice(0, 10);
  await add.getByLabel("Date and time").fill(`${day}T14:30`);
  await add.getByLabel("Room (kg)").fill("300");
  await add.getByRole("button", { name: "Add departure" }).click();
  await page.waitForURL(/done=departureAdded/);
  t.match(await page.getByRole("status").first().textContent(), /The departure is added/);
  t.match(
    await page.locator("article", { hasText: "Valley run" }).textContent(),
    /300 \/ 300 kg/,
    "listed with its room",
  );

  // By its time: the hourly roll-forward may list a rolled departure before it.
  const booked = `Change room: ${first.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  const room = page.getByRole("form", { name: booked });
  await page.getByText(booked, { exact: true }).click();
  t.match(await room.textContent(), /Booked now: 250 kg and 2 m³/);
  await room.getByLabel("Room (kg)").fill("200");
  await room.getByRole("button", { name: "Save room" }).click();
  await page.waitForLoadState();
  t.match(await page.getByRole("alert").textContent(), /250 kg is already booked on Alpha Cooperative → Beta Commune/);
  const again = page.getByRole("form", { name: /^Change room: / });
  t.equal(await again.getByLabel("Room (kg)").inputValue(), "200", "the entered room is kept");
  const errorWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  t.ok(errorWidth <= 390, `the refused form fits too (${errorWidth}px)`);
  await again.getByLabel("Room (kg)").fill("400");
  await again.getByRole("button", { name: "Save room" }).click();
  await page.waitForURL(/done=departureResized/);
  t.match(await page.locator("article", { hasText: "Valley run" }).textContent(), /150 \/ 400 kg/);
  await context.close();
});
