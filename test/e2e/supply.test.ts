import "../../src/lib/runtime-shims.js";
import { join } from "node:path";
import { signRequest } from "@fedify/fedify";
import Database from "better-sqlite3";
import t from "tap";
import { AP_ACCEPT, eventually, type NodeProcess, startNode } from "../helpers/node-process.js";

// Several real nodes on a 2-core machine that may be running other tests too: allow up to 10 minutes.
t.setTimeout(600_000);

const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

async function follow(follower: NodeProcess, followee: NodeProcess): Promise<number> {
  const r = await follower.api("/api/following", { method: "POST", json: { actor: followee.actorUrl } });
  const id = (await r.json()).id as number;
  await eventually(
    async () => (await follower.getJson("/api/following")).items.find((f: any) => f.id === id)?.status === "accepted",
    `${follower.handle} to be accepted by ${followee.handle}`,
  );
  return id;
}

const view = async (node: NodeProcess, what: "offers" | "needs", query = "") =>
  (await node.getJson(`/api/network/${what}?includeOwn=false${query}`)).items as any[];

/** Sends `activity` to `inbox`, HTTP-signed with the real key of the node `signer` (read from its database). */
async function sendSignedAs(signer: NodeProcess, inbox: string, activity: object): Promise<Response> {
  const sqlite = new Database(join(signer.dataDir, "tendril.sqlite"), { readonly: true });
  const row = sqlite
    .prepare("select private_jwk from actor_keys where actor = ? and algorithm = 'RSASSA-PKCS1-v1_5'")
    .get(signer.handle) as { private_jwk: string };
  sqlite.close();
  const key = await crypto.subtle.importKey("jwk", JSON.parse(row.private_jwk), { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, true, [
    "sign",
  ]);
  const actor = await signer.getJson(`/actors/${signer.handle}`, AP_ACCEPT);
  const body = JSON.stringify(activity);
  const request = new Request(inbox, { method: "POST", headers: { "content-type": "application/activity+json" }, body });
  const signed = await signRequest(request, key, new URL(actor.publicKey.id), { spec: "draft-cavage-http-signatures-12" });
  return fetch(signed);
}

t.test("three nodes: offers and needs reach followers, change, vanish, resync, and forgeries are refused", async (t) => {
  const [a, b] = await Promise.all([
    startNode(t, { handle: "alpha", args: ["--location", "41.89,12.49"] }),
    startNode(t, { handle: "beta" }),
  ]);
  const bFollowsA = await follow(b, a);

  const offerRes = await a.api("/api/offers", {
    method: "POST",
    json: {
      resource: "potatoes",
      quantity: 120,
      availableFrom: future(0),
      availableUntil: future(7),
      pickup: { lat: 41.89, lon: 12.49, name: "North barn" },
    },
  });
  t.equal(offerRes.status, 201);
  const offer = await offerRes.json();
  const needRes = await a.api("/api/needs", {
    method: "POST",
    json: { resource: "drinking-water", quantity: 500, priority: "essential", neededBy: future(3), delivery: { lat: 41.9, lon: 12.5, name: "School" } },
  });
  const need = await needRes.json();

  const seen = await eventually(async () => (await view(b, "offers"))[0], "B to receive the offer");
  t.equal(seen.object, offer.url);
  t.equal(seen.actor, a.actorUrl, "provenance: which community");
  t.equal(seen.quantity, 120);
  t.equal(seen.unit, "kg");
  t.equal(seen.resource.uri, `${a.origin}/resources/potatoes`);
  t.ok(seen.provenance.activity && seen.provenance.receivedAt, "provenance: which activity, when");
  const seenNeed = await eventually(async () => (await view(b, "needs"))[0], "B to receive the need");
  t.equal(seenNeed.priority, "essential");
  t.equal(seenNeed.quantity, 500);

  t.equal((await view(b, "offers", "&category=food")).length, 1, "filter by category");
  t.equal((await view(b, "offers", "&category=water")).length, 0);
  t.equal((await view(b, "offers", `&resource=${encodeURIComponent(seen.resource.uri)}`)).length, 1, "filter by resource URI");
  t.equal((await view(b, "offers", "&resource=potatoes")).length, 0, "B's own potatoes kind is another URI until B adopts A's");
  const adopt = await b.api("/api/resources/adopt", { method: "POST", json: { uri: seen.resource.uri, slug: "alpha-potatoes" } });
  t.equal(adopt.status, 201, "B adopts A's kind by its URI");
  t.equal((await adopt.json()).uri, seen.resource.uri);
  t.equal((await view(b, "offers", "&resource=alpha-potatoes")).length, 1, "B's adopted slug now finds A's offer");
  t.equal((await view(b, "offers", "&near=41.95,12.5&radiusKm=10")).length, 1, "near the pickup");
  t.equal((await view(b, "offers", "&near=45.46,9.19&radiusKm=10")).length, 0, "not near Milan");

  const patched = await a.api(`/api/offers/${offer.id}`, { method: "PATCH", json: { quantity: 80, reason: "went to the kitchen" } });
  t.equal(patched.status, 200);
  await eventually(async () => (await view(b, "offers"))[0]?.quantity === 80, "B to see the update");
  const withdrawn = await a.api(`/api/needs/${need.id}`, { method: "DELETE" });
  t.equal(withdrawn.status, 200);
  await eventually(async () => (await view(b, "needs")).length === 0, "B to drop the withdrawn need");

  const totals = (await b.getJson("/api/network/totals?includeOwn=false")).items;
  t.same(
    totals.map((x: any) => [x.resourceName, x.unit, x.offered, x.needed, x.offeredBy]),
    [["Potatoes", "kg", 80, 0, 1]],
    "totals per resource across the network",
  );

  // C starts after A published: following A pulls what A currently offers and needs.
  const c = await startNode(t, { handle: "gamma" });
  const cFollowsA = await follow(c, a);
  const caught = await eventually(async () => (await view(c, "offers"))[0], "C to catch up by resync");
  t.equal(caught.quantity, 80, "C sees the current version");
  t.equal((await view(c, "needs")).length, 0, "and not the withdrawn need");
  t.equal(caught.provenance.activity, `resync:${a.actorUrl}/supply`);

  // Resync on demand after A changed things while C was not listening.
  const again = await c.api(`/api/following/${cFollowsA}/resync`, { method: "POST" });
  t.equal(again.status, 200);
  t.same(await again.json(), { received: 1, stored: 0, removed: 0, rejected: 0 }, "nothing new: the view was current");

  // Forgery: B (whom C also follows) signs an Update of A's offer and a Delete of it.
  await follow(c, b);
  const proposal = await a.getJson(new URL(offer.url).pathname, AP_ACCEPT);
  const forgedObject = { ...proposal, updated: new Date(Date.now() + 60_000).toISOString(), publishes: { ...proposal.publishes, availableQuantity: { ...proposal.publishes.availableQuantity, hasNumericalValue: "1" } } };
  const update = await sendSignedAs(b, `${c.origin}/inbox`, {
    "@context": proposal["@context"],
    id: `${b.origin}/activities/forged-update`,
    type: "Update",
    actor: b.actorUrl,
    object: forgedObject,
  });
  t.ok(update.status < 300, `the signed Update is accepted for processing (${update.status})`);
  const del = await sendSignedAs(b, `${c.origin}/inbox`, {
    "@context": "https://www.w3.org/ns/activitystreams",
    id: `${b.origin}/activities/forged-delete`,
    type: "Delete",
    actor: b.actorUrl,
    object: offer.url,
  });
  t.ok(del.status < 300, `the signed Delete is accepted for processing (${del.status})`);
  const rejections = (await eventually(async () => {
    const items = (await c.getJson("/api/network/rejections")).items as any[];
    return items.length >= 2 ? items : null;
  }, "C to reject both forgeries")) as any[];
  t.same(
    rejections.map((r) => [r.activityId, r.actorUri, r.objectUri]),
    [
      [`${b.origin}/activities/forged-update`, b.actorUrl, offer.url],
      [`${b.origin}/activities/forged-delete`, b.actorUrl, offer.url],
    ],
    "both are recorded with who sent them",
  );
  t.match(rejections[0].reason, /attributed to .*alpha, not to the sender/, "the Update is refused: not B's object");
  t.match(rejections[1].reason, /does not own/, "the Delete is refused: not B's object");
  const after = await view(c, "offers");
  t.equal(after.length, 1, "A's offer is still there");
  t.equal(after[0].quantity, 80, "with A's quantity, not B's");

  t.equal((await b.api(`/api/following/${bFollowsA}`, { method: "DELETE" })).status, 204);
  t.same(await view(b, "offers"), [], "after B unfollows A, A's offers leave B's view");
});
