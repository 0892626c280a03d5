import t from "tap";
import { openDatabase } from "../../src/db/client.js";
import { applyMigrations } from "../../src/db/migrate.js";
import { followingTable } from "../../src/db/schema/federation.js";
import { distanceKm, totalsByResource, withinRadius } from "../../src/supply/view.js";
import { applyDeleted, applyReceived, queryNetwork, type ReceivedItem, replaceActorItems } from "../../src/supply/view-store.js";

const A = "https://a.example/actors/alpha";
const item = (over: Partial<ReceivedItem> = {}): ReceivedItem => ({
  objectUri: "https://a.example/supply/1",
  actorUri: A,
  kind: "offer",
  resourceUri: "https://a.example/resources/potatoes",
  resourceName: "Potatoes",
  category: "food",
  unit: "kg",
  quantity: 10,
  windowStart: null,
  windowEnd: Date.parse("2030-01-10T00:00:00Z"),
  priority: null,
  lat: 41.89,
  lon: 12.49,
  locationName: "Rome",
  name: "Offer",
  version: 100,
  ...over,
});
const now = Date.parse("2030-01-01T00:00:00Z");

function freshDb(t: { teardown(fn: () => unknown): void }) {
  const opened = openDatabase(":memory:");
  applyMigrations(opened.db);
  opened.db
    .insert(followingTable)
    .values({ actorUri: A, inboxUrl: `${A}/inbox`, followActivityId: "https://b.example/activities/f", status: "accepted" })
    .run();
  t.teardown(() => opened.close());
  return opened.db;
}

t.test("distance and radius", async (t) => {
  t.ok(Math.abs(distanceKm(41.89, 12.49, 45.46, 9.19) - 477) < 5, "Rome–Milan is about 477 km");
  const near = withinRadius([item({ lat: 45.46, lon: 9.19 }), item(), item({ lat: null, lon: null })], { lat: 41.9, lon: 12.5, radiusKm: 50 });
  t.equal(near.length, 1, "only Rome is within 50 km; items without location are left out");
  t.ok((near[0]?.distanceKm ?? 99) < 2, "Rome is under 2 km away");
});

t.test("totals per resource and unit, with how many communities", async (t) => {
  const totals = totalsByResource([
    item({ quantity: 0.1 }),
    item({ quantity: 0.2, actorUri: "https://b.example/actors/b" }),
    item({ kind: "need", quantity: 1 }),
    item({ unit: "crate", quantity: 3 }),
  ]);
  t.same(
    totals.map((x) => [x.unit, x.offered, x.needed, x.balance, x.offeredBy, x.neededBy]),
    [
      ["crate", 3, 0, 3, 1, 0],
      ["kg", 0.3, 1, -0.7, 2, 1],
    ],
  );
});

t.test("an older version never replaces a newer one; a tombstone stays", async (t) => {
  const db = freshDb(t);
  const p = { activityId: "x", at: 1 };
  t.equal(applyReceived(db, item({ version: 100 }), p), "stored");
  t.equal(applyReceived(db, item({ version: 200, quantity: 5 }), p), "stored");
  t.equal(applyReceived(db, item({ version: 150, quantity: 99 }), p), "stale", "a late older Update loses");
  t.equal(queryNetwork(db, { now })[0]?.quantity, 5);
  t.equal(applyReceived(db, item({ version: 300, actorUri: "https://b.example/actors/b" }), p), "not-owner");
  t.equal(applyDeleted(db, item().objectUri, "https://b.example/actors/b", { ...p, version: 400 }), "not-owner");
  t.equal(applyDeleted(db, item().objectUri, A, { ...p, version: 250 }), "deleted");
  t.equal(queryNetwork(db, { now }).length, 0);
  t.equal(applyReceived(db, item({ version: 240 }), p), "stale", "an Update older than the Delete does not resurrect it");
});

t.test("expired windows drop out of queries; resync replaces an actor's set", async (t) => {
  const db = freshDb(t);
  const p = { activityId: "x", at: 1 };
  applyReceived(db, item(), p);
  applyReceived(db, item({ objectUri: "https://a.example/supply/2", windowEnd: now - 1 }), p);
  t.equal(queryNetwork(db, { now }).length, 1, "the expired one is not shown");
  applyReceived(db, item({ objectUri: "https://c.example/supply/9", actorUri: "https://c.example/actors/c" }), p);
  t.equal(queryNetwork(db, { now }).length, 1, "items of a community we do not follow (any more) are not shown");
  applyReceived(db, item({ objectUri: "https://a.example/supply/4" }), { activityId: "late", at: 50 });
  const r = replaceActorItems(db, A, [item({ objectUri: "https://a.example/supply/3", version: 5 })], { ...p, fetchedAt: 10 });
  t.same(r, { stored: 1, removed: 2 });
  t.same(
    queryNetwork(db, { now }).map((i) => i.objectUri).sort(),
    ["https://a.example/supply/3", "https://a.example/supply/4"],
    "an item received while the collection was in flight is kept",
  );
});
