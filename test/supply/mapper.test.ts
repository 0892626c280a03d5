import "../../src/lib/runtime-shims.js";
import { createFederation, MemoryKvStore } from "@fedify/fedify";
import { Proposal } from "@fedify/vocab";
import t from "tap";
import type { ResourceKindRow, SupplyItemRow } from "../../src/db/schema/supply.js";
import { fromProposal, toProposal } from "../../src/federation/mappers/supply.js";

const ctx = createFederation<void>({ kv: new MemoryKvStore() }).createContext(new URL("https://a.example"), undefined);
const origin = "https://a.example";
const links = {
  objectUri: new URL(`${origin}/supply/0b8f`),
  actorUri: new URL(`${origin}/actors/alpha`),
  followersUri: new URL(`${origin}/actors/alpha/followers`),
};
const potatoes: ResourceKindRow = {
  id: 1,
  uri: `${origin}/resources/potatoes`,
  slug: "potatoes",
  name: "Potatoes",
  unit: "kg",
  kgPerUnit: 1,
  category: "food",
  createdAt: 0,
};
const offer: SupplyItemRow = {
  id: "0b8f",
  kind: "offer",
  resourceId: 1,
  quantity: 120.5,
  windowStart: Date.parse("2030-05-01T08:00:00Z"),
  windowEnd: Date.parse("2030-05-03T18:00:00Z"),
  priority: null,
  lat: 41.89,
  lon: 12.49,
  locationName: "Barn <north>",
  notes: "bring crates",
  status: "active",
  version: Date.parse("2030-04-01T10:00:00.123Z"),
  createdAt: Date.parse("2030-04-01T09:00:00Z"),
  updatedAt: Date.parse("2030-04-01T10:00:00.123Z"),
};

async function roundTrip(row: SupplyItemRow) {
  const json = await toProposal(row, potatoes, links).toJsonLd({ format: "compact", contextLoader: ctx.contextLoader });
  const back = await Proposal.fromJsonLd(json, { contextLoader: ctx.contextLoader, documentLoader: ctx.documentLoader });
  return { json: json as Record<string, any>, result: await fromProposal(back) };
}

t.test("an offer survives row → Proposal JSON-LD → view row with every field it relies on", async (t) => {
  const { json, result } = await roundTrip(offer);
  t.equal(json.type, "Proposal");
  t.equal(json.purpose, "offer");
  t.match(json.content, /120\.5 kg/, "the HTML content says the quantity and unit");
  t.match(json.content, /Barn &lt;north&gt;/, "and escapes the place name");
  t.ok(result.ok, "the Proposal reads back");
  if (!result.ok) return;
  t.same(result.item, {
    objectUri: links.objectUri.href,
    actorUri: links.actorUri.href,
    kind: "offer",
    resourceUri: potatoes.uri,
    resourceName: "Potatoes",
    category: "food",
    unit: "kg",
    quantity: 120.5,
    windowStart: offer.windowStart,
    windowEnd: offer.windowEnd,
    priority: null,
    lat: 41.89,
    lon: 12.49,
    locationName: "Barn <north>",
    name: "Offer: 120.5 kg of Potatoes",
    version: offer.version,
  });
});

t.test("a need keeps its priority, needed-by date and request purpose", async (t) => {
  const need: SupplyItemRow = { ...offer, kind: "need", windowStart: null, priority: "essential", quantity: 3 };
  const { json, result } = await roundTrip(need);
  t.equal(json.purpose, "request");
  t.ok(json.publishes.resourceQuantity, "a need states resourceQuantity");
  t.ok(result.ok);
  if (!result.ok) return;
  t.equal(result.item.kind, "need");
  t.equal(result.item.priority, "essential");
  t.equal(result.item.windowStart, null);
  t.equal(result.item.windowEnd, need.windowEnd);
  t.equal(result.item.quantity, 3);
});

t.test("malformed remote Proposals are refused with a reason", async (t) => {
  const { json } = await roundTrip(offer);
  const variants: [string, (j: any) => void, RegExp][] = [
    ["no attributedTo", (j) => delete j.attributedTo, /attributedTo/],
    ["unknown purpose", (j) => (j.purpose = "sell"), /purpose/],
    ["negative quantity", (j) => (j.publishes.availableQuantity.hasNumericalValue = "-4"), /quantity/],
    ["zero quantity", (j) => (j.publishes.availableQuantity.hasNumericalValue = "0"), /quantity/],
    ["no endTime", (j) => delete j.endTime, /endTime/],
    ["end before start", (j) => (j.endTime = "2030-04-01T00:00:00Z"), /endTime/],
    ["unknown category", (j) => (j.attachment.find((a: any) => a.name === "category")["http://schema.org#value"] = "weapons"), /category/],
  ];
  for (const [what, mutate, reason] of variants) {
    const copy = structuredClone(json);
    mutate(copy);
    const p = await Proposal.fromJsonLd(copy, { contextLoader: ctx.contextLoader, documentLoader: ctx.documentLoader });
    const r = await fromProposal(p);
    t.notOk(r.ok, `${what} is refused`);
    if (!r.ok) t.match(r.reason, reason, `${what}: ${r.reason}`);
  }
});
