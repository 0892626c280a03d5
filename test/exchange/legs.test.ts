import { Delete } from "@fedify/vocab";
import t from "tap";
import { decideLeg, type LegRequests } from "../../src/exchange/legs.js";
import { reconcile } from "../../src/exchange/reconcile.js";
import { deriveExchange, type ExchangeEvent, type LegView } from "../../src/exchange/state.js";
import { addEvent, eventsOf, insertExchange, viewOf } from "../../src/exchange/store.js";
import { onHaulEvent, onRouteDelete } from "../../src/federation/inbox/transport.js";
import { toHaulEventCreate } from "../../src/federation/mappers/haul.js";
import { applyReceived } from "../../src/supply/view-store.js";
import { rollRoutesForward, routeGraphGrew } from "../../src/transport/federate.js";
import { listHauls, type RouteSnapshot, saveRoute, updateHaul } from "../../src/transport/store.js";
import { addDriver, buildTestApp } from "../helpers/test-app.js";

const DAY = 86_400_000;
const S = "http://supplier.invalid/actors/s";
const R = "http://receiver.invalid/actors/r";
const leg: LegView = {
  id: "l1",
  from: S,
  to: R,
  driver: null,
  departure: null,
  declinedBy: [],
  attempts: 0,
  unserved: null,
};
const none: LegRequests = { attempts: 0, current: null, declinedCurrent: [], offered: new Set() };
const way = (departure: string, driver = "http://d.invalid/actors/d1") => ({ departure, driver });
const open = { uri: "h1", status: "open", drivers: ["d1", "d2"], windowEnd: 2_000 };

t.test("decideLeg: when a leg is asked for, asked for again, or reported unserved", async (t) => {
  t.same(
    decideLeg(leg, none, [way("dep1")], null, 1_000),
    { kind: "request", ways: [way("dep1")], replaces: null },
    "first request",
  );
  t.match(decideLeg(leg, none, [], null, 1_000), { kind: "unserved", reason: /no known departure/ }, "no way at all");
  t.same(decideLeg({ ...leg, driver: "d1" }, none, [way("dep1")], null, 1_000), { kind: "wait" }, "a driver has it");
  const asked: LegRequests = { attempts: 1, current: open, declinedCurrent: ["d1"], offered: new Set(["dep1"]) };
  t.same(
    decideLeg(leg, asked, [way("dep1"), way("dep2")], null, 1_000),
    { kind: "wait" },
    "one asked driver may still answer",
  );
  const allDeclined = { ...asked, declinedCurrent: ["d1", "d2"] };
  t.match(
    decideLeg(leg, allDeclined, [way("dep1")], null, 1_000),
    { kind: "unserved", reason: /every driver asked declined/, lapse: null },
    "declined, nothing new",
  );
  t.same(
    decideLeg(leg, allDeclined, [way("dep1"), way("dep2")], null, 1_000),
    { kind: "request", ways: [way("dep2")], replaces: "h1" },
    "declined, a new departure: only it is offered, the old request is replaced",
  );
  t.match(
    decideLeg(leg, asked, [], null, 3_000),
    { kind: "unserved", reason: /window passed/, lapse: "h1" },
    "the window passed unanswered",
  );
  t.match(
    decideLeg(leg, allDeclined, [way("dep2")], "the need was withdrawn", 1_000),
    { kind: "unserved", reason: /not asked again: the need was withdrawn/ },
    "a broken agreement is not re-requested",
  );
  t.same(
    decideLeg(leg, { ...asked, current: { ...open, status: "accepted" } }, [way("dep2")], null, 3_000),
    { kind: "wait" },
    "accepted",
  );
  const stranded = { ...asked, current: { ...open, status: "cancelled", flag: "departure_withdrawn" } };
  t.match(
    decideLeg(leg, stranded, [way("dep1")], null, 1_000),
    {
      kind: "unserved",
      reason: /the departure its driver had accepted was withdrawn; waiting for a departure that fits/,
    },
    "a request cancelled because its departure went: said so while nothing new fits",
  );
});

t.test("state: legRequested clears an earlier legUnserved; a driver clears it too", async (t) => {
  const proposal = {
    supplier: S,
    receiver: R,
    resource: "r",
    quantity: 1,
    legs: [{ id: "l1", from: S, to: R }],
    deadline: "2999-01-01T00:00:00Z",
    digest: "x",
    plannerVersion: "v",
  };
  const base: ExchangeEvent[] = [{ id: "p", at: "2026-01-01T00:00:00Z", kind: "proposed", proposal }];
  const unserved: ExchangeEvent = {
    id: "u",
    at: "2026-01-01T00:00:02Z",
    kind: "legUnserved",
    leg: "l1",
    attempt: 1,
    reason: "every driver asked declined",
  };
  const again: ExchangeEvent = {
    id: "q",
    at: "2026-01-01T00:00:03Z",
    kind: "legRequested",
    leg: "l1",
    attempt: 2,
    haul: "h2",
  };
  const now = new Date("2026-01-02T00:00:00Z");
  t.equal(deriveExchange([...base, unserved], now).legs[0]!.unserved, "every driver asked declined");
  t.match(
    deriveExchange([...base, again, unserved], now).legs[0],
    { unserved: null, attempts: 2 },
    "any arrival order: the later attempt wins",
  );
  const taken: ExchangeEvent = {
    id: "a",
    at: "2026-01-01T00:00:04Z",
    kind: "haulAccepted",
    leg: "l1",
    driver: "d",
    departure: "dep",
  };
  t.equal(deriveExchange([...base, unserved, taken], now).legs[0]!.unserved, null);
});

function routeOf(uri: string, driver: string, departsAt: number[]): RouteSnapshot {
  const stop = (u: string) => ({ uri: u, name: null, lat: 45, lon: 9, inbox: `${u}/inbox`, sharedInbox: null });
  return {
    uri,
    driverId: null,
    driverUri: driver,
    driverInbox: `${driver}/inbox`,
    name: "run",
    stops: [stop(S), stop(R)],
    legs: [{ distanceKm: 100, durationMinutes: 90 }],
    schedule: [],
    refrigerated: false,
    status: "active",
    departures: departsAt.map((at) => ({
      uri: `${uri}/departures/${at}`,
      departsAt: at,
      cancelled: false,
      legs: [{ leg: 0, capacityKg: 500, capacityM3: 10, remainingKg: 500, remainingM3: 10 }],
    })),
  };
}

/** A test node that proposed exchange `name` (one leg S → R), which both parties accepted. */
async function agreed(t: Parameters<typeof buildTestApp>[0], name: string, opts: { quantity: number; need?: string }) {
  const node = await buildTestApp(t);
  const { db, config } = node.services;
  const ctx = node.federation.createContext(new URL(config.origin), node.services);
  const self = `${config.origin}/actors/${config.handle}`;
  const uri = `${config.origin}/exchanges/${name}`;
  insertExchange(db, {
    uri,
    roundUri: `${config.origin}/rounds/${name}`,
    proposer: self,
    supplier: S,
    receiver: R,
    offerUri: `http://supplier.invalid/supply/o-${name}`,
    needUri: opts.need ?? `http://receiver.invalid/supply/n-${name}`,
    unit: "kg",
    kgPerUnit: 1,
    partiesJson: "[]",
  });
  const at = (s: number) => new Date(Date.now() + s).toISOString();
  const proposal = {
    supplier: S,
    receiver: R,
    resource: `${config.origin}/resources/grain`,
    quantity: opts.quantity,
    legs: [{ id: "l1", from: S, to: R }],
    deadline: at(DAY),
    digest: "sha256:x",
    plannerVersion: "v",
  };
  addEvent(db, uri, self, { id: `${uri}#p`, at: at(-3000), kind: "proposed", proposal });
  addEvent(db, uri, S, { id: `${uri}#s`, at: at(-2000), kind: "answered", party: "supplier", answer: "accept" });
  addEvent(db, uri, R, { id: `${uri}#r`, at: at(-1000), kind: "answered", party: "receiver", answer: "accept" });
  return { node, db, sqlite: node.services.sqlite, config, ctx, uri, at, proposal };
}

t.test("the proposer asks again for a leg nobody could take when a departure appears, once", async (t) => {
  const { db, sqlite, ctx, uri, at } = await agreed(t, "x1", { quantity: 40 });
  const hauls = () => listHauls(db).filter((h) => h.reason === uri);
  const offers = () =>
    (sqlite.prepare("SELECT count(*) AS n FROM outbox WHERE activity_type = 'Offer'").get() as { n: number }).n;
  const leg = () => viewOf(db, uri, new Date()).legs[0]!;

  await reconcile(ctx, uri);
  t.equal(viewOf(db, uri, new Date()).status, "agreed");
  t.equal(hauls().length, 0, "no departure: nobody asked");
  t.match(leg(), { attempts: 0, unserved: /no known departure/ }, "the leg says why nobody carries it");

  const d1 = "http://driver1.invalid/actors/d1";
  saveRoute(db, routeOf("http://driver1.invalid/routes/a", d1, [Date.now() + DAY]));
  await routeGraphGrew(ctx);
  t.equal(hauls().length, 1, "a departure appeared: the leg is asked for");
  t.same(
    JSON.parse(hauls()[0]!.driversJson).map((d: { id: string }) => d.id),
    [d1],
  );
  t.match(leg(), { attempts: 1, unserved: null });
  const offersAfterFirst = offers();
  await routeGraphGrew(ctx);
  await reconcile(ctx, uri);
  t.equal(hauls().length, 1, "a replayed update asks nobody twice");
  t.equal(offers(), offersAfterFirst, "and sends nothing");

  addEvent(db, uri, d1, {
    id: `${uri}#d1-declines`,
    at: at(0),
    kind: "haulDeclined",
    leg: "l1",
    driver: d1,
    haul: hauls()[0]!.uri,
  });
  await reconcile(ctx, uri);
  t.match(leg(), { attempts: 1, unserved: /every driver asked declined/ }, "all declined and nothing new: visible");
  t.equal(hauls().length, 1, "the declined departure is not offered again");

  const d2 = "http://driver2.invalid/actors/d2";
  saveRoute(db, routeOf("http://driver2.invalid/routes/b", d2, [Date.now() + 2 * DAY]));
  await Promise.all([routeGraphGrew(ctx), routeGraphGrew(ctx)]);
  const [first, second] = hauls();
  t.equal(hauls().length, 2, "the new departure: asked again, once even with two passes at once");
  t.match(first, { status: "cancelled", flag: "superseded" }, "the old request is cancelled");
  t.same(
    JSON.parse(second!.driversJson).map((d: { id: string }) => d.id),
    [d2],
    "only the new departure's driver is asked",
  );
  t.match(leg(), { attempts: 2, unserved: null });
  const history = viewOf(db, uri, new Date());
  t.equal(history.answers.supplier?.answer, "accept", "the communities were not asked again");

  // The second request is ignored until its window passes.
  updateHaul(db, second!.id, { windowEnd: Date.now() - 1 });
  await reconcile(ctx, uri);
  t.match(leg(), { attempts: 2, unserved: /window passed/ }, "a request ignored past its window is reported");
  t.match(hauls()[1], { status: "cancelled", flag: "lapsed" }, "and withdrawn from its drivers");
  await reconcile(ctx, uri);
  t.equal(hauls().length, 2, "nothing more happens without a new departure");
});

t.test("departures rolled into the horizon on this node get a stranded leg asked for", async (t) => {
  const { db, config, ctx, uri } = await agreed(t, "x2", { quantity: 5 });
  // Our own driver's weekly route, whose only departure so far has already left.
  const weekly = [{ weekly: { days: ["mo", "th"], time: "07:30", timeZone: "Europe/Rome", from: "2026-01-01" } }];
  const ours = {
    ...routeOf(`${config.origin}/routes/w`, `${config.origin}/actors/driver-d1`, [Date.now() - DAY]),
    driverId: "d1",
    schedule: weekly as never,
  };
  saveRoute(db, ours);
  await reconcile(ctx, uri);
  t.match(viewOf(db, uri, new Date()).legs[0], { attempts: 0, unserved: /no known departure/ });
  t.ok((await rollRoutesForward(ctx)) > 0, "the weekly departures roll into the horizon");
  const hauls = listHauls(db).filter((h) => h.reason === uri);
  t.equal(hauls.length, 1, "the leg is asked for on them");
  t.match(viewOf(db, uri, new Date()).legs[0], { attempts: 1, unserved: null });
});

t.test("a leg is not asked for again once the agreement no longer holds", async (t) => {
  const { db, ctx, uri, proposal } = await agreed(t, "x3", { quantity: 40, need: "http://receiver.invalid/supply/n3" });
  const needUri = "http://receiver.invalid/supply/n3";
  const need = {
    objectUri: needUri,
    actorUri: R,
    kind: "need" as const,
    resourceUri: proposal.resource,
    resourceName: "grain",
    category: "food",
    unit: "kg",
    windowStart: null,
    windowEnd: Date.now() + 10 * DAY,
    priority: "important",
    lat: null,
    lon: null,
    locationName: null,
    name: "grain",
  };
  // The receiver lowered its need below what was agreed (it found grain elsewhere).
  applyReceived(
    db,
    { ...need, quantity: 15, version: 2 },
    { activityId: "http://receiver.invalid/a/2", at: Date.now() },
  );
  saveRoute(db, routeOf("http://driver1.invalid/routes/c", "http://driver1.invalid/actors/d1", [Date.now() + DAY]));
  await reconcile(ctx, uri);
  t.equal(listHauls(db).filter((h) => h.reason === uri).length, 0, "no driver is asked");
  t.match(
    viewOf(db, uri, new Date()).legs[0],
    { unserved: /not asked again: the need is down to 15/ },
    "and the leg says why",
  );
});

t.test("all asked drivers declined, then the window passes: the request is withdrawn, reported once", async (t) => {
  const { node, db, ctx, uri, at } = await agreed(t, "x4", { quantity: 3 });
  const d1 = "http://driver1.invalid/actors/d1";
  saveRoute(db, routeOf("http://driver1.invalid/routes/d", d1, [Date.now() + DAY]));
  await reconcile(ctx, uri);
  const [haul] = listHauls(db).filter((h) => h.reason === uri);
  addEvent(db, uri, d1, { id: `${uri}#no`, at: at(0), kind: "haulDeclined", leg: "l1", driver: d1, haul: haul!.uri });
  await reconcile(ctx, uri);
  t.match(
    listHauls(db).find((h) => h.uri === haul!.uri),
    { status: "open" },
    "declined by all, still inside its window",
  );
  updateHaul(db, haul!.id, { windowEnd: Date.now() - 1 });
  await reconcile(ctx, uri);
  await reconcile(ctx, uri);
  t.match(
    listHauls(db).find((h) => h.uri === haul!.uri),
    { status: "cancelled", flag: "lapsed" },
    "withdrawn once its window passed",
  );
  const unserved = viewOf(db, uri, new Date());
  t.equal(
    (
      node.services.sqlite
        .prepare("SELECT count(*) AS n FROM exchange_events WHERE exchange_uri = ? AND kind = 'legUnserved'")
        .get(uri) as { n: number }
    ).n,
    1,
    "reported once for this request",
  );
  t.match(unserved.legs[0], { attempts: 1, unserved: /every driver asked declined/ });
});

t.test("a driver's departure withdrawn after accepting a leg: the leg is asked of another driver", async (t) => {
  const { db, sqlite, ctx, uri } = await agreed(t, "x9", { quantity: 40 });
  const hauls = () => listHauls(db).filter((h) => h.reason === uri);
  const leg = () => viewOf(db, uri, new Date()).legs[0]!;
  const d1 = "http://driver1.invalid/actors/d1";
  await reconcile(ctx, uri);
  const route1 = routeOf("http://driver1.invalid/routes/a", d1, [Date.now() + DAY]);
  saveRoute(db, route1);
  await routeGraphGrew(ctx);
  const first = hauls()[0]!;
  t.ok(first, "the leg is asked of d1");
  const accept = toHaulEventCreate(
    { type: "accept", haul: first.uri, departure: route1.departures[0]!.uri },
    new URL("http://driver1.invalid/activities/a1"),
    new URL("http://driver1.invalid/activities/a1/note"),
    new URL(d1),
    [],
  );
  t.equal(await onHaulEvent(ctx as never, accept, (await accept.getObject()) as never), true);
  t.match(leg(), { driver: d1 }, "d1 carries the leg");

  const d2 = "http://driver2.invalid/actors/d2";
  saveRoute(db, routeOf("http://driver2.invalid/routes/b", d2, [Date.now() + 2 * DAY]));
  await routeGraphGrew(ctx);
  t.equal(hauls().length, 1, "a leg with a driver is not asked of anyone else");

  const del = new Delete({
    id: new URL("http://driver1.invalid/activities/del-a"),
    actor: new URL(d1),
    object: new URL(route1.uri),
  });
  t.equal(await onRouteDelete(ctx as never, del), true);
  const [old, fresh] = hauls();
  t.match(old, { status: "cancelled", flag: "departure_withdrawn" }, "the stranded request is cancelled, saying why");
  const cancelNote = sqlite
    .prepare("SELECT activity_json AS json FROM outbox WHERE activity_json LIKE '%departureGone%'")
    .all() as { json: string }[];
  t.equal(cancelNote.length, 1, "its cancel tells every party the departure is gone");
  t.match(cancelNote[0]!.json, /the departure it was accepted on was withdrawn/, "in words a follower can read, too");
  t.ok(fresh, "the leg is asked for again");
  t.same(
    JSON.parse(fresh!.driversJson).map((d: { id: string }) => d.id),
    [d2],
    "of the other driver",
  );
  t.match(leg(), { driver: null, attempts: 2, unserved: null }, "the leg has no driver until someone accepts");
  t.ok(
    eventsOf(db, uri).some((e) => e.event.kind === "haulDeclined" && e.event.driver === d1),
    "the exchange records that d1 no longer has the leg",
  );

  t.equal(await onRouteDelete(ctx as never, del), true);
  t.equal(hauls().length, 2, "a replayed Delete changes nothing");
});

t.test("our own driver withdrawing the departure of a leg she accepted: the leg is asked again", async (t) => {
  const { node, db, ctx, uri, config } = await agreed(t, "x10", { quantity: 40 });
  const hauls = () => listHauls(db).filter((h) => h.reason === uri);
  const yana = await addDriver(node, "Yana");
  const asYana = yana.auth;
  const routeId = "5a0c9e2d-0000-4000-8000-000000000010";
  const departsAt = Math.floor((Date.now() + DAY) / 1000) * 1000;
  const stamp = new Date(departsAt)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  const base = routeOf(`${config.origin}/routes/${routeId}`, yana.uri, [departsAt]);
  // Departures of our own routes are named by their time (…/departures/20261201T063000Z).
  const mine = {
    ...base,
    driverId: yana.id,
    departures: [{ ...base.departures[0]!, uri: `${base.uri}/departures/${stamp}` }],
  };
  saveRoute(db, mine);
  await reconcile(ctx, uri);
  const first = hauls()[0]!;
  t.ok(first, "the leg is asked of Yana");
  const accepted = await node.app.inject({
    method: "POST",
    url: `/api/driver/hauls/${first.id}/accept`,
    headers: { ...asYana, "content-type": "application/json" },
    payload: JSON.stringify({ departure: mine.departures[0]!.uri }),
  });
  t.equal(accepted.statusCode, 200, accepted.body);
  const d2 = "http://driver2.invalid/actors/d2";
  saveRoute(db, routeOf("http://driver2.invalid/routes/b", d2, [Date.now() + 2 * DAY]));
  const withdrawn = await node.app.inject({
    method: "DELETE",
    url: `/api/driver/routes/${routeId}/departures/${stamp}`,
    headers: asYana,
  });
  t.equal(withdrawn.statusCode, 200, withdrawn.body);
  const [old, fresh] = hauls();
  t.match(old, { status: "cancelled", flag: "departure_withdrawn" });
  t.same(
    JSON.parse(fresh!.driversJson).map((d: { id: string }) => d.id),
    [d2],
    "the leg is asked of the other driver",
  );
  t.match(viewOf(db, uri, new Date()).legs[0], { driver: null, attempts: 2 });
});
