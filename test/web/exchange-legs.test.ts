import t from "tap";
import type { ExchangeEvent } from "../../src/exchange/state.js";
import { addEvent, insertExchange } from "../../src/exchange/store.js";
import { upsertFollowing } from "../../src/network/follows.js";
import { createDriver, driverIdentifier } from "../../src/transport/drivers.js";
import { exchangesFromStore } from "../../src/web/exchange-source.js";
import { buildTestApp, type TestNode } from "../helpers/test-app.js";
import { FormClient } from "../helpers/web-client.js";

/**
 * The dashboard's agreements in flight show each leg: who carries it (or
 * that nobody does yet), how often drivers were asked, and why a leg is
 * unserved, as a labelled warning with the (remote, untrusted) reason escaped.
 */
const OTHER = "http://127.0.0.1:9/never/actors/other";
const MIDWAY = "http://127.0.0.1:9/never/actors/midway";
const REMOTE_DRIVER = "http://127.0.0.1:9/never/actors/driver-zed";
const REASON = 'every driver asked declined; waiting for a departure that fits <script>alert("x")</script>';

/** An agreed exchange this node supplies, over three legs: one unserved, one taken by our driver, one by a remote one. */
function seedAgreement(node: TestNode) {
  const { db, config } = node.services;
  const self = `${config.origin}/actors/${config.handle}`;
  const dana = createDriver(db, { name: "Dana", contact: "dana@example.org", vehicles: [] }).driver;
  const danaUri = `${config.origin}/actors/${driverIdentifier(dana.id)}`;
  upsertFollowing(db, {
    actorUri: OTHER,
    inboxUrl: `${OTHER}/inbox`,
    sharedInboxUrl: null,
    handle: "other",
    name: "Othertown",
    followActivityId: "urn:test:1",
  });
  const uri = "http://127.0.0.1:9/never/exchanges/x1";
  insertExchange(db, {
    uri,
    roundUri: "http://127.0.0.1:9/never/rounds/1",
    proposer: self,
    supplier: self,
    receiver: OTHER,
    offerUri: `${uri}#offer`,
    needUri: `${uri}#need`,
    unit: "kg",
    kgPerUnit: 1,
    partiesJson: "[]",
  });
  const legs = [
    { id: "leg-a", from: self, to: MIDWAY },
    { id: "leg-b", from: MIDWAY, to: OTHER },
    { id: "leg-c", from: OTHER, to: MIDWAY },
  ];
  const events = [
    {
      kind: "proposed",
      proposal: {
        supplier: self,
        receiver: OTHER,
        resource: `${config.origin}/resources/grain`,
        quantity: 30,
        legs,
        deadline: new Date(Date.now() + 86_400_000).toISOString(),
        digest: "sha256:x",
        plannerVersion: "tendril-planner/1.1.0",
      },
    },
    { kind: "answered", party: "supplier", answer: "accept" },
    { kind: "answered", party: "receiver", answer: "accept" },
    { kind: "agreed", quantity: 30 },
    { kind: "legRequested", leg: "leg-a", attempt: 1, haul: "urn:haul:1" },
    { kind: "legUnserved", leg: "leg-a", attempt: 1, reason: REASON },
    { kind: "legRequested", leg: "leg-b", attempt: 1, haul: "urn:haul:2" },
    { kind: "legRequested", leg: "leg-b", attempt: 2, haul: "urn:haul:3" },
    { kind: "haulAccepted", leg: "leg-b", driver: danaUri, departure: "urn:departure:none" },
    { kind: "legRequested", leg: "leg-c", attempt: 1, haul: "urn:haul:4" },
    { kind: "haulAccepted", leg: "leg-c", driver: REMOTE_DRIVER, departure: "urn:departure:none" },
  ];
  for (const [i, e] of events.entries()) {
    addEvent(db, uri, self, {
      ...e,
      id: `${uri}#e${i}`,
      at: new Date(Date.now() - 10_000 + i).toISOString(),
    } as ExchangeEvent);
  }
  return { self, danaUri };
}

const agreementsOf = (body: string) => /<h3 id="agreements">[\s\S]*?<\/table>/.exec(body)?.[0] ?? "";

t.test(
  "an agreement's legs on the dashboard: driver or none, attempts, and the unserved leg's reason, escaped",
  async (t) => {
    const node = await buildTestApp(t, { name: "Testville" });
    const { self, danaUri } = seedAgreement(node);

    const view = exchangesFromStore(node.services.db, self, undefined, "Testville");
    const [agreement] = view.agreementsInFlight();
    t.same(
      agreement?.legs?.map((l) => [l.from, l.to, l.driver, l.driverName, l.attempts, l.unserved]),
      [
        [self, MIDWAY, null, null, 1, REASON],
        [MIDWAY, OTHER, danaUri, "Dana", 2, null],
        [OTHER, MIDWAY, REMOTE_DRIVER, REMOTE_DRIVER, 1, null],
      ],
      "the view carries each leg's driver, attempts and reason",
    );

    const admin = new FormClient(node);
    await admin.login({ as: "admin", token: node.token });
    const page = await admin.get("/admin");
    t.equal(page.statusCode, 200);
    const section = agreementsOf(page.body);
    t.match(section, /<th scope="col">Legs<\/th>/, "a column for the legs");
    t.match(
      section,
      /<li>Testville → http:\/\/127\.0\.0\.1:9\/never\/actors\/midway · <em>no driver yet<\/em> · asked once<p class="warn" role="status"><strong>⚠ Nobody carries this leg:<\/strong> every driver asked declined; waiting for a departure that fits &lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;<\/p><\/li>/,
      "the unserved leg: no driver, asked once, and why, as a labelled status",
    );
    t.notMatch(page.body, /<script>alert/, "the remote reason is never markup");
    t.match(
      section,
      /<li>http:\/\/127\.0\.0\.1:9\/never\/actors\/midway → Othertown · Dana · asked 2 times<\/li>/,
      "our own driver by name",
    );
    t.match(
      section,
      /<li>Othertown → http:\/\/127\.0\.0\.1:9\/never\/actors\/midway · http:\/\/127\.0\.0\.1:9\/never\/actors\/driver-zed · asked once<\/li>/,
      "a driver not known here by URI",
    );
    t.equal((section.match(/role="status"/g) ?? []).length, 1, "only the unserved leg carries a warning");
  },
);

t.test("the same legs in Spanish", async (t) => {
  const node = await buildTestApp(t, { name: "Testville", language: "es" });
  seedAgreement(node);
  const admin = new FormClient(node);
  await admin.login({ as: "admin", token: node.token });
  const section = agreementsOf((await admin.get("/admin")).body);
  t.match(
    section,
    /<em>aún sin conductor<\/em> · pedido una vez<p class="warn" role="status"><strong>⚠ Nadie lleva este tramo:<\/strong>/,
  );
  t.match(section, /Dana · pedido 2 veces/);
});
