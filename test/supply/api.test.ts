import t from "tap";
import { buildTestApp } from "../helpers/test-app.js";

const AP = "application/activity+json";
const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const offerBody = () => ({
  resource: "potatoes",
  quantity: 120,
  availableFrom: future(0),
  availableUntil: future(7),
  pickup: { lat: 41.89, lon: 12.49, name: "North barn" },
  notes: "bring crates",
});
const needBody = () => ({
  resource: "drinking-water",
  quantity: 500,
  priority: "essential",
  neededBy: future(3),
  delivery: { lat: 41.9, lon: 12.5, name: "School" },
});

t.test("an offer is created, changed with history, withdrawn, and each step is published", async (t) => {
  const node = await buildTestApp(t);
  const post = await node.app.inject({ method: "POST", url: "/api/offers", headers: node.auth, payload: offerBody() });
  t.equal(post.statusCode, 201, post.body);
  const offer = post.json();
  t.equal(offer.quantity, 120);
  t.equal(offer.unit, "kg");
  t.equal(offer.resource.uri, "http://127.0.0.1:9/resources/potatoes");
  t.equal(offer.status, "active");
  t.equal(offer.url, `http://127.0.0.1:9/supply/${offer.id}`);

  const ap = await node.app.inject({ url: `/supply/${offer.id}`, headers: { accept: AP } });
  t.equal(ap.statusCode, 200);
  const proposal = ap.json();
  t.equal(proposal.type, "Proposal");
  t.equal(proposal.purpose, "offer");
  t.equal(proposal.attributedTo, "http://127.0.0.1:9/actors/testville");
  t.equal(proposal.publishes.resourceConformsTo, offer.resource.uri);
  t.match(proposal.content, /120 kg/);

  const page = await node.app.inject({ url: `/supply/${offer.id}`, headers: { accept: "text/html" } });
  t.match(page.headers["content-type"], /text\/html/);
  t.match(page.body, /Offer: 120 kg of Potatoes/);

  const patch = await node.app.inject({
    method: "PATCH",
    url: `/api/offers/${offer.id}`,
    headers: node.auth,
    payload: { quantity: 80, reason: "40 kg went to the school kitchen" },
  });
  t.equal(patch.statusCode, 200, patch.body);
  t.equal(patch.json().quantity, 80);
  t.equal(patch.json().pickup.name, "North barn", "fields not sent are kept");

  const del = await node.app.inject({
    method: "DELETE",
    url: `/api/offers/${offer.id}?reason=sold%20out`,
    headers: node.auth,
  });
  t.equal(del.statusCode, 200);
  t.equal(del.json().status, "withdrawn");
  const again = await node.app.inject({ method: "DELETE", url: `/api/offers/${offer.id}`, headers: node.auth });
  t.equal(again.statusCode, 409, "withdrawing twice is a conflict");

  const history = (await node.app.inject({ url: `/api/offers/${offer.id}/history`, headers: node.auth })).json();
  t.same(
    history.items.map((h: any) => [h.change, h.oldQuantity, h.newQuantity, h.reason]),
    [
      ["created", null, 120, null],
      ["updated", 120, 80, "40 kg went to the school kitchen"],
      ["withdrawn", 80, 80, "sold out"],
    ],
    "every change is recorded with old → new quantity and reason",
  );

  const outbox = (await node.app.inject({ url: "/actors/testville/outbox?cursor=", headers: { accept: AP } })).json();
  t.same(
    outbox.orderedItems.map((a: any) => `${a.type}:${String(a.object.type).replace(/^.*#/, "")}`),
    ["Delete:Tombstone", "Delete:Tombstone", "Update:Note", "Update:Proposal", "Create:Note", "Create:Proposal"],
    "Create, Update and Delete of the Proposal and of its readable post are listed in the outbox (newest first)",
  );
  const readable = outbox.orderedItems.find((a: any) => a.type === "Create" && a.object.type === "Note").object;
  t.match(
    readable.content,
    /We can give <strong>120 kg<\/strong>/,
    "Mastodon-style followers get a readable post with quantity and unit",
  );
  t.match(readable.content, /Available from .* until /, "and the availability window");
  t.equal(readable.url, `${node.services.config.origin}/supply/${offer.id}`, "the post links to the offer's page");
  const gone = await node.app.inject({ url: `/supply/${offer.id}`, headers: { accept: AP } });
  t.equal(gone.statusCode, 410, "a withdrawn object is Gone for ActivityPub clients");
  t.equal(gone.json().type, "Tombstone");
});

t.test("a need is created and listed with filters", async (t) => {
  const node = await buildTestApp(t);
  const post = await node.app.inject({ method: "POST", url: "/api/needs", headers: node.auth, payload: needBody() });
  t.equal(post.statusCode, 201, post.body);
  t.equal(post.json().priority, "essential");
  await node.app.inject({ method: "POST", url: "/api/offers", headers: node.auth, payload: offerBody() });

  const list = (url: string) => node.app.inject({ url, headers: node.auth }).then((r) => r.json().items);
  t.equal((await list("/api/needs")).length, 1);
  t.equal((await list("/api/needs?category=water")).length, 1);
  t.equal((await list("/api/needs?category=food")).length, 0);
  t.equal((await list("/api/offers?resource=potatoes")).length, 1);
  t.equal((await list("/api/offers?resource=grain")).length, 0);
  t.equal((await list("/api/offers?status=withdrawn")).length, 0);
  t.equal((await list(`/api/offers?from=${encodeURIComponent(future(8))}`)).length, 0, "window ends before from");
  t.equal((await list(`/api/offers?until=${encodeURIComponent(future(1))}`)).length, 1);
});

t.test("bad input gets problem+json naming the field, and nothing is written", async (t) => {
  const node = await buildTestApp(t);
  const cases: [string, string, object, string][] = [
    ["negative quantity", "/api/offers", { ...offerBody(), quantity: -5 }, "quantity"],
    ["zero quantity", "/api/offers", { ...offerBody(), quantity: 0 }, "quantity"],
    ["unknown resource", "/api/offers", { ...offerBody(), resource: "unobtainium" }, "resource"],
    [
      "window ends before it starts",
      "/api/offers",
      { ...offerBody(), availableFrom: future(5), availableUntil: future(1) },
      "availableUntil",
    ],
    ["unknown priority", "/api/needs", { ...needBody(), priority: "urgent" }, "priority"],
    ["needed-by in the past", "/api/needs", { ...needBody(), neededBy: "2001-01-01T00:00:00Z" }, "neededBy"],
    [
      "latitude off the globe",
      "/api/needs",
      { ...needBody(), delivery: { lat: 91, lon: 0, name: "x" } },
      "delivery.lat",
    ],
    ["unknown field", "/api/needs", { ...needBody(), price: 3 }, "price"],
  ];
  for (const [what, url, payload, field] of cases) {
    const r = await node.app.inject({ method: "POST", url, headers: node.auth, payload });
    t.equal(r.statusCode, 400, `${what}: 400`);
    t.match(r.headers["content-type"], /application\/problem\+json/);
    t.ok(
      r.json().errors?.some((e: { name: string }) => e.name === field),
      `${what}: names ${field} (${JSON.stringify(r.json().errors)})`,
    );
  }
  const nonFinite = await node.app.inject({
    method: "POST",
    url: "/api/offers",
    headers: { ...node.auth, "content-type": "application/json" },
    payload: JSON.stringify(offerBody()).replace('"quantity":120', '"quantity":1e999'),
  });
  t.equal(nonFinite.statusCode, 400, "a non-finite quantity is refused");
  const big = await node.app.inject({
    method: "POST",
    url: "/api/offers",
    headers: node.auth,
    payload: { ...offerBody(), notes: "x".repeat(300_000) },
  });
  t.equal(big.statusCode, 413, "an oversized payload is refused");
  const noAuth = await node.app.inject({ method: "POST", url: "/api/offers", payload: offerBody() });
  t.equal(noAuth.statusCode, 401);

  const created = (
    await node.app.inject({ method: "POST", url: "/api/offers", headers: node.auth, payload: offerBody() })
  ).json();
  const badPatch = await node.app.inject({
    method: "PATCH",
    url: `/api/offers/${created.id}`,
    headers: node.auth,
    payload: { quantity: 5, availableUntil: "2001-01-01T00:00:00Z" },
  });
  t.equal(badPatch.statusCode, 400, "a bad update is refused as a whole");
  const still = (await node.app.inject({ url: `/api/offers/${created.id}`, headers: node.auth })).json();
  t.equal(still.quantity, 120, "the quantity did not change");
  const history = (await node.app.inject({ url: `/api/offers/${created.id}/history`, headers: node.auth })).json();
  t.equal(history.items.length, 1, "no history row for the refused change");
  const outbox = (await node.app.inject({ url: "/actors/testville/outbox", headers: { accept: AP } })).json();
  t.equal(outbox.totalItems, 2, "only the one Create (of the Proposal and of its post) was published");
});

t.test("the OpenAPI description lists the supply endpoints with their schemas", async (t) => {
  const node = await buildTestApp(t);
  const doc = (await node.app.inject({ url: "/docs/json" })).json();
  for (const path of [
    "/api/offers",
    "/api/needs/{id}",
    "/api/network/totals",
    "/api/resources",
    "/api/following/{id}/resync",
  ]) {
    t.ok(doc.paths[path], `${path} is documented`);
  }
  const post = doc.paths["/api/needs"].post.requestBody.content["application/json"].schema;
  t.same(post.required.sort(), ["delivery", "neededBy", "priority", "quantity", "resource"]);
});

t.test("the catalogue: kinds with stable URIs, adopting a remote kind, adding units", async (t) => {
  const node = await buildTestApp(t);
  const kinds = (await node.app.inject({ url: "/api/resources" })).json();
  t.ok(kinds.items.length >= 13, "defaults are seeded");
  t.ok(
    kinds.items.some((k: any) => k.category === "care"),
    "care is covered",
  );
  const unit = await node.app.inject({
    method: "POST",
    url: "/api/units",
    headers: node.auth,
    payload: { code: "crate", label: "crate" },
  });
  t.equal(unit.statusCode, 201);
  const adopted = await node.app.inject({
    method: "POST",
    url: "/api/resources",
    headers: node.auth,
    payload: {
      slug: "apples",
      name: "Apples",
      unit: "crate",
      kgPerUnit: 12,
      category: "food",
      uri: "https://far.example/resources/apples",
    },
  });
  t.equal(adopted.statusCode, 201, adopted.body);
  t.equal(adopted.json().uri, "https://far.example/resources/apples", "an adopted kind keeps its origin's URI");
  const byUri = await node.app.inject({
    method: "POST",
    url: "/api/offers",
    headers: node.auth,
    payload: { ...offerBody(), resource: "https://far.example/resources/apples", quantity: 3 },
  });
  t.equal(byUri.statusCode, 201, "a resource can be named by URI");
  t.equal(byUri.json().unit, "crate");
  const badUnit = await node.app.inject({
    method: "POST",
    url: "/api/resources",
    headers: node.auth,
    payload: { slug: "pears", name: "Pears", unit: "bushel", kgPerUnit: 1, category: "food" },
  });
  t.equal(badUnit.statusCode, 400);
  t.equal(badUnit.json().errors[0].name, "unit");
  const deref = await node.app.inject({ url: "/resources/potatoes" });
  t.equal(deref.json().uri, "http://127.0.0.1:9/resources/potatoes");
});
