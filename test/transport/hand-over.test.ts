import t from "tap";
import { outboxTable } from "../../src/db/schema/federation.js";
import { haulsTable } from "../../src/db/schema/transport.js";
import { initialLegs } from "../../src/transport/capacity.js";
import { checkPickup, endsAtHandOver } from "../../src/transport/hand-over.js";
import { applyHaulEvent, newHaul } from "../../src/transport/hauls.js";
import { saveRoute, updateHaul } from "../../src/transport/store.js";
import { at, b, c, flourRequest, json } from "../helpers/chain-fixtures.js";
import { addDriver, buildTestApp } from "../helpers/test-app.js";

const segment = (chainIndex: number | null, status: any = "accepted", delivered: number | null = null) => ({
  chainIndex,
  fromUri: chainIndex === 1 ? "b" : "a",
  toUri: chainIndex === 1 ? "c" : "b",
  status,
  delivered,
});

t.test(
  "the pure rule: a segment is picked up only after the one before it is delivered there, and not more",
  async (t) => {
    const second = segment(1);
    const name = (uri: string) => uri.toUpperCase();
    t.same(checkPickup(segment(null), undefined, 40), { ok: true }, "a one-driver haul has no hand-over");
    t.same(checkPickup(segment(0), undefined, 40), { ok: true }, "the first segment is picked up at the origin");
    t.same(
      checkPickup(second, undefined, 40, name),
      { ok: false, reason: "segment 1 is not delivered at B yet (this node has not heard of it)" },
      "an unknown previous segment is not taken as delivered",
    );
    for (const status of ["open", "accepted", "picked_up", "handed_over", "cancelled"]) {
      t.same(
        checkPickup(second, segment(0, status), 40, name),
        { ok: false, reason: "segment 1 is not delivered at B yet" },
        `refused while segment 1 is ${status}`,
      );
    }
    t.same(
      checkPickup(second, segment(0, "delivered", 38), 40, name),
      {
        ok: false,
        reason: "segment 1 delivered only 38 at B: no more than that can be picked up",
        field: "quantity",
      },
      "no more than was handed over",
    );
    t.same(checkPickup(second, segment(0, "delivered", 38), 38, name), { ok: true });
    t.same(checkPickup(second, segment(0, "received", 38), 30, name), { ok: true }, "a short pick-up is allowed");
    t.same(
      checkPickup(second, { ...segment(0, "delivered", 38), toUri: "x" }, 38, name),
      { ok: false, reason: "segment 1 ends at X, not at B" },
      "a previous segment that ends elsewhere does not count",
    );
  },
);

t.test(
  "a segment that ends at a hand-over records its own difference on delivery; the last one on receipt",
  async (t) => {
    t.ok(endsAtHandOver({ chainIndex: 0, chainLength: 2 }));
    t.notOk(endsAtHandOver({ chainIndex: 1, chainLength: 2 }));
    t.notOk(endsAtHandOver({ chainIndex: null, chainLength: null }));
    const carried = { ...newHaul(40), status: "picked_up" as const, pickedUp: 40 };
    const handOver = applyHaulEvent({ ...carried, endsAtHandOver: true }, { type: "delivered", quantity: 38 });
    t.ok(handOver.ok && handOver.state.difference === -2, "delivered − requested at the hand-over");
    const last = applyHaulEvent(carried, { type: "delivered", quantity: 38 });
    t.ok(last.ok && last.state.difference === null, "the receiver's count decides the last difference");
    const received = last.ok ? applyHaulEvent(last.state, { type: "received", quantity: 37 }) : last;
    t.ok(received.ok && received.state.difference === -3, "against the requested quantity, as before");
  },
);

const xDriver = "http://127.0.0.1:1/actors/driver-x";

t.test("one node: our driver carries segment 2 and may pick it up only once segment 1 is delivered at B", async (t) => {
  const node = await buildTestApp(t);
  const { db, config } = node.services;
  const self = `${config.origin}/actors/${config.handle}`;
  const yana = await addDriver(node, "Yana");
  const asYana = yana.auth;
  const yanaUri = yana.uri;
  const stop = (uri: string, name: string) => ({ uri, name, lat: null, lon: null, inbox: null, sharedInbox: null });
  // X (another node) drives here → B in 2 h; Yana (ours) drives B → C three hours later.
  saveRoute(db, {
    uri: "http://127.0.0.1:1/routes/x",
    driverId: null,
    driverUri: xDriver,
    driverInbox: `${xDriver}/inbox`,
    name: "x",
    stops: [stop(self, "Here"), stop(b, "B")],
    legs: [{ distanceKm: 100, durationMinutes: 120 }],
    schedule: [],
    refrigerated: false,
    status: "active",
    departures: [
      {
        uri: "http://127.0.0.1:1/routes/x/departures/1",
        departsAt: at(0),
        cancelled: false,
        legs: initialLegs(1, 100, 10),
      },
    ],
  });
  const yDeparture = `${config.origin}/routes/y/departures/1`;
  saveRoute(db, {
    uri: `${config.origin}/routes/y`,
    driverId: yana.id,
    driverUri: yanaUri,
    driverInbox: `${yanaUri}/inbox`,
    name: "y",
    stops: [stop(b, "B"), stop(c, "C")],
    legs: [{ distanceKm: 100, durationMinutes: 90 }],
    schedule: [],
    refrigerated: false,
    status: "active",
    departures: [{ uri: yDeparture, departsAt: at(3), cancelled: false, legs: initialLegs(1, 100, 10) }],
  });

  const made = await node.app.inject({
    method: "POST",
    url: "/api/hauls",
    ...json(node.auth, { ...flourRequest, from: self }),
  });
  t.equal(made.statusCode, 201);
  const chain = made.json().chain;
  const [seg1, seg2] = db.select().from(haulsTable).all();
  t.ok(
    JSON.parse(seg1!.partiesJson).some((p: any) => p.id === yanaUri),
    "segment 2's driver is a party of segment 1, so her node hears its hand-over",
  );
  t.notOk(
    JSON.parse(seg1!.driversJson).some((p: any) => p.id === yanaUri),
    "but she is not asked to carry it",
  );

  const offered = (await node.app.inject({ url: "/api/driver/hauls", headers: asYana })).json();
  t.same(
    offered.open.map((h: any) => h.uri),
    [seg2!.uri],
    "Yana is offered segment 2 only",
  );
  const accepted = await node.app.inject({
    method: "POST",
    url: `/api/driver/hauls/${seg2!.id}/accept`,
    ...json(asYana, { departure: yDeparture }),
  });
  t.equal(accepted.statusCode, 200, "Yana accepts segment 2");

  const pickUp = (quantity: number) =>
    node.app.inject({ method: "POST", url: `/api/driver/hauls/${seg2!.id}/picked-up`, ...json(asYana, { quantity }) });
  const outboxSize = () => db.select().from(outboxTable).all().length;
  const sent = outboxSize();

  const early = await pickUp(40);
  t.equal(early.statusCode, 409, "too early: segment 1 is only accepted");
  t.equal(early.json().detail, "segment 1 is not delivered at B yet");
  updateHaul(db, seg1!.id, { status: "picked_up", driverUri: xDriver, pickedUp: 40 });
  t.equal((await pickUp(40)).json().detail, "segment 1 is not delivered at B yet", "still too early while X drives");
  t.equal(
    db
      .select()
      .from(haulsTable)
      .all()
      .find((h) => h.id === seg2!.id)!.status,
    "accepted",
    "segment 2 did not change",
  );
  t.equal(outboxSize(), sent, "nothing was sent");

  // X's delivery at B, as Yana's node records it when X's Note arrives: 2 kg short.
  updateHaul(db, seg1!.id, { status: "delivered", delivered: 38, difference: -2 });
  const tooMuch = await pickUp(40);
  t.equal(tooMuch.statusCode, 409, "more than was handed over");
  t.same(tooMuch.json().errors, [
    { name: "quantity", reason: "segment 1 delivered only 38 at B: no more than that can be picked up" },
  ]);
  t.equal(outboxSize(), sent, "still nothing sent");

  const ok = await pickUp(38);
  t.equal(ok.statusCode, 200, "the 38 kg handed over are picked up");
  t.equal(ok.json().pickedUp, 38);
  t.equal(outboxSize(), sent + 1, "the pick-up was saved with its activity");
  const delivered = await node.app.inject({
    method: "POST",
    url: `/api/driver/hauls/${seg2!.id}/delivered`,
    ...json(asYana, { quantity: 38 }),
  });
  t.equal(delivered.statusCode, 200);
  t.equal(delivered.json().difference, null, "the last segment's difference waits for the receiver's count");

  const view = (await node.app.inject({ url: `/api/hauls/chains/${chain.id}`, headers: node.auth })).json();
  t.same(
    view.segments.map((s: any) => [s.status, s.pickedUp, s.delivered, s.difference]),
    [
      ["delivered", 40, 38, -2],
      ["delivered", 38, 38, null],
    ],
    "the chain shows where the goods went short",
  );
});
