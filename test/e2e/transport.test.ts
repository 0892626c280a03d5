import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import t from "tap";
import { eventually, type NodeProcess, startNode } from "../helpers/node-process.js";

// Several real nodes on a 2-core machine that may be running other tests too: allow up to 10 minutes.
t.setTimeout(600_000);

/** fetch with a driver's token instead of the admin's. */
function asDriver(node: NodeProcess, token: string) {
  return (path: string, init: { method?: string; json?: unknown } = {}) =>
    node.api(path, { ...init, admin: false, headers: { authorization: `Bearer ${token}` } });
}

const tomorrow = new Date(Date.now() + 86_400_000);
tomorrow.setUTCHours(7, 30, 0, 0);
const window = { start: new Date(Date.now() + 3_600_000).toISOString(), end: new Date(Date.now() + 3 * 86_400_000).toISOString() };

t.test("three communities, two drivers: routes link the federation, hauls are accepted, raced, delivered", async (t) => {
  const [a, b, c] = await Promise.all([
    startNode(t, { handle: "alpha", args: ["--location", "45.46,9.19", "--location-name", "Milano"] }),
    startNode(t, { handle: "beta", args: ["--location", "44.49,11.34"] }),
    startNode(t, { handle: "gamma", args: ["--location", "43.77,11.25"] }),
  ]);

  // Drivers: D1 lives on B, D2 on C.
  const reg = async (node: NodeProcess, name: string, kg: number) => {
    const r = await node.api("/api/drivers", {
      method: "POST",
      json: { name, contact: `${name}@example.org`, vehicles: [{ name: "van", capacityKg: kg, capacityM3: 10, refrigerated: false }] },
    });
    t.equal(r.status, 201, `${name} registered`);
    return (await r.json()) as { id: string; actor: string; token: string };
  };
  const d1 = await reg(b, "Dana", 100);
  const d2 = await reg(c, "Ezio", 50);
  const d1api = asDriver(b, d1.token);
  const d2api = asDriver(c, d2.token);

  const person = await b.getJson(new URL(d1.actor).pathname, "application/activity+json");
  t.equal(person.type, "Person", "a driver is a Person actor");
  t.equal(person.attributedTo, b.actorUrl, "attributed to the home community");
  t.match(person.publicKey.publicKeyPem, /BEGIN PUBLIC KEY/, "with keys of its own");

  const routeBody = {
    name: "Via Emilia",
    stops: [a.actorUrl, b.actorUrl, c.actorUrl],
    legs: [
      { distanceKm: 215, durationMinutes: 150 },
      { distanceKm: 105, durationMinutes: 80 },
    ],
    capacityKg: 100,
    capacityM3: 10,
    departures: [{ at: tomorrow.toISOString() }],
  };

  // Bad input: precise 4xx and no change.
  const bad = async (body: unknown, status: number, field: string, what: string) => {
    const r = await d1api("/api/driver/routes", { method: "POST", json: body });
    t.equal(r.status, status, what);
    const p = await r.json();
    t.ok(JSON.stringify(p.errors ?? []).includes(field), `${what}: names ${field}`);
  };
  await bad({ ...routeBody, stops: [a.actorUrl], legs: [] }, 400, "stops", "a route of fewer than two stops");
  await bad({ ...routeBody, capacityKg: -5 }, 400, "capacityKg", "negative capacity");
  await bad({ ...routeBody, departures: [{ at: "2020-01-01T00:00:00Z" }] }, 400, "departures[0].at", "a departure in the past");
  await bad({ ...routeBody, stops: [a.actorUrl, d1.actor, c.actorUrl] }, 422, "stops[1]", "a stop that is not a community");
  t.same((await d1api("/api/driver/routes").then((r) => r.json())).items, [], "nothing was published");

  const published = await d1api("/api/driver/routes", { method: "POST", json: routeBody });
  t.equal(published.status, 201, "D1 publishes A → B → C");
  const route = await published.json();
  const departure = route.departures[0].uri as string;

  // Every community on the route learns of it and follows the others.
  for (const node of [a, b, c]) {
    await eventually(async () => (await node.getJson("/api/route-graph")).edges.length === 2, `${node.handle} to have the route in its graph`);
  }
  const graph = await a.getJson("/api/route-graph");
  t.same(graph.edges.map((e: any) => [e.from, e.to, e.capacityKg, e.distanceKm]), [
    [a.actorUrl, b.actorUrl, 100, 215],
    [b.actorUrl, c.actorUrl, 100, 105],
  ]);
  const geo = await a.getJson("/api/route-graph?format=geojson");
  t.equal(geo.features.filter((f: any) => f.geometry.type === "LineString").length, 2, "GeoJSON has both legs");
  const reach = await a.getJson("/api/route-graph/reachable?legs=1");
  t.same(reach.items.map((i: any) => i.uri), [b.actorUrl], "one leg from A reaches B");
  t.same((await a.getJson("/api/route-graph/reachable?legs=2")).items.map((i: any) => i.uri), [b.actorUrl, c.actorUrl]);
  await eventually(async () => {
    const following = (await a.getJson("/api/following")).items.map((f: any) => f.actor).sort();
    return JSON.stringify(following) === JSON.stringify([b.actorUrl, c.actorUrl].sort());
  }, "A to follow B and C because the route joins them");
  await eventually(async () => (await c.getJson("/api/following")).items.some((f: any) => f.actor === a.actorUrl), "C to follow A");

  // D2 drives A → C directly, with less room.
  const r2 = await d2api("/api/driver/routes", {
    method: "POST",
    json: { ...routeBody, name: "Futa", stops: [a.actorUrl, c.actorUrl], legs: [{ distanceKm: 230, durationMinutes: 200 }], capacityKg: 50 },
  });
  t.equal(r2.status, 201);
  await eventually(async () => (await a.getJson("/api/route-graph")).edges.length === 3, "A to know D2's route");

  // A haul with no possible way is refused.
  const noWay = await a.api("/api/hauls", {
    method: "POST",
    json: { resource: "flour", quantity: 10, unit: "kg", weightKg: 10, from: c.actorUrl, to: a.actorUrl, window },
  });
  t.equal(noWay.status, 422, "no route goes from C to A");

  // A asks for 40 kg of flour A → C: both drivers can carry it.
  const haulReq = await a.api("/api/hauls", {
    method: "POST",
    json: { resource: "https://example.org/resources/flour", quantity: 40, unit: "kg", weightKg: 40, volumeM3: 1, from: a.actorUrl, to: c.actorUrl, window },
  });
  t.equal(haulReq.status, 201);
  const haul = await haulReq.json();
  t.equal(haul.status, "open");
  t.equal(new Set(haul.ways.map((w: any) => w.driver)).size, 2, "two drivers' departures cover the way");

  const d1open = await eventually(async () => {
    const list = await (await d1api("/api/driver/hauls")).json();
    return list.open.find((h: any) => h.uri === haul.uri);
  }, "D1 to see the request");
  t.equal(d1open.fits[0].departure, departure, "it fits D1's departure");
  await eventually(async () => (await (await d2api("/api/driver/hauls")).json()).open.some((h: any) => h.uri === haul.uri), "D2 to see it too");

  // A third driver on B cannot act on D1's route.
  const d3 = await reg(b, "Furio", 10);
  const d3accept = await asDriver(b, d3.token)(`/api/driver/hauls/${d1open.id}/accept`, { method: "POST", json: { departure } });
  t.equal(d3accept.status, 403, "a driver acting on another driver's route is refused");
  t.equal((await asDriver(b, d3.token)(`/api/driver/routes/${route.id}`, { method: "DELETE" })).status, 403, "nor may they withdraw it");

  const acc = await d1api(`/api/driver/hauls/${d1open.id}/accept`, { method: "POST", json: { departure } });
  t.equal(acc.status, 200, "D1 accepts");
  for (const node of [a, c]) {
    await eventually(async () => {
      const h = (await node.getJson("/api/hauls")).items.find((x: any) => x.uri === haul.uri);
      return h?.status === "accepted" && h.driver === d1.actor;
    }, `${node.handle} to hear of the acceptance`);
  }
  await eventually(async () => !(await (await d2api("/api/driver/hauls")).json()).open.some((h: any) => h.uri === haul.uri), "the request to leave D2's open list");
  await eventually(async () => (await a.getJson("/api/route-graph")).edges.find((e: any) => e.departure === departure)?.capacityKg === 60, "A's graph to show 60 kg left");

  // D1 withdraws: the request returns to the others and the capacity comes back; then D1 takes it again.
  t.equal((await d1api(`/api/driver/hauls/${d1open.id}/withdraw`, { method: "POST" })).status, 200, "D1 withdraws");
  await eventually(async () => (await (await d2api("/api/driver/hauls")).json()).open.some((h: any) => h.uri === haul.uri), "the request to be open again for D2");
  await eventually(async () => (await a.getJson("/api/route-graph")).edges.find((e: any) => e.departure === departure)?.capacityKg === 100, "the capacity to come back");
  t.equal((await d1api(`/api/driver/hauls/${d1open.id}/accept`, { method: "POST", json: { departure } })).status, 200, "D1 accepts again");
  await eventually(async () => (await a.getJson("/api/hauls")).items.find((x: any) => x.uri === haul.uri)?.status === "accepted", "A to see it accepted again");

  // Race: two requests of 60 kg A → B for the last 60 kg of leg A → B.
  const ask = () =>
    a.api("/api/hauls", { method: "POST", json: { resource: "oil", quantity: 60, unit: "l", weightKg: 60, from: a.actorUrl, to: b.actorUrl, window } }).then((r) => r.json());
  const [h1, h2] = [await ask(), await ask()];
  const ids = await eventually(async () => {
    const list = (await (await d1api("/api/driver/hauls")).json()).open;
    const mine = [h1.uri, h2.uri].map((u) => list.find((h: any) => h.uri === u)?.id);
    return mine.every(Boolean) ? mine : null;
  }, "both requests to reach D1");
  const results = await Promise.all((ids ?? []).map((id: number) => d1api(`/api/driver/hauls/${id}/accept`, { method: "POST", json: { departure } })));
  t.same(results.map((r) => r.status).sort(), [200, 409], "one accepted, one refused");
  const refused = await results.find((r) => r.status === 409)!.json();
  t.match(refused.detail, /Not enough capacity/);
  const legs = (await (await d1api("/api/driver/routes")).json()).items[0].departures[0].legs;
  t.same(legs.map((l: any) => l.remainingKg), [0, 60], "leg A → B is full, never overbooked");
  const loser = [h1, h2].find((h) => h.uri !== (results[0]!.status === 200 ? h1.uri : h2.uri))!;
  t.equal((await a.api(`/api/hauls/${loser.id}/cancel`, { method: "POST" })).status, 200, "A cancels the request nobody could take");
  await eventually(async () => (await b.getJson("/api/hauls")).items.find((x: any) => x.uri === loser.uri)?.status === "cancelled", "B to see it cancelled");

  // Execution of the first haul: picked up, handed over at B, delivered, received short.
  const step = (path: string, json?: unknown) => d1api(`/api/driver/hauls/${d1open.id}/${path}`, { method: "POST", json });
  t.equal((await step("delivered", { quantity: 40 })).status, 409, "cannot deliver before picking up");
  t.equal((await step("picked-up", { quantity: 40 })).status, 200);
  t.equal((await step("handed-over", { stop: b.actorUrl })).status, 200);
  t.equal((await step("delivered", { quantity: 40 })).status, 200);
  const atC = await eventually(async () => {
    const h = (await c.getJson("/api/hauls")).items.find((x: any) => x.uri === haul.uri);
    return h?.status === "delivered" ? h : null;
  }, "C to hear of the delivery");
  t.equal((await a.api(`/api/hauls/999/receipt`, { method: "POST", json: { quantity: 1 } })).status, 404);
  const receipt = await c.api(`/api/hauls/${atC.id}/receipt`, { method: "POST", json: { quantity: 37 } });
  t.equal(receipt.status, 200, "C confirms what it received");
  t.equal((await receipt.json()).difference, -3, "the short count is recorded");
  for (const node of [a, b]) {
    await eventually(async () => {
      const h = (await node.getJson("/api/hauls")).items.find((x: any) => x.uri === haul.uri);
      return h?.status === "received" && h.difference === -3 && h.received === 37 && h.delivered === 40;
    }, `${node.handle} to see the difference`);
  }

  // D2 opens a way A → B; then D1 withdraws the departure the 60 kg haul was accepted on. A hears it
  // as a route Update without that departure, and asks D2 instead with a new haul of one departure.
  const futaBis = await d2api("/api/driver/routes", {
    method: "POST",
    json: { ...routeBody, name: "Futa bis", stops: [a.actorUrl, b.actorUrl], legs: [{ distanceKm: 215, durationMinutes: 150 }] },
  });
  t.equal(futaBis.status, 201);
  await eventually(async () => (await a.getJson("/api/route-graph")).edges.length === 4, "A to know D2's route to B");
  const kept = results[0]!.status === 200 ? h1 : h2;
  const stamp = departure.split("/").pop();
  const dropped = await d1api(`/api/driver/routes/${route.id}/departures/${stamp}`, { method: "DELETE" });
  t.equal(dropped.status, 200);
  t.same((await dropped.json()).flaggedHauls, [kept.uri], "the accepted 60 kg haul on it is flagged");
  const replacement = await eventually(async () => {
    const items = (await a.getJson("/api/hauls")).items;
    const old = items.find((x: any) => x.uri === kept.uri);
    const fresh = items.find((x: any) => x.resource === "oil" && x.status === "open" && x.uri !== loser.uri);
    return old?.status === "cancelled" && old.flag === "replanned" && fresh ? fresh : null;
  }, "A to re-plan the haul whose departure was withdrawn");
  t.same([replacement.from, replacement.to, replacement.quantity, replacement.chain ?? null], [a.actorUrl, b.actorUrl, 60, null]);
  t.equal((await a.getJson("/api/hauls")).items.find((x: any) => x.uri === kept.uri).replacedBy, replacement.uri, "A's old haul points to its replacement");
  await eventually(async () => (await (await d2api("/api/driver/hauls")).json()).open.some((h: any) => h.uri === replacement.uri), "D2 to be asked");
  await eventually(async () => (await b.getJson("/api/hauls")).items.find((x: any) => x.uri === kept.uri)?.flag === "replanned", "B to hear the old haul was re-planned");
  t.equal((await b.getJson("/api/hauls")).items.find((x: any) => x.uri === kept.uri).replacedBy, replacement.uri, "and B's copy points to the replacement too");

  // Withdrawing the whole route: nothing left on it to flag, and it leaves the graph.
  const withdrawn = await d1api(`/api/driver/routes/${route.id}`, { method: "DELETE" });
  t.equal(withdrawn.status, 200);
  t.same((await withdrawn.json()).flaggedHauls, [], "the received haul is not flagged");
  await eventually(async () => (await a.getJson("/api/route-graph")).edges.length === 2, "the route to leave A's graph");

  // For docs/federation.md: the activities these nodes really sent (TENDRIL_CAPTURE_WIRE=<file>).
  const capture = process.env.TENDRIL_CAPTURE_WIRE;
  if (capture) {
    const sent = [a, b, c].flatMap((node) => {
      const db = new Database(join(node.dataDir, "tendril.sqlite"), { readonly: true });
      const rows = db.prepare("SELECT sender, activity_type, activity_json FROM outbox ORDER BY seq").all() as { sender: string; activity_type: string; activity_json: string }[];
      db.close();
      return rows.map((r) => ({ node: node.handle, sender: r.sender, type: r.activity_type, activity: JSON.parse(r.activity_json) }));
    });
    writeFileSync(capture, JSON.stringify(sent, null, 2));
  }
});
