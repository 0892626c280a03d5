import t from "tap";
import { outboxTable } from "../../src/db/schema/federation.js";
import { haulsTable } from "../../src/db/schema/transport.js";
import { initialLegs } from "../../src/transport/capacity.js";
import { saveRoute, updateHaul } from "../../src/transport/store.js";
import { at, b, c, flourRequest, json, self, stop } from "../helpers/chain-fixtures.js";
import { buildTestApp } from "../helpers/test-app.js";

/** Two routes received from elsewhere: X drives testville → b in 2 h, Y drives b → c. */
function seed(db: Parameters<typeof saveRoute>[0], yLeavesAfterHours: number) {
  const route = (name: string, driver: string, stops: string[], departsAt: number) => {
    const uri = `http://127.0.0.1:${name === "x" ? 1 : 2}/routes/${name}`;
    saveRoute(db, {
      uri,
      driverId: null,
      driverUri: driver,
      driverInbox: `${driver}/inbox`,
      name,
      stops: stops.map(stop),
      legs: [{ distanceKm: 100, durationMinutes: 120 }],
      schedule: [],
      refrigerated: false,
      status: "active",
      departures: [{ uri: `${uri}/departures/1`, departsAt, cancelled: false, legs: initialLegs(1, 100, 10) }],
    });
  };
  route("x", "http://127.0.0.1:1/actors/driver-x", [self, b], at(0));
  route("y", "http://127.0.0.1:2/actors/driver-y", [b, c], at(yLeavesAfterHours));
}

const request = flourRequest;

t.test("a way no single route covers is requested as two linked segment hauls, in one go", async (t) => {
  const node = await buildTestApp(t);
  const { db } = node.services;
  seed(db, 3);
  const res = await node.app.inject({ method: "POST", url: "/api/hauls", ...json(node.auth, request) });
  t.equal(res.statusCode, 201);
  const body = res.json();
  t.equal(body.chain.length, 2, "two segments");
  t.same(body.chain.handOvers, [b], "handed over at b");
  t.same(
    body.chain.segments.map((s: any) => [s.index, s.from, s.to, s.status]),
    [
      [0, self, b, "open"],
      [1, b, c, "open"],
    ],
  );
  t.same(
    body.chain.plan.map((p: any) => p.ways.map((w: any) => w.driver)),
    [["http://127.0.0.1:1/actors/driver-x"], ["http://127.0.0.1:2/actors/driver-y"]],
  );
  t.equal(body.chain.plan[0].ways[0].arrivesAt, new Date(at(2)).toISOString(), "X reaches b after the 2 h leg");

  const rows = db.select().from(haulsTable).all();
  t.same(
    rows.map((r) => [r.chainIndex, r.chainLength, r.quantity, r.resource, r.chainUri === body.chain.uri]),
    [
      [0, 2, 40, request.resource, true],
      [1, 2, 40, request.resource, true],
    ],
  );
  t.equal(rows[1]!.windowStart, at(3), "segment 2 may only leave once the goods can be at b");

  const offers = db
    .select()
    .from(outboxTable)
    .all()
    .map((o) => ({ audience: JSON.parse(o.audienceJson), activity: JSON.parse(o.activityJson) }));
  t.equal(offers.length, 2, "one Offer per segment, saved with the rows");
  t.same(
    offers.map((o) => o.audience.actors.map((a: any) => a.id)),
    [
      ["http://127.0.0.1:2/actors/driver-y", "http://127.0.0.1:1/actors/driver-x"],
      ["http://127.0.0.1:2/actors/driver-y"],
    ],
    "each to its segment's driver; segment 1 also to segment 2's driver, who must hear its hand-over",
  );
  t.match(JSON.stringify(offers[0]!.activity), body.chain.uri);
  t.match(JSON.stringify(offers[0]!.activity), `segment 1 of 2, hand-over at ${b}`);

  const one = (await node.app.inject({ url: `/api/hauls/${rows[1]!.id}`, headers: node.auth })).json();
  t.equal(one.chain.uri, body.chain.uri, "each haul shows its chain");
  t.equal(one.chain.status, "open");
  const chain = await node.app.inject({ url: `/api/hauls/chains/${body.chain.id}`, headers: node.auth });
  t.equal(chain.statusCode, 200);
  t.same(
    chain.json().segments.map((s: any) => s.id),
    rows.map((r) => r.id),
  );
  t.equal(
    (await node.app.inject({ url: "/api/hauls/chains/00000000-0000-0000-0000-000000000000", headers: node.auth }))
      .statusCode,
    404,
  );
  t.equal((await node.app.inject({ url: "/api/hauls/chains/nope", headers: node.auth })).statusCode, 400);
});

t.test(
  "a chain whose timing does not connect is refused like any way that cannot be found; nothing is saved",
  async (t) => {
    const node = await buildTestApp(t);
    const { db } = node.services;
    seed(db, 1);
    const res = await node.app.inject({ method: "POST", url: "/api/hauls", ...json(node.auth, request) });
    t.equal(res.statusCode, 422);
    t.same(res.json().errors, [{ name: "to", reason: "no possible way in the route graph" }], "names the field");
    t.match(res.json().detail, /nor does any chain/);
    t.same(db.select().from(haulsTable).all(), [], "no haul saved");
    t.same(db.select().from(outboxTable).all(), [], "no activity queued");
  },
);

t.test("a way one route covers is still one haul, with no chain", async (t) => {
  const node = await buildTestApp(t);
  seed(node.services.db, 3);
  const res = await node.app.inject({ method: "POST", url: "/api/hauls", ...json(node.auth, { ...request, to: b }) });
  t.equal(res.statusCode, 201);
  t.equal(res.json().chain, null);
  t.same(
    res.json().ways.map((w: any) => w.departure),
    ["http://127.0.0.1:1/routes/x/departures/1"],
  );
});

t.test("the requester cancels a whole chain in one go, unless goods are already on the move", async (t) => {
  const node = await buildTestApp(t);
  const { db } = node.services;
  seed(db, 3);
  const made = (await node.app.inject({ method: "POST", url: "/api/hauls", ...json(node.auth, request) })).json();
  const rows = db.select().from(haulsTable).all();
  updateHaul(db, rows[1]!.id, { status: "picked_up", pickedUp: 40 });
  const refused = await node.app.inject({
    method: "POST",
    url: `/api/hauls/chains/${made.chain.id}/cancel`,
    headers: node.auth,
  });
  t.equal(refused.statusCode, 409, "segment 2 is picked up");
  t.match(refused.json().detail, /Segment 2/);
  t.same(
    db
      .select()
      .from(haulsTable)
      .all()
      .map((r) => r.status),
    ["open", "picked_up"],
    "nothing changed",
  );
  t.equal(db.select().from(outboxTable).all().length, 2, "no cancel went out");

  updateHaul(db, rows[1]!.id, { status: "open", pickedUp: null });
  const res = await node.app.inject({
    method: "POST",
    url: `/api/hauls/chains/${made.chain.id}/cancel`,
    headers: node.auth,
  });
  t.equal(res.statusCode, 200);
  t.equal(res.json().status, "cancelled");
  t.same(
    res.json().segments.map((s: any) => s.status),
    ["cancelled", "cancelled"],
  );
  const sent = db.select().from(outboxTable).all().slice(2);
  t.same(
    sent.map((o) => JSON.parse(o.audienceJson).actors.map((a: any) => a.id)),
    [
      ["http://127.0.0.1:2/actors/driver-y", "http://127.0.0.1:1/actors/driver-x"],
      ["http://127.0.0.1:2/actors/driver-y"],
    ],
    "each segment's driver is told (and segment 2's driver of segment 1)",
  );
  const again = await node.app.inject({
    method: "POST",
    url: `/api/hauls/chains/${made.chain.id}/cancel`,
    headers: node.auth,
  });
  t.equal(again.statusCode, 200, "cancelling twice changes nothing");
  t.equal(db.select().from(outboxTable).all().length, 4);
});
