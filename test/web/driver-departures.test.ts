import { eq } from "drizzle-orm";
import t from "tap";
import { outboxTable } from "../../src/db/schema/federation.js";
import { initialLegs } from "../../src/transport/capacity.js";
import { createDriver } from "../../src/transport/drivers.js";
import { findRoute, legsOf, loadSnapshot, reserveLegs, saveRoute } from "../../src/transport/store.js";
import { buildTestApp, type TestNode } from "../helpers/test-app.js";
import { FormClient } from "../helpers/web-client.js";

/**
 * The driver's departure forms on /driver: add a one-off departure (a local
 * time in a time zone, its own room or the route's), change one departure's
 * room (never below what is booked). Both go through the API's use cases, so
 * each change is an Update to the communities on the route.
 */
const DAY = 86_400_000;
// Another origin than the node's own (http://127.0.0.1:9), so it counts as a remote community; nothing is delivered in these tests.
const OTHER = "http://127.0.0.1:1/never/actors/other";
const ROUTE_ID = "5f0c7a2e-3b1d-4e6f-8a9b-0c1d2e3f4a5b";

/** The UTC instant `days` from now at `hour`:00, and its "YYYYMMDDTHHMMSSZ" stamp. */
function utcAt(days: number, hour: number) {
  const d = new Date(Date.now() + days * DAY);
  d.setUTCHours(hour, 0, 0, 0);
  return { date: d, stamp: d.toISOString().replace(/[-:]|\.\d+/g, "") };
}

/** How a date-time reads on a clock in `timeZone`: "YYYY-MM-DD HH:MM". */
const clockIn = (ms: number, timeZone: string) =>
  new Intl.DateTimeFormat("sv-SE", { timeZone, dateStyle: "short", timeStyle: "short" }).format(new Date(ms));

async function setUp(t: { teardown(fn: () => unknown): void }) {
  const node = await buildTestApp(t, { name: "Testville" });
  const { db, config } = node.services;
  const dana = createDriver(db, { name: "Dana", contact: "dana@example.org", vehicles: [] });
  const routeUri = `${config.origin}/routes/${ROUTE_ID}`;
  const first = utcAt(2, 8);
  saveRoute(db, {
    uri: routeUri,
    driverId: dana.driver.id,
    driverUri: `${config.origin}/actors/driver-${dana.driver.id}`,
    driverInbox: `${config.origin}/actors/driver-${dana.driver.id}/inbox`,
    name: "Valley run",
    stops: [
      {
        uri: `${config.origin}/actors/${config.handle}`,
        name: "Testville",
        lat: null,
        lon: null,
        inbox: null,
        sharedInbox: null,
      },
      { uri: OTHER, name: "Othertown", lat: null, lon: null, inbox: `${OTHER}/inbox`, sharedInbox: null },
    ],
    legs: [{ distanceKm: 30, durationMinutes: 40 }],
    schedule: [{ at: first.date.toISOString() }],
    refrigerated: false,
    capacity: { kg: 800, m3: 12 },
    status: "active",
    departures: [
      {
        uri: `${routeUri}/departures/${first.stamp}`,
        departsAt: first.date.getTime(),
        cancelled: false,
        legs: initialLegs(1, 800, 12),
      },
    ],
  });
  const browser = new FormClient(node);
  await browser.login({ as: "driver", token: dana.token });
  return { node, db, routeUri, first, browser };
}

const updates = (node: TestNode) =>
  node.services.db.select().from(outboxTable).where(eq(outboxTable.activityType, "Update")).all();
const departuresOf = (node: TestNode, routeUri: string) =>
  loadSnapshot(node.services.db, findRoute(node.services.db, routeUri)!).departures;
const addPath = `/driver/routes/${ROUTE_ID}/departures/new`;

t.test("a driver adds a departure in a time zone, with its own room; the communities are told", async (t) => {
  const { node, routeUri, browser } = await setUp(t);
  const home = await browser.get("/driver");
  t.match(home.body, /<summary>Add a departure<\/summary>/);
  t.match(
    home.body,
    new RegExp(
      `<form method="post" action="${addPath}" class="stack" aria-label="Add a departure: Valley run" novalidate>`,
    ),
  );
  t.match(
    home.body,
    new RegExp(
      `<label for="add-${ROUTE_ID}-at">Date and time</label><input id="add-${ROUTE_ID}-at" name="at" type="datetime-local"`,
    ),
    "a labelled date-time field",
  );
  t.match(home.body, /placeholder="800"/, "the route's room is what an empty field means");

  const csrf = await browser.csrf("/driver");
  const local = new Date(Date.now() + 3 * DAY).toISOString().slice(0, 10);
  const added = await browser.post(addPath, {
    _csrf: csrf,
    at: `${local}T14:30`,
    timeZone: "Europe/Rome",
    capacityKg: "300",
    capacityM3: "",
  });
  t.equal(added.statusCode, 303, added.body);
  t.equal(added.headers.location, "/driver?done=departureAdded");
  const fresh = departuresOf(node, routeUri).filter((d) => clockIn(d.departsAt, "Europe/Rome") === `${local} 14:30`);
  t.equal(fresh.length, 1, "the departure is at 14:30 on Rome's clocks");
  t.same(
    fresh[0]?.legs.map((l) => [l.capacityKg, l.remainingKg, l.capacityM3]),
    [[300, 300, 12]],
    "its own kg, the route's m³",
  );
  t.equal(updates(node).length, 1, "the route is announced again (Update)");
  t.match(updates(node)[0]?.audienceJson ?? "", OTHER, "to the community on it");
  const after = await browser.get("/driver?done=departureAdded");
  t.match(
    after.body,
    /<p class="flash" role="status">The departure is added: every community on the route is told\.<\/p>/,
  );
  t.match(after.body, /Testville → Othertown: 300 \/ 300 kg/, "the new departure is listed with its room");

  const cases: [string, Record<string, string>, string, RegExp, number][] = [
    ["no date", { at: "" }, "at", /Please fill this in\./, 400],
    [
      "a date-time in the past",
      { at: new Date(Date.now() - DAY).toISOString().slice(0, 16) },
      "at",
      /This is in the past\./,
      400,
    ],
    ["an unknown time zone", { timeZone: "Mars/Olympus" }, "timeZone", /Unknown time zone\./, 400],
    ["a negative room", { capacityKg: "-5" }, "capacityKg", /Must not be negative\./, 400],
    ["a room that is no number", { capacityM3: "lots" }, "capacityM3", /Enter a number\./, 400],
    // Refused by the shared use case, as the API refuses it, and put beside the field:
    ["the same time again", {}, "at", /The route already has a departure at that time\./, 400],
    [
      "beyond the planning horizon",
      { at: `${new Date(Date.now() + 60 * DAY).toISOString().slice(0, 10)}T09:00` },
      "at",
      /This is beyond the 28-day planning horizon\./,
      400,
    ],
  ];
  const base = { _csrf: csrf, at: `${local}T14:30`, timeZone: "Europe/Rome", capacityKg: "250", capacityM3: "" };
  for (const [what, change, field, message, status] of cases) {
    const r = await browser.post(addPath, { ...base, ...change });
    t.equal(r.statusCode, status, `${what}: status`);
    t.match(r.body, /Nothing was changed\. Please correct:/, `${what}: the summary`);
    t.match(
      r.body,
      new RegExp(`<p class="field-error" id="add-${ROUTE_ID}-${field}-error">${message.source}</p>`),
      `${what}: the message beside ${field}`,
    );
    t.match(r.body, new RegExp(`aria-describedby="add-${ROUTE_ID}-${field}-error"`), `${what}: the field points at it`);
    if (change.capacityKg === undefined)
      t.match(r.body, /name="capacityKg"[^>]*value="250"/, `${what}: the entered room is kept`);
  }
  t.equal(departuresOf(node, routeUri).length, 2, "nothing more was saved");
  t.equal(updates(node).length, 1, "nothing more was sent");
});

t.test("a driver changes a departure's room, never below what is booked", async (t) => {
  const { node, db, routeUri, first, browser } = await setUp(t);
  const depUri = `${routeUri}/departures/${first.stamp}`;
  t.ok(reserveLegs(db, depUri, { fromLeg: 0, toLeg: 0 }, { weightKg: 250, volumeM3: 2 }), "250 kg and 2 m³ are booked");
  const roomPath = `/driver/routes/${ROUTE_ID}/departures/${first.stamp}/room`;
  const home = await browser.get("/driver");
  t.match(home.body, /<summary>Change room: .* UTC<\/summary>/);
  t.match(home.body, new RegExp(`<form method="post" action="${roomPath}"`));
  t.match(
    home.body,
    /Booked now: 250 kg and 2 m³ on the fullest leg; the room cannot go below that\./,
    "what is booked is shown",
  );
  t.match(
    home.body,
    new RegExp(`id="room-${ROUTE_ID}-${first.stamp}-capacityKg" name="capacityKg"[^>]*value="800"`),
    "the room as it stands",
  );
  const csrf = await browser.csrf("/driver");

  const tooSmall = await browser.post(roomPath, { _csrf: csrf, capacityKg: "200", capacityM3: "12" });
  t.equal(tooSmall.statusCode, 400);
  t.match(
    tooSmall.body,
    new RegExp(
      `<p class="field-error" id="room-${ROUTE_ID}-${first.stamp}-capacityKg-error">250 kg is already booked on Testville → Othertown; the room cannot go below it\\.</p>`,
    ),
    "refused beside the field, with the booked amount",
  );
  t.match(tooSmall.body, /name="capacityKg"[^>]*value="200"/, "the entered value is kept");
  const tooSmallM3 = await browser.post(roomPath, { _csrf: csrf, capacityKg: "", capacityM3: "1" });
  t.match(tooSmallM3.body, /2 m³ is already booked on Testville → Othertown/);
  const empty = await browser.post(roomPath, { _csrf: csrf, capacityKg: " ", capacityM3: "" });
  t.equal(empty.statusCode, 400);
  t.match(empty.body, /Give the room in kg, in m³, or both\./);
  t.same(
    legsOf(db, [depUri])
      .get(depUri)
      ?.map((l) => l.capacityKg),
    [800],
    "nothing changed",
  );
  t.equal(updates(node).length, 0, "nothing was sent");

  const resized = await browser.post(roomPath, { _csrf: csrf, capacityKg: "400", capacityM3: "" });
  t.equal(resized.statusCode, 303, resized.body);
  t.equal(resized.headers.location, "/driver?done=departureResized");
  t.same(
    legsOf(db, [depUri])
      .get(depUri)
      ?.map((l) => [l.capacityKg, l.remainingKg, l.capacityM3, l.remainingM3]),
    [[400, 150, 12, 10]],
    "the booked room is kept, the rest follows the new size",
  );
  t.equal(updates(node).length, 1, "the communities are told (Update)");
  const after = await browser.get("/driver?done=departureResized");
  t.match(after.body, /The departure&#39;s room is changed|The departure's room is changed/);
  t.match(after.body, /Testville → Othertown: 150 \/ 400 kg/);
  t.equal(
    (await browser.get(`/driver/routes/${ROUTE_ID}/departures/20000101T000000Z/room`)).statusCode,
    404,
    "an unknown departure",
  );
});

t.test("another driver's route is refused, and so is a form without the session's CSRF token", async (t) => {
  const { node, db, routeUri, first, browser } = await setUp(t);
  const roomPath = `/driver/routes/${ROUTE_ID}/departures/${first.stamp}/room`;
  const at = `${new Date(Date.now() + 4 * DAY).toISOString().slice(0, 10)}T10:00`;

  const eve = createDriver(db, { name: "Eve", contact: "eve@example.org", vehicles: [] });
  const intruder = new FormClient(node);
  await intruder.login({ as: "driver", token: eve.token });
  const evesCsrf = await intruder.csrf("/driver");
  t.notMatch((await intruder.get("/driver")).body, new RegExp(addPath), "Eve's page has no form for Dana's route");
  t.equal((await intruder.get(addPath)).statusCode, 403);
  const added = await intruder.post(addPath, { _csrf: evesCsrf, at, timeZone: "UTC" });
  t.equal(added.statusCode, 403);
  t.match(added.body, /This route belongs to another driver\./);
  const resized = await intruder.post(roomPath, { _csrf: evesCsrf, capacityKg: "10" });
  t.equal(resized.statusCode, 403);
  t.match(resized.body, /This route belongs to another driver\./);

  const noToken = await browser.post(addPath, { at, timeZone: "UTC" });
  t.equal(noToken.statusCode, 403);
  t.match(noToken.body, /This form has expired or did not come from this site/);
  t.equal((await browser.post(roomPath, { capacityKg: "10" })).statusCode, 403, "resizing without a token");
  t.equal(
    (await browser.post(roomPath, { _csrf: evesCsrf, capacityKg: "10" })).statusCode,
    403,
    "with another session's token",
  );

  t.equal(departuresOf(node, routeUri).length, 1, "no departure was added");
  t.same(
    legsOf(db, [`${routeUri}/departures/${first.stamp}`])
      .get(`${routeUri}/departures/${first.stamp}`)
      ?.map((l) => l.capacityKg),
    [800],
    "no room changed",
  );
  t.equal(updates(node).length, 0, "nothing was sent");
});
