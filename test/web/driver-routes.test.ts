import { eq } from "drizzle-orm";
import t from "tap";
import { outboxTable } from "../../src/db/schema/federation.js";
import { upsertFollowing } from "../../src/network/follows.js";
import { createDriver, driverIdentifier } from "../../src/transport/drivers.js";
import { freePort } from "../helpers/node-process.js";
import { buildTestApp, type TestNode } from "../helpers/test-app.js";
import { FormClient } from "../helpers/web-client.js";

t.setTimeout(300_000);

/**
 * The driver's route pages against a second, listening node: a stop must be
 * a community actor the publishing node can fetch, exactly as for the API.
 */
const DAY = 86_400_000;

async function listeningNode(handle: string, name: string): Promise<TestNode> {
  const port = await freePort();
  const node = await buildTestApp(t, { origin: `http://127.0.0.1:${port}`, port, handle, name });
  await node.app.listen({ port, host: "127.0.0.1" });
  return node;
}

const beta = await listeningNode("beta", "Beta Commune");
const betaActor = `${beta.services.config.origin}/actors/beta`;
const betaDriver = createDriver(beta.services.db, { name: "Bo", contact: "bo@example.org", vehicles: [] }).driver;
const betaDriverActor = `${beta.services.config.origin}/actors/${driverIdentifier(betaDriver.id)}`;

/** Node A (Testville) knowing Beta (it follows it) and, wrongly, Beta's driver (a Person, not a community). */
async function nodeA() {
  const a = await buildTestApp(t);
  const { db } = a.services;
  upsertFollowing(db, {
    actorUri: betaActor,
    inboxUrl: `${betaActor}/inbox`,
    sharedInboxUrl: null,
    handle: "beta",
    name: "Beta Commune",
    followActivityId: "urn:test:1",
  });
  upsertFollowing(db, {
    actorUri: betaDriverActor,
    inboxUrl: `${betaDriverActor}/inbox`,
    sharedInboxUrl: null,
    handle: "bo",
    name: "Bo (a driver)",
    followActivityId: "urn:test:2",
  });
  const self = `${a.services.config.origin}/actors/testville`;
  const dana = createDriver(db, {
    name: "Dana",
    contact: "dana@example.org",
    vehicles: [{ name: "van", capacityKg: 800, capacityM3: 8, refrigerated: false }],
  });
  const browser = new FormClient(a);
  await browser.login({ as: "driver", token: dana.token });
  return { a, self, dana, browser };
}

/** "YYYY-MM-DDTHH:MM" as a datetime-local field sends it, `days` from now at 07:30 UTC. */
function localAt(days: number): { local: string; iso: string } {
  const d = new Date(Date.now() + days * DAY);
  d.setUTCHours(7, 30, 0, 0);
  return { local: d.toISOString().slice(0, 16), iso: d.toISOString() };
}

const routesOf = async (a: TestNode, token: string) =>
  (await a.app.inject({ url: "/api/driver/routes", headers: { authorization: `Bearer ${token}` } })).json().items as {
    id: string;
    uri: string;
    name: string;
    status: string;
    stops: { uri: string; name: string }[];
    legs: { distanceKm: number; durationMinutes: number }[];
    departures: {
      uri: string;
      departsAt: string;
      cancelled: boolean;
      legs: { remainingKg: number; capacityM3: number }[];
    }[];
  }[];

const activities = (a: TestNode, type: string) =>
  a.services.db.select().from(outboxTable).where(eq(outboxTable.activityType, type)).all();

t.test(
  "a driver publishes a route from the form: it is in the route graph, on /driver, and sent to Beta",
  async (t) => {
    const { a, self, dana, browser } = await nodeA();
    const form = await browser.get("/driver/routes/new");
    t.equal(form.statusCode, 200);
    t.match(
      form.body,
      /<fieldset class="stop"><legend>Stop 1<\/legend>\s*<div><label for="route-stop1">Community<\/label>/,
      "every stop row is a labelled group",
    );
    t.match(
      form.body,
      /<option value="[^"]+\/actors\/beta">Beta Commune<\/option>/,
      "a followed community is offered as a stop",
    );
    t.match(form.body, /Testville \(this community\)/);
    const csrf = await browser.csrf("/driver/routes/new");
    const one = localAt(2);
    const r = await browser.post("/driver/routes/new", {
      _csrf: csrf,
      name: "Via Emilia",
      stop1: self,
      stop2: "",
      stop3: betaActor,
      km3: "215",
      min3: "150",
      vehicle: "0",
      timeZone: "UTC",
      at: one.local,
      "day-mo": "on",
      "day-th": "on",
      time: "06:15",
      from: new Date().toISOString().slice(0, 10),
    });
    t.equal(r.statusCode, 303, r.body);
    t.equal(r.headers.location, "/driver?done=routePublished");

    const [route] = await routesOf(a, dana.token);
    t.ok(route, "the route is the driver's");
    if (!route) return;
    t.same(
      route.stops.map((s) => s.uri),
      [self, betaActor],
      "the empty row is skipped",
    );
    t.equal(route.stops[1]?.name, "Beta Commune", "the stop's name comes from Beta's actor");
    t.same(route.legs, [{ distanceKm: 215, durationMinutes: 150 }]);
    t.ok(
      route.departures.some((d) => d.departsAt === one.iso),
      "the single departure, at the instant chosen",
    );
    t.ok(
      route.departures.filter((d) => d.departsAt.endsWith("T06:15:00.000Z")).length >= 6,
      "the weekly departures, Mondays and Thursdays",
    );
    t.same(
      route.departures[0]?.legs.map((l) => [l.remainingKg, l.capacityM3]),
      [[800, 8]],
      "the van's room",
    );

    const graph = (await a.app.inject({ url: "/api/route-graph" })).json() as {
      edges: { from: string; to: string; route: string; capacityKg: number }[];
    };
    const edges = graph.edges.filter((e) => e.route === route.uri);
    t.ok(edges.length >= 1, "GET /api/route-graph has the route's departures");
    t.same([edges[0]?.from, edges[0]?.to, edges[0]?.capacityKg], [self, betaActor, 800]);

    const creates = activities(a, "Create");
    t.equal(creates.length, 1, "one Create, saved with the route");
    t.equal(creates[0]?.sender, driverIdentifier(dana.driver.id), "sent by the driver");
    t.match(creates[0]?.audienceJson ?? "", betaActor, "addressed to Beta");

    const home = await browser.get("/driver?done=routePublished");
    t.match(home.body, /The route is published/);
    t.match(home.body, /<h3>Via Emilia<\/h3><p>Testville → Beta Commune<\/p>/);
    t.match(home.body, /Testville → Beta Commune: 800 \/ 800 kg/, "room left per leg");
  },
);

t.test(
  "bad input shows the form again, each message beside its field, the values kept; nothing is saved",
  async (t) => {
    const { a, self, dana, browser } = await nodeA();
    const csrf = await browser.csrf("/driver/routes/new");
    const base = {
      _csrf: csrf,
      name: "Milk run",
      stop1: self,
      stop2: betaActor,
      km2: "10",
      min2: "20",
      vehicle: "0",
      timeZone: "UTC",
      at: localAt(1).local,
    };
    const cases: [string, Record<string, string>, string, RegExp, number][] = [
      ["fewer than two stops", { stop2: "" }, "stops", /Choose at least two stops\./, 400],
      [
        "a stop this node does not know",
        { stop2: "https://elsewhere.example/actors/x" },
        "stop2",
        /This is not a community this node knows\./,
        400,
      ],
      ["the same stop twice", { stop2: self }, "stop2", /This stop is already on the route\./, 400],
      ["a negative distance", { km2: "-3" }, "km2", /Must not be negative\./, 400],
      ["a negative room", { vehicle: "", capacityKg: "-5" }, "capacityKg", /Must not be negative\./, 400],
      ["no room at all", { vehicle: "" }, "capacityKg", /Please fill this in\./, 400],
      ["a vehicle the driver does not have", { vehicle: "7" }, "vehicle", /Choose one of your vehicles\./, 400],
      ["a departure in the past", { at: localAt(-1).local }, "at", /This is in the past\./, 400],
      ["no departure", { at: "" }, "departures", /Give a single departure or weekly days and a time\./, 400],
      ["weekly days without a time", { at: "", "day-tu": "on" }, "time", /Please fill this in\./, 400],
      ["an unknown time zone", { timeZone: "Mars/Olympus" }, "timeZone", /Unknown time zone\./, 400],
      ["no name", { name: "" }, "name", /Please fill this in\./, 400],
      // Refused by the shared use case (as the API refuses it), mapped back to the form's field:
      [
        "a stop that is a driver, not a community",
        { stop2: betaDriverActor },
        "stop2",
        /This is not a community\./,
        422,
      ],
      [
        "a departure beyond the planning horizon",
        { at: localAt(60).local },
        "departures",
        /None of these departures falls within the next 28 days\./,
        400,
      ],
    ];
    for (const [what, change, field, message, status] of cases) {
      const r = await browser.post("/driver/routes/new", { ...base, ...change });
      t.equal(r.statusCode, status, `${what}: status`);
      t.match(r.body, /The route was not published/, `${what}: the summary`);
      t.match(
        r.body,
        new RegExp(`<p class="field-error" id="route-${field}-error">${message.source}`),
        `${what}: the message beside ${field}`,
      );
      t.match(
        r.body,
        /<input id="route-name" name="name" maxlength="200" value="[^"]*"/,
        `${what}: the form is shown again`,
      );
      if (change.name === undefined) t.match(r.body, /value="Milk run"/, `${what}: the entered name is kept`);
    }
    const kept = await browser.post("/driver/routes/new", { ...base, stop2: "", km2: "12.5" });
    t.match(kept.body, /<option value="[^"]+\/actors\/testville" selected>/, "the chosen stop stays selected");
    t.match(kept.body, /id="route-km2" name="km2"[^>]*value="12.5"/, "the entered distance is kept");
    t.match(kept.body, /id="route-stop1"[^>]*>/, "the first stop field is there");
    t.same(await routesOf(a, dana.token), [], "nothing was saved");
    t.equal(activities(a, "Create").length, 0, "nothing was sent");
  },
);

t.test("a route form without the session's CSRF token is refused", async (t) => {
  const { a, self, dana, browser } = await nodeA();
  const fields = {
    name: "Sneaky",
    stop1: self,
    stop2: betaActor,
    km2: "1",
    min2: "1",
    vehicle: "0",
    timeZone: "UTC",
    at: localAt(1).local,
  };
  const none = await browser.post("/driver/routes/new", fields);
  t.equal(none.statusCode, 403);
  t.match(none.body, /This form has expired or did not come from this site/);
  const other = new FormClient(a);
  const foreign = await other.csrf("/login");
  t.equal(
    (await browser.post("/driver/routes/new", { ...fields, _csrf: foreign })).statusCode,
    403,
    "another session's token",
  );
  t.same(await routesOf(a, dana.token), [], "nothing was saved");
});

t.test(
  "a departure is cancelled and a route withdrawn after a confirmation step; another driver can do neither",
  async (t) => {
    const { a, self, dana, browser } = await nodeA();
    const csrf = await browser.csrf("/driver/routes/new");
    const published = await browser.post("/driver/routes/new", {
      _csrf: csrf,
      name: "Hill road",
      stop1: self,
      stop2: betaActor,
      km2: "40",
      min2: "60",
      vehicle: "0",
      timeZone: "Europe/Rome",
      at: localAt(2).local,
      "day-we": "on",
      time: "09:00",
    });
    t.equal(published.statusCode, 303);
    const [route] = await routesOf(a, dana.token);
    if (!route) throw new Error("no route");
    const [first, second] = route.departures;
    if (!first || !second) throw new Error("too few departures");
    const stamp = first.uri.split("/").at(-1);
    const cancelUrl = `/driver/routes/${route.id}/departures/${stamp}/cancel`;
    const withdrawUrl = `/driver/routes/${route.id}/withdraw`;

    const home = await browser.get("/driver");
    t.match(home.body, new RegExp(`href="${cancelUrl}"`), "each departure links to its cancellation");
    t.match(home.body, new RegExp(`href="${withdrawUrl}"`), "the route links to its withdrawal");

    // Another driver of the same node: refused on the confirmation page and on the POST, and nothing changes.
    const eve = createDriver(a.services.db, { name: "Eve", contact: "eve@example.org", vehicles: [] });
    const intruder = new FormClient(a);
    await intruder.login({ as: "driver", token: eve.token });
    const evesCsrf = await intruder.csrf("/driver");
    t.equal((await intruder.get(withdrawUrl)).statusCode, 403);
    const refused = await intruder.post(withdrawUrl, { _csrf: evesCsrf });
    t.equal(refused.statusCode, 403);
    t.match(refused.body, /This route belongs to another driver\./);
    t.equal((await intruder.post(cancelUrl, { _csrf: evesCsrf })).statusCode, 403);
    t.equal((await routesOf(a, dana.token))[0]?.status, "active", "the route is untouched");
    t.equal(
      (await browser.get(`/driver/routes/${route.id}/departures/20000101T000000Z/cancel`)).statusCode,
      404,
      "an unknown departure",
    );

    const confirm = await browser.get(cancelUrl);
    t.equal(confirm.statusCode, 200);
    t.match(confirm.body, /Cancel the departure of “Hill road” on/);
    t.match(confirm.body, /<button type="submit" class="danger">Yes, cancel this departure<\/button>/);
    t.same(activities(a, "Update"), [], "looking at the confirmation changes nothing");
    const cancelled = await browser.post(cancelUrl, { _csrf: await browser.csrf(cancelUrl) });
    t.equal(cancelled.statusCode, 303);
    t.equal(cancelled.headers.location, "/driver?done=departureCancelled");
    const after = (await routesOf(a, dana.token))[0];
    t.same(
      after?.departures.filter((d) => d.cancelled).map((d) => d.uri),
      [first.uri],
      "only that departure is cancelled",
    );
    t.equal(activities(a, "Update").length, 1, "the route is re-published (Update) with it");
    t.notMatch(
      (await browser.get("/driver")).body,
      new RegExp(`href="${cancelUrl}"`),
      "it is gone from the driver's page",
    );
    t.equal(
      (await browser.post(cancelUrl, { _csrf: await browser.csrf("/driver") })).statusCode,
      409,
      "cancelling twice is a conflict",
    );

    t.match((await browser.get(withdrawUrl)).body, /Withdraw the route “Hill road”\?/);
    const withdrawn = await browser.post(withdrawUrl, { _csrf: await browser.csrf(withdrawUrl) });
    t.equal(withdrawn.statusCode, 303);
    t.equal(withdrawn.headers.location, "/driver?done=routeWithdrawn");
    t.equal((await routesOf(a, dana.token))[0]?.status, "withdrawn");
    t.equal(activities(a, "Delete").length, 1, "a Delete tells the communities");
    const graph = (await a.app.inject({ url: "/api/route-graph" })).json() as { edges: { route: string }[] };
    t.equal(graph.edges.filter((e) => e.route === route.uri).length, 0, "the route left the graph");
    t.notMatch((await browser.get("/driver")).body, /Hill road/, "and the driver's page");
  },
);
