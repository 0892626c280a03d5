import t from "tap";
import { haulRefusalsTable, haulsTable } from "../../src/db/schema/transport.js";
import { onHaulOffer, onRouteDelete } from "../../src/federation/inbox/transport.js";
import { toHaulOffer } from "../../src/federation/mappers/haul.js";
import { initialLegs } from "../../src/transport/capacity.js";
import { checkPickup } from "../../src/transport/hand-over.js";
import { findHaulByUri, saveRoute, updateHaul } from "../../src/transport/store.js";
import {
  acceptOnRoute,
  at,
  b,
  c,
  declineFrom,
  flourRequest,
  remoteDriver as driver,
  remoteRoute as route,
  remoteRouteDelete,
  self,
  sentActivities as outbox,
  stop,
} from "../helpers/chain-fixtures.js";
import { addDriver, buildTestApp } from "../helpers/test-app.js";

const request = flourRequest;

async function setUp(t: any) {
  const node = await buildTestApp(t);
  const { db } = node.services;
  route(db, "x", [self, b], at(0));
  route(db, "y", [b, c], at(3));
  const res = await node.app.inject({
    method: "POST",
    url: "/api/hauls",
    headers: { ...node.auth, "content-type": "application/json" },
    payload: JSON.stringify(request),
  });
  t.equal(res.statusCode, 201, "a chain of two segments is requested");
  const ctx = node.federation.createContext(new URL(node.services.config.origin), node.services);
  const decline = (haul: string, who: string, id: string) => declineFrom(t, ctx, haul, who, id);
  return { node, db, chain: res.json().chain, decline };
}

t.test(
  "a segment whose only driver declines is replaced alone by another departure; the first segment is kept",
  async (t) => {
    const { node, db, chain, decline } = await setUp(t);
    route(db, "z", [b, c], at(5));
    const before = outbox(db).length;
    await decline(chain.segments[1].uri, driver("y"), "d1");
    t.same(
      db
        .select()
        .from(haulRefusalsTable)
        .all()
        .map((r) => [r.haulUri, r.driverUri, r.kind]),
      [[chain.segments[1].uri, driver("y"), "decline"]],
      "the refusal is recorded",
    );
    const rows = db.select().from(haulsTable).all();
    t.same(
      rows.map((r) => [r.chainIndex, r.chainLength, r.fromUri, r.toUri, r.status, r.flag]),
      [
        [0, 2, self, b, "open", null],
        [1, 2, b, c, "cancelled", "replanned"],
        [1, 2, b, c, "open", null],
      ],
    );
    t.same(
      JSON.parse(rows[2]!.driversJson).map((d: any) => d.id),
      [driver("z")],
      "asked of the new route's driver",
    );
    const sent = outbox(db).slice(before);
    t.equal(sent.length, 3, "a cancel of the old segment, an Offer of the new one, segment 1 again");
    t.match(
      sent[0]!.text,
      /\\"type\\":\\"cancel\\",.*\\"replanned\\":true/,
      "a cancel saying the segment was re-planned",
    );
    t.same(sent[0]!.to, [driver("y")]);
    t.match(sent[1]!.text, /Offer/);
    t.same(sent[1]!.to.sort(), [driver("x"), driver("z")].sort(), "to its driver and the previous segment's driver");
    t.match(sent[2]!.text, chain.segments[0].uri);
    t.ok(sent[2]!.to.includes(driver("z")), "segment 1 is sent again to the new driver, who must hear its hand-over");
    const view = (await node.app.inject({ url: `/api/hauls/chains/${chain.id}`, headers: node.auth })).json();
    t.same(
      view.segments.map((s: any) => [s.index, s.id, s.status]),
      [
        [0, rows[0]!.id, "open"],
        [1, rows[2]!.id, "open"],
      ],
      "the chain view shows the live segments only",
    );
    t.equal(view.status, "open");

    await decline(chain.segments[1].uri, driver("y"), "d1");
    t.equal(outbox(db).length, before + 3, "a replayed decline re-plans nothing");
    await decline(chain.segments[1].uri, driver("y"), "d1-again");
    t.equal(outbox(db).length, before + 3, "nor does the same refusal in a new activity");
  },
);

t.test("with no other way, every open segment is flagged no_way and every party is told", async (t) => {
  const { db, chain, decline } = await setUp(t);
  const before = outbox(db).length;
  await decline(chain.segments[1].uri, driver("y"), "d2");
  const rows = db.select().from(haulsTable).all();
  t.same(
    rows.map((r) => [r.status, r.flag]),
    [
      ["open", "no_way"],
      ["open", "no_way"],
    ],
  );
  const sent = outbox(db).slice(before);
  t.equal(sent.length, 2, "one no_way per segment");
  for (const s of sent) t.match(s.text, /no_way/);
  await decline(chain.segments[1].uri, driver("y"), "d3");
  t.equal(outbox(db).length, before + 2, "told once");
});

t.test(
  "when the first segment's driver declines and no departure replaces it alone, the way is re-planned from the origin",
  async (t) => {
    const { db, chain, decline } = await setUp(t);
    route(db, "w", [self, "http://127.0.0.1:4/actors/d", c], at(1));
    const before = outbox(db).length;
    await decline(chain.segments[0].uri, driver("x"), "d4");
    const rows = db.select().from(haulsTable).all();
    t.same(
      rows.map((r) => [r.chainIndex, r.chainLength, r.fromUri, r.toUri, r.status, r.flag]),
      [
        [0, 2, self, b, "cancelled", "replanned"],
        [1, 2, b, c, "cancelled", "replanned"],
        [0, 1, self, c, "open", null],
      ],
    );
    const sent = outbox(db).slice(before);
    t.equal(sent.length, 3, "two cancels, one Offer");
    t.same(sent[2]!.to, [driver("w")]);
  },
);

t.test("the new driver's node learns how far the kept segment got, so the hand-over check passes there", async (t) => {
  const { db, chain, decline } = await setUp(t);
  const [first] = db.select().from(haulsTable).all();
  updateHaul(db, first!.id, {
    status: "delivered",
    driverUri: driver("x"),
    departureUri: "http://127.0.0.1:3/routes/x/departures/1",
    delivered: 38,
  });
  route(db, "z", [b, c], at(5));
  await decline(chain.segments[1].uri, driver("y"), "d5");
  const rows = db.select().from(haulsTable).all();
  const kept = rows[0]!;
  const fresh = rows[2]!;
  t.equal(fresh.chainIndex, 1, "replaced alone");
  t.ok(
    JSON.parse(kept.partiesJson).some((p: any) => p.id === driver("z")),
    "the new driver is a party of segment 1 now",
  );

  // Node Z (the new driver's home) receives both Offers.
  const home = await buildTestApp(t, { origin: "http://127.0.0.1:4", handle: "zed" });
  const hctx = home.federation.createContext(new URL("http://127.0.0.1:4"), home.services);
  await onHaulOffer(hctx as never, toHaulOffer(kept, new URL("http://127.0.0.1:9/activities/re"), [driver("z")]));
  await onHaulOffer(hctx as never, toHaulOffer(fresh, new URL("http://127.0.0.1:9/activities/new"), [driver("z")]));
  const copy = findHaulByUri(home.services.db, kept.uri)!;
  t.same([copy.status, copy.delivered, copy.driverUri], ["delivered", 38, driver("x")], "with its state");
  const mine = findHaulByUri(home.services.db, fresh.uri)!;
  t.same([mine.chainIndex, mine.status], [1, "open"]);
  t.same(checkPickup(mine, copy, 38), { ok: true }, "the pick-up after the hand-over is allowed");
  t.equal(checkPickup(mine, copy, 40).ok, false, "not more than was delivered");
});

/** Segment 2 superseded by a new open segment asked of z's driver; segment 1 as it was. */
function expectSegment2ReplacedByZ(t: any, db: any) {
  const rows = db.select().from(haulsTable).all();
  t.same(
    rows.map((r: any) => [r.chainIndex, r.status, r.flag]),
    [
      [0, "open", null],
      [1, "cancelled", "replanned"],
      [1, "open", null],
    ],
    "segment 2 is superseded by a new one",
  );
  t.same(
    JSON.parse(rows[2]!.driversJson).map((d: any) => d.id),
    [driver("z")],
    "the new segment is asked of z's driver",
  );
}

/**
 * One node with our own driver Yana on route B → C (route id `routeId`,
 * departure `stamp`) and a remote route A → B: a chain of two segments is
 * requested and Yana accepts segment 2.
 */
async function yanaOnSegment2(t: any, routeId: string, stamp: string) {
  const node = await buildTestApp(t);
  const { db, config } = node.services;
  const headers = { ...node.auth, "content-type": "application/json" };
  const yana = await addDriver(node, "Yana");
  const asYana = { ...yana.auth, "content-type": "application/json" };
  const yanaUri = yana.uri;
  route(db, "x", [self, b], at(0));
  const yDeparture = `${config.origin}/routes/${routeId}/departures/${stamp}`;
  saveRoute(db, {
    uri: `${config.origin}/routes/${routeId}`,
    driverId: yana.id,
    driverUri: yanaUri,
    driverInbox: `${yanaUri}/inbox`,
    name: "y",
    stops: [stop(b), stop(c)],
    legs: [{ distanceKm: 100, durationMinutes: 90 }],
    schedule: [],
    refrigerated: false,
    status: "active",
    departures: [{ uri: yDeparture, departsAt: at(3), cancelled: false, legs: initialLegs(1, 100, 10) }],
  });
  const made = await node.app.inject({ method: "POST", url: "/api/hauls", headers, payload: JSON.stringify(request) });
  t.equal(made.statusCode, 201);
  const seg2 = db.select().from(haulsTable).all()[1]!;
  const accept = await node.app.inject({
    method: "POST",
    url: `/api/driver/hauls/${seg2.id}/accept`,
    headers: asYana,
    payload: JSON.stringify({ departure: yDeparture }),
  });
  t.equal(accept.statusCode, 200, "Yana accepts segment 2");
  return { node, db, seg2, asYana, yanaUri };
}

t.test("our own driver withdrawing through the driver API re-plans the segment the same way", async (t) => {
  const { node, db, seg2, asYana, yanaUri } = await yanaOnSegment2(t, "y", "1");
  route(db, "z", [b, c], at(6));
  const before = outbox(db).length;
  const withdraw = await node.app.inject({
    method: "POST",
    url: `/api/driver/hauls/${seg2.id}/withdraw`,
    headers: { authorization: asYana.authorization },
  });
  t.equal(withdraw.statusCode, 200);
  t.same(
    db
      .select()
      .from(haulRefusalsTable)
      .all()
      .map((r) => [r.driverUri, r.kind]),
    [[yanaUri, "withdraw"]],
    "her withdrawal is recorded",
  );
  expectSegment2ReplacedByZ(t, db);
  const sent = outbox(db).slice(before);
  t.same(
    sent.map((s: { text: string }) =>
      s.text.includes('"Offer"')
        ? "Offer"
        : /withdraw/.test(s.text)
          ? "withdraw"
          : /cancel/.test(s.text)
            ? "cancel"
            : s.text.includes('"Update"')
              ? "Update"
              : "?",
    ),
    ["withdraw", "Update", "cancel", "Offer", "Offer"],
    "her withdrawal, her route's freed room, the old segment cancelled, the new segment and segment 1 again",
  );
  const mine = (
    await node.app.inject({ url: "/api/driver/hauls", headers: { authorization: asYana.authorization } })
  ).json();
  t.same(mine.open, [], "the superseded segment is no longer offered to her");
});

t.test("a remote driver's route withdrawn after accepting a segment: the segment is re-planned", async (t) => {
  const { node, db, chain } = await setUp(t);
  const ctx = node.federation.createContext(new URL(node.services.config.origin), node.services);
  const seg2 = chain.segments[1].uri as string;
  await acceptOnRoute(t, ctx, seg2, "y");
  t.equal(findHaulByUri(db, seg2)!.status, "accepted", "y accepted segment 2");
  route(db, "z", [b, c], at(5));
  t.equal(db.select().from(haulsTable).all().length, 2, "a new route alone re-plans nothing: segment 2 is taken");
  const before = outbox(db).length;
  const del = remoteRouteDelete("y");
  t.equal(await onRouteDelete(ctx as never, del), true);
  expectSegment2ReplacedByZ(t, db);
  const sent = outbox(db).slice(before);
  t.match(sent[0]!.text, /\\"type\\":\\"cancel\\",.*\\"replanned\\":true/, "y hears the segment was re-planned");
  t.same(sent[0]!.to, [driver("y")]);
  t.ok(
    sent.some((s: any) => s.text.includes('"Offer"') && s.to.includes(driver("z"))),
    "z is offered the new segment",
  );
  const count = outbox(db).length;
  t.equal(await onRouteDelete(ctx as never, del), true);
  t.equal(outbox(db).length, count, "a replayed Delete re-plans nothing");
});

t.test("our own driver withdrawing the departure she accepted on re-plans the segment", async (t) => {
  const stamp = "20990101T090000Z";
  const routeId = "3f2b8c1e-0000-4000-8000-000000000001";
  const { node, db, seg2, asYana } = await yanaOnSegment2(t, routeId, stamp);
  route(db, "z", [b, c], at(6));
  const cancel = await node.app.inject({
    method: "DELETE",
    url: `/api/driver/routes/${routeId}/departures/${stamp}`,
    headers: { authorization: asYana.authorization },
  });
  t.equal(cancel.statusCode, 200, cancel.body);
  t.same(cancel.json().flaggedHauls, [seg2.uri], "her haul on it is flagged");
  expectSegment2ReplacedByZ(t, db);
});
