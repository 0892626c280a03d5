import t from "tap";
import { inTransaction } from "../../src/db/client.js";
import { initialLegs } from "../../src/transport/capacity.js";
import { insertHaul, legsOf, reserveLegs, saveRoute } from "../../src/transport/store.js";
import { buildTestApp } from "../helpers/test-app.js";

const json = (auth: Record<string, string>, body: unknown) => ({ headers: { ...auth, "content-type": "application/json" }, payload: JSON.stringify(body) });

t.test("drivers: registered by the admin, token shown once, used as a bearer token", async (t) => {
  const node = await buildTestApp(t);
  const anon = await node.app.inject({ method: "POST", url: "/api/drivers", ...json({}, { name: "x", contact: "y", vehicles: [] }) });
  t.equal(anon.statusCode, 401, "only the admin registers drivers");
  const res = await node.app.inject({
    method: "POST",
    url: "/api/drivers",
    ...json(node.auth, { name: "Dana", contact: "dana@example.org", vehicles: [{ name: "van", capacityKg: 800, capacityM3: 12 }] }),
  });
  t.equal(res.statusCode, 201);
  const driver = res.json();
  t.match(driver.token, /^drv_/);
  t.same(driver.vehicles, [{ name: "van", capacityKg: 800, capacityM3: 12, refrigerated: false }]);
  t.notOk(JSON.stringify((await node.app.inject({ url: "/api/drivers", headers: node.auth })).json()).includes(driver.token), "the token is never shown again");
  const me = await node.app.inject({ url: "/api/driver", headers: { authorization: `Bearer ${driver.token}` } });
  t.equal(me.json().actor, "http://127.0.0.1:9/actors/driver-" + driver.id);
  t.equal((await node.app.inject({ url: "/api/driver", headers: { authorization: "Bearer drv_nope" } })).statusCode, 401);
  t.equal((await node.app.inject({ url: "/api/driver", headers: node.auth })).statusCode, 401, "the admin token is not a driver token");
  const neg = await node.app.inject({ method: "POST", url: "/api/drivers", ...json(node.auth, { name: "x", contact: "y", vehicles: [{ name: "v", capacityKg: -1, capacityM3: 1 }] }) });
  t.equal(neg.statusCode, 400);
  t.match(neg.json().errors[0].name, /vehicles.*capacityKg/);
});

t.test("route and haul bad input gets a precise 4xx", async (t) => {
  const node = await buildTestApp(t);
  const { token } = (await node.app.inject({ method: "POST", url: "/api/drivers", ...json(node.auth, { name: "D", contact: "c", vehicles: [] }) })).json();
  const driver = { authorization: `Bearer ${token}` };
  const self = "http://127.0.0.1:9/actors/testville";
  const base = { name: "r", stops: [self, "http://127.0.0.1:1/actors/nobody"], legs: [{ distanceKm: 1, durationMinutes: 1 }], capacityKg: 10, capacityM3: 1, departures: [{ at: new Date(Date.now() + 2 * 86_400_000).toISOString() }] };
  const post = (body: unknown) => node.app.inject({ method: "POST", url: "/api/driver/routes", ...json(driver, body) });
  const legs = await post({ ...base, legs: [] });
  t.equal(legs.statusCode, 400);
  t.equal(legs.json().errors[0].name, "legs");
  const twice = await post({ ...base, stops: [self, self] });
  t.equal(twice.json().errors[0].name, "stops[1]", "a stop listed twice");
  const far = await post({ ...base, departures: [{ weekly: { days: ["mo"], time: "07:30", timeZone: "Europe/Rome", from: "2099-01-01" } }] });
  t.equal(far.json().errors[0].name, "departures", "no departure in the horizon");
  const unreachable = await post(base);
  t.equal(unreachable.statusCode, 422);
  t.equal(unreachable.json().errors[0].name, "stops[1]");
  t.same((await node.app.inject({ url: "/api/driver/routes", headers: driver })).json().items, [], "nothing saved");

  const haul = { resource: "flour", quantity: 1, unit: "kg", weightKg: 1, from: self, to: "http://127.0.0.1:1/actors/x", window: { start: "2099-01-02T00:00:00Z", end: "2099-01-01T00:00:00Z" } };
  const win = await node.app.inject({ method: "POST", url: "/api/hauls", ...json(node.auth, haul) });
  t.equal(win.json().errors[0].name, "window.end");
  const none = await node.app.inject({ method: "POST", url: "/api/hauls", ...json(node.auth, { ...haul, window: { start: "2099-01-01T00:00:00Z", end: "2099-01-02T00:00:00Z" } }) });
  t.equal(none.statusCode, 422, "no possible way");
  t.same((await node.app.inject({ url: "/api/hauls", headers: node.auth })).json().items, []);
  t.equal((await node.app.inject({ url: "/api/route-graph/reachable" })).statusCode, 400, "legs is required");
  t.same((await node.app.inject({ url: "/api/route-graph" })).json().edges, []);
});

t.test("the guarded UPDATE never takes a leg below zero and changes nothing when short", async (t) => {
  const node = await buildTestApp(t);
  const { db, sqlite } = node.services;
  saveRoute(db, {
    uri: "http://x/routes/1",
    driverId: "d",
    driverUri: "http://x/actors/driver-d",
    driverInbox: "http://x/actors/driver-d/inbox",
    name: "r",
    stops: ["a", "b", "c"].map((s) => ({ uri: s, name: s, lat: null, lon: null, inbox: null, sharedInbox: null })),
    legs: [
      { distanceKm: 1, durationMinutes: 1 },
      { distanceKm: 1, durationMinutes: 1 },
    ],
    schedule: [],
    refrigerated: false,
    status: "active",
    departures: [{ uri: "dep", departsAt: 0, cancelled: false, legs: initialLegs(2, 100, 10) }],
  });
  const tryReserve = (fromLeg: number, toLeg: number, kg: number) =>
    (() => {
      try {
        return inTransaction(sqlite, () => {
          if (!reserveLegs(db, "dep", { fromLeg, toLeg }, { weightKg: kg, volumeM3: 0 })) throw new Error("short");
          return true;
        });
      } catch {
        return false;
      }
    })();
  t.equal(tryReserve(1, 1, 70), true);
  t.equal(tryReserve(0, 1, 40), false, "leg 1 has only 30 left: the whole reservation fails");
  t.same(legsOf(db, ["dep"]).get("dep")?.map((l) => l.remainingKg), [100, 30], "leg 0 was not touched by the failed attempt");
  t.equal(tryReserve(0, 1, 30), true);
  t.equal(tryReserve(1, 1, 0.001), false);
  t.same(legsOf(db, ["dep"]).get("dep")?.map((l) => l.remainingKg), [70, 0]);
});

t.test("withdrawing one departure flags the hauls on it; only the route's driver may", async (t) => {
  const node = await buildTestApp(t);
  const { db } = node.services;
  const register = async (name: string) =>
    (await node.app.inject({ method: "POST", url: "/api/drivers", ...json(node.auth, { name, contact: "c", vehicles: [] }) })).json();
  const owner = await register("Dana");
  const other = await register("Ezio");
  const id = "0b8c5a2e-1111-4c1e-9a55-3f1f3f0d2c11";
  const uri = `http://127.0.0.1:9/routes/${id}`;
  const depUri = `${uri}/departures/20991201T063000Z`;
  saveRoute(db, {
    uri,
    driverId: owner.id,
    driverUri: owner.actor,
    driverInbox: `${owner.actor}/inbox`,
    name: "r",
    stops: ["http://127.0.0.1:9/actors/testville", "http://127.0.0.1:1/actors/b"].map((s) => ({ uri: s, name: s, lat: null, lon: null, inbox: null, sharedInbox: null })),
    legs: [{ distanceKm: 1, durationMinutes: 1 }],
    schedule: [],
    refrigerated: false,
    status: "active",
    departures: [{ uri: depUri, departsAt: Date.parse("2099-12-01T06:30:00Z"), cancelled: false, legs: initialLegs(1, 100, 10) }],
  });
  insertHaul(db, {
    uri: "http://127.0.0.1:9/hauls/1",
    requesterUri: "http://127.0.0.1:9/actors/testville",
    fromUri: "http://127.0.0.1:9/actors/testville",
    toUri: "http://127.0.0.1:1/actors/b",
    resource: "flour",
    quantity: 10,
    unit: "kg",
    weightKg: 10,
    volumeM3: 0,
    windowStart: 0,
    windowEnd: Date.parse("2100-01-01T00:00:00Z"),
    status: "accepted",
    driversJson: "[]",
    partiesJson: "[]",
    driverUri: owner.actor,
    departureUri: depUri,
    fromLeg: 0,
    toLeg: 0,
  });
  const url = `/api/driver/routes/${id}/departures/20991201T063000Z`;
  t.equal((await node.app.inject({ method: "DELETE", url, headers: { authorization: `Bearer ${other.token}` } })).statusCode, 403, "another driver may not");
  const res = await node.app.inject({ method: "DELETE", url, headers: { authorization: `Bearer ${owner.token}` } });
  t.equal(res.statusCode, 200);
  t.same(res.json().flaggedHauls, ["http://127.0.0.1:9/hauls/1"]);
  t.equal(res.json().departures[0].cancelled, true);
  const haul = (await node.app.inject({ url: "/api/hauls", headers: node.auth })).json().items[0];
  t.equal(haul.flag, "no_way", "the haul on it is flagged: its departure is gone and no other goes to b");
  t.equal((await node.app.inject({ method: "DELETE", url, headers: { authorization: `Bearer ${owner.token}` } })).statusCode, 409, "twice is a conflict");
  t.equal((await node.app.inject({ method: "DELETE", url: `/api/driver/routes/${id}/departures/nope`, headers: { authorization: `Bearer ${owner.token}` } })).statusCode, 400);
});
