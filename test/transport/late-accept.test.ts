import t from "tap";
import { outboxTable } from "../../src/db/schema/federation.js";
import { onHaulEvent } from "../../src/federation/inbox/transport.js";
import { toHaulAccept } from "../../src/federation/mappers/haul.js";
import { findHaulByUri, insertHaul } from "../../src/transport/store.js";
import { buildTestApp } from "../helpers/test-app.js";

t.test("a driver whose Accept arrives second is told, alone, that the request is cancelled for them", async (t) => {
  const node = await buildTestApp(t);
  const { db, config } = node.services;
  const self = `${config.origin}/actors/${config.handle}`;
  const first = {
    id: "https://b.example/actors/driver-1",
    inbox: "https://b.example/actors/driver-1/inbox",
    sharedInbox: null,
  };
  const second = {
    id: "https://c.example/actors/driver-2",
    inbox: "https://c.example/actors/driver-2/inbox",
    sharedInbox: null,
  };
  const uri = `${config.origin}/hauls/race`;
  insertHaul(db, {
    uri,
    requesterUri: self,
    fromUri: self,
    toUri: "https://c.example/actors/c",
    resource: "https://b.example/resources/flour",
    quantity: 40,
    unit: "kg",
    weightKg: 40,
    volumeM3: 1,
    windowStart: Date.now(),
    windowEnd: Date.now() + 86_400_000,
    reason: null,
    status: "accepted",
    driversJson: JSON.stringify([first, second]),
    partiesJson: JSON.stringify([]),
    driverUri: first.id,
    departureUri: "https://b.example/routes/r/departures/1",
    fromLeg: 0,
    toLeg: 0,
  });
  const accept = toHaulAccept(
    { type: "accept", haul: uri, departure: "https://c.example/routes/q/departures/1", fromLeg: 0, toLeg: 0 },
    new URL("https://c.example/activities/late-accept"),
    new URL(second.id),
    [self],
  );
  const ctx = node.federation.createContext(new URL(config.origin), node.services);
  t.equal(await onHaulEvent(ctx as never, accept, accept), true, "the Accept is recognised as a haul step");

  t.equal(findHaulByUri(db, uri)?.driverUri, first.id, "the first driver keeps the haul");
  const rows = db.select().from(outboxTable).all();
  t.equal(rows.length, 1, "one activity goes out");
  const audience = JSON.parse(rows[0]!.audienceJson);
  t.same(audience, { followers: false, actors: [second] }, "to the second driver alone");
  const sent = JSON.parse(rows[0]!.activityJson);
  t.match(JSON.stringify(sent), /\\"type\\":\\"cancel\\"/, "saying the request is cancelled for them");

  t.equal(await onHaulEvent(ctx as never, accept, accept), true);
  t.equal(db.select().from(outboxTable).all().length, 1, "a redelivered Accept is not answered twice");
});
