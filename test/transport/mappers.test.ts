import "../../src/lib/runtime-shims.js";
import { Accept, Create, Note, Offer, PropertyValue, Proposal } from "@fedify/vocab";
import { getDocumentLoader } from "@fedify/vocab-runtime";
import t from "tap";
import type { HaulRow } from "../../src/db/schema/transport.js";
import { chainLinkOf, HAUL_EVENT_ATTACHMENT, haulEventOf, haulPayloadOf, toHaulAccept, toHaulEventCreate, toHaulOffer } from "../../src/federation/mappers/haul.js";
import { routePayloadOf, toRouteProposal } from "../../src/federation/mappers/route.js";
import { initialLegs } from "../../src/transport/capacity.js";
import type { RouteSnapshot } from "../../src/transport/store.js";

// Only the preloaded JSON-LD contexts are used: a test never leaves the machine.
const loader = getDocumentLoader();
const options = { contextLoader: loader, documentLoader: loader };

const stop = (n: string, lat: number) => ({ uri: `https://${n}.example/actors/${n}`, name: n, lat, lon: lat / 2, inbox: `https://${n}.example/actors/${n}/inbox`, sharedInbox: `https://${n}.example/inbox` });
const route: RouteSnapshot = {
  uri: "https://b.example/routes/0b8c5a2e-1111-4c1e-9a55-3f1f3f0d2c11",
  driverId: "ab12cd34ef",
  driverUri: "https://b.example/actors/driver-ab12cd34ef",
  driverInbox: "https://b.example/actors/driver-ab12cd34ef/inbox",
  name: "Via Emilia",
  stops: [stop("a", 45.46), stop("b", 44.49), stop("c", 43.77)],
  legs: [
    { distanceKm: 215, durationMinutes: 150 },
    { distanceKm: 105, durationMinutes: 80 },
  ],
  schedule: [{ weekly: { days: ["mo", "we"], time: "07:30", timeZone: "Europe/Rome", from: "2026-12-01" } }],
  refrigerated: true,
  status: "active",
  departures: [
    { uri: "https://b.example/routes/0b8c5a2e-1111-4c1e-9a55-3f1f3f0d2c11/departures/20261202T063000Z", departsAt: Date.parse("2026-12-02T06:30:00Z"), cancelled: false, legs: initialLegs(2, 800, 12) },
  ],
};

t.test("a route survives Fedify's JSON-LD round trip with every field we rely on", async (t) => {
  const create = new Create({ id: new URL("https://b.example/activities/1"), actor: new URL(route.driverUri), object: toRouteProposal(route, new URL("https://b.example/actors/b")) });
  const json = await create.toJsonLd({ format: "compact", contextLoader: loader });
  if (process.env.PRINT_WIRE) console.log(JSON.stringify(json, null, 2));
  const back = await Create.fromJsonLd(json, options);
  const p = await back.getObject(options);
  t.ok(p instanceof Proposal);
  if (!(p instanceof Proposal)) return;
  t.equal(p.purpose, "offer");
  t.equal(p.attributionId?.href, route.driverUri);
  const intent = p.publishes;
  t.equal(intent?.action, "deliverService");
  t.equal(String(intent?.availableQuantity?.numericalValue), "800");
  t.equal(p.startTime?.toString(), "2026-12-02T06:30:00Z");
  const payload = await routePayloadOf(p);
  t.same(payload?.stops, route.stops, "stops in driving order, with coordinates and inboxes");
  t.same(payload?.legs, route.legs);
  t.same(payload?.schedule, route.schedule);
  t.equal(payload?.refrigerated, true);
  t.same(payload?.departures, [{ id: route.departures[0]!.uri, startTime: "2026-12-02T06:30:00.000Z", legs: route.departures[0]!.legs }]);
  const tags = [];
  for await (const tag of p.getTags(options)) tags.push(tag);
  t.equal(tags.length, 3, "one Mention per stop for Mastodon");
});

const haul: HaulRow = {
  id: 1,
  uri: "https://a.example/hauls/5f1d7c8e-2222-4bb1-8f0e-0c6d7c1a9e10",
  requesterUri: "https://a.example/actors/a",
  fromUri: "https://a.example/actors/a",
  toUri: "https://c.example/actors/c",
  resource: "https://example.org/resources/flour",
  quantity: 40,
  unit: "kg",
  weightKg: 40,
  volumeM3: 1,
  windowStart: Date.parse("2026-12-01T00:00:00Z"),
  windowEnd: Date.parse("2026-12-04T00:00:00Z"),
  reason: "https://a.example/exchanges/17",
  status: "open",
  driversJson: JSON.stringify([{ id: route.driverUri, inbox: route.driverInbox, sharedInbox: null }]),
  partiesJson: JSON.stringify([{ id: "https://c.example/actors/c", inbox: "https://c.example/actors/c/inbox", sharedInbox: null }]),
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
  replacedBy: null,
  chainUri: null,
  chainIndex: null,
  chainLength: null,
  createdAt: 0,
  updatedAt: 0,
};

t.test("a haul request, its acceptance and a later step survive the round trip", async (t) => {
  const offer = toHaulOffer(haul, new URL("https://a.example/activities/2"), [route.driverUri]);
  const offerJson = await offer.toJsonLd({ format: "compact", contextLoader: loader });
  if (process.env.PRINT_WIRE) console.log(JSON.stringify(offerJson, null, 2));
  const p = await (await Offer.fromJsonLd(offerJson, options)).getObject(options);
  t.ok(p instanceof Proposal);
  const payload = p instanceof Proposal ? await haulPayloadOf(p) : null;
  t.equal(payload?.from, haul.fromUri);
  t.equal(payload?.to, haul.toUri);
  t.equal(payload?.weightKg, 40);
  t.equal(payload?.reason, haul.reason);
  t.same(payload?.drivers, JSON.parse(haul.driversJson));

  const event = { type: "accept" as const, haul: haul.uri, departure: route.departures[0]!.uri, fromLeg: 0, toLeg: 1 };
  const accept = toHaulAccept(event, new URL("https://b.example/activities/3"), new URL(route.driverUri), [haul.requesterUri]);
  const acceptJson = await accept.toJsonLd({ format: "compact", contextLoader: loader });
  if (process.env.PRINT_WIRE) console.log(JSON.stringify(acceptJson, null, 2));
  const acceptBack = await Accept.fromJsonLd(acceptJson, options);
  t.equal(acceptBack.objectId?.href, haul.uri);
  t.same(await haulEventOf(acceptBack), event);

  const received = { type: "received" as const, haul: haul.uri, quantity: 37 };
  const create = toHaulEventCreate(received, new URL("https://c.example/activities/4"), new URL("https://c.example/activities/4/note"), new URL(haul.toUri), [route.driverUri]);
  const createJson = await create.toJsonLd({ format: "compact", contextLoader: loader });
  if (process.env.PRINT_WIRE) console.log(JSON.stringify(createJson, null, 2));
  const note = await (await Create.fromJsonLd(createJson, options)).getObject(options);
  t.same(note ? await haulEventOf(note) : null, received);
  t.equal(note?.replyTargetId?.href, haul.uri, "the Note replies to the haul request");
});

t.test("a re-planned cancel names what replaced it; a pointer that is no http(s) URL is dropped", async (t) => {
  const roundTrip = async (e: object) => {
    const create = toHaulEventCreate(e as never, new URL("https://a.example/activities/5"), new URL("https://a.example/activities/5/note"), new URL(haul.requesterUri), [route.driverUri]);
    const note = await (await Create.fromJsonLd(await create.toJsonLd({ format: "compact", contextLoader: loader }), options)).getObject(options);
    return { note, event: note ? await haulEventOf(note) : null };
  };
  const next = "https://a.example/hauls/0b0e5a1e-0000-4000-8000-000000000002";
  const good = await roundTrip({ type: "cancel", haul: haul.uri, replanned: true, replacedBy: next });
  t.equal(good.event?.replacedBy, next);
  t.match(String(good.note?.content), `re-planned on other departures, as <a href="${next}">${next}</a>`, "the Note links it");
  // What another node might send: the step's JSON as it arrives.
  for (const bad of ["javascript:alert(1)", "not a url", 42]) {
    const value = JSON.stringify({ type: "cancel", haul: haul.uri, replanned: true, replacedBy: bad });
    const note = new Note({ attachments: [new PropertyValue({ name: HAUL_EVENT_ATTACHMENT, value })] });
    t.same(await haulEventOf(note), { type: "cancel", haul: haul.uri, replanned: true }, `${JSON.stringify(bad)} is dropped, the step kept`);
  }
});

t.test("a segment of a chain carries its link in the Offer's context and says where it stands in summary", async (t) => {
  const segment: HaulRow = { ...haul, toUri: "https://b.example/actors/b", chainUri: "https://a.example/hauls/chains/7", chainIndex: 0, chainLength: 2 };
  const offer = toHaulOffer(segment, new URL("https://a.example/activities/5"), [route.driverUri]);
  const json = await offer.toJsonLd({ format: "compact", contextLoader: loader });
  const back = await Offer.fromJsonLd(json, options);
  t.equal(back.contextIds[0]?.href, segment.chainUri, "context = the chain");
  t.equal(back.summary?.toString(), "segment 1 of 2, hand-over at https://b.example/actors/b");
  const p = await back.getObject(options);
  const payload = p instanceof Proposal ? await haulPayloadOf(p) : null;
  t.same(payload && chainLinkOf(back, payload), { uri: segment.chainUri, index: 0, length: 2 });

  const plain = await Offer.fromJsonLd(await toHaulOffer(haul, new URL("https://a.example/activities/6"), []).toJsonLd({ format: "compact", contextLoader: loader }), options);
  const plainPayload = await haulPayloadOf((await plain.getObject(options)) as Proposal);
  t.equal(plainPayload && chainLinkOf(plain, plainPayload), null, "a one-driver haul has no chain");
  t.equal(plain.summary, null);
  t.equal(payload && chainLinkOf(back, { ...payload, chain: { ...payload.chain!, index: 2 } }), null, "an index outside the chain is not trusted");
});
