import t from "tap";
import { createDriver, driverIdentifier } from "../../src/transport/drivers.js";
import { findHaul, insertHaul, saveRoute } from "../../src/transport/store.js";
import { buildTestApp } from "../helpers/test-app.js";
import { FormClient } from "../helpers/web-client.js";

t.test("the run sheet of a three-stop departure: pick up, hand over on the way, deliver", async (t) => {
  const node = await buildTestApp(t);
  const { db } = node.services;
  const ctx = node.federation.createContext(new URL(node.services.config.origin), node.services);
  const self = ctx.getActorUri("testville").href;
  const [mid, far] = ["https://mid.example/actors/mid", "https://far.example/actors/far"];
  const { driver, token } = createDriver(db, { name: "Dana", contact: "dana@example.org", vehicles: [] });
  const departure = `${node.services.config.origin}/departures/1`;
  const departsAt = Date.now() + 86_400_000;
  saveRoute(db, {
    uri: `${node.services.config.origin}/routes/1`,
    driverId: driver.id,
    driverUri: ctx.getActorUri(driverIdentifier(driver.id)).href,
    driverInbox: `${node.services.config.origin}/inbox`,
    name: "Long road",
    stops: [
      { uri: self, name: "Testville", lat: 45, lon: 9, inbox: null, sharedInbox: null },
      { uri: mid, name: "Midway", lat: 44.5, lon: 10, inbox: null, sharedInbox: null },
      { uri: far, name: "Faraway", lat: 44, lon: 11, inbox: null, sharedInbox: null },
    ],
    legs: [
      { distanceKm: 100, durationMinutes: 90 },
      { distanceKm: 100, durationMinutes: 90 },
    ],
    schedule: [],
    refrigerated: false,
    status: "active",
    departures: [
      {
        uri: departure,
        departsAt,
        cancelled: false,
        legs: [0, 1].map((leg) => ({ leg, capacityKg: 100, capacityM3: 5, remainingKg: 100, remainingM3: 5 })),
      },
    ],
  });
  const haul = insertHaul(db, {
    uri: `${node.services.config.origin}/hauls/1`,
    requesterUri: self,
    fromUri: self,
    toUri: far,
    resource: "grain",
    quantity: 60,
    unit: "kg",
    weightKg: 60,
    volumeM3: 1,
    windowStart: Date.now(),
    windowEnd: departsAt + 86_400_000,
    reason: null,
    status: "open",
    driversJson: "[]",
    partiesJson: "[]",
    driverUri: null,
    departureUri: null,
    fromLeg: null,
    toLeg: null,
    pickedUp: null,
    delivered: null,
    received: null,
    difference: null,
    handedOverJson: "[]",
    flag: null,
  });

  const browser = new FormClient(node);
  await browser.login({ as: "driver", token });
  const home = await browser.get("/driver");
  t.match(home.body, /60 kg grain/, "the open haul fits the route");
  t.match(home.body, /Testville → Midway: 100 \/ 100 kg/, "room left per leg");
  const csrf = await browser.csrf("/driver");

  const accepted = await browser.post(`/driver/hauls/${haul.id}/accept`, { _csrf: csrf, departure });
  t.equal(accepted.statusCode, 303);
  const run = `/driver/run?departure=${encodeURIComponent(departure)}`;
  t.equal(accepted.headers.location, `${run}&done=haulAccepted`);
  t.match((await browser.get("/driver")).body, /Testville → Midway: 40 \/ 100 kg/, "the room is reserved");

  const sheet = await browser.get(run);
  t.match(sheet.body, /Confirm pickup/);
  t.notMatch(sheet.body, /Confirm hand-over/, "nothing to hand over before pickup");
  t.equal((await browser.post(`/driver/hauls/${haul.id}/delivered`, { _csrf: csrf, departure, quantity: "60" })).statusCode, 409, "no delivery before pickup");
  t.equal((await browser.post(`/driver/hauls/${haul.id}/picked-up`, { _csrf: csrf, departure, quantity: "60" })).statusCode, 303);
  const afterPickup = (await browser.get(run)).body;
  t.match(afterPickup, /Hand over: 60 kg grain/, "the hand-over is offered at the middle stop");
  t.match(afterPickup, /name="stop" value="https:\/\/mid\.example\/actors\/mid"/);
  t.equal((await browser.post(`/driver/hauls/${haul.id}/handed-over`, { _csrf: csrf, departure, stop: mid })).statusCode, 303);
  t.match((await browser.get(run)).body, /Hand over: 60 kg grain · done/, "and marked done afterwards");
  t.equal((await browser.post(`/driver/hauls/${haul.id}/delivered`, { _csrf: csrf, departure, quantity: "58" })).statusCode, 303);
  const final = findHaul(db, haul.id);
  t.equal(final?.status, "delivered");
  t.equal(final?.delivered, 58);
  t.same(JSON.parse(final?.handedOverJson ?? "[]"), [mid]);

  const other = createDriver(db, { name: "Ezio", contact: "ezio@example.org", vehicles: [] });
  const intruder = new FormClient(node);
  await intruder.login({ as: "driver", token: other.token });
  t.equal((await intruder.get(run)).statusCode, 403, "another driver cannot open this run sheet");
});
