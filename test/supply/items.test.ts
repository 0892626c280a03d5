import fc from "fast-check";
import t from "tap";
import { checkNeed, checkOffer, checkQuantity, diffFields } from "../../src/supply/items.js";
import { validateNewKind } from "../../src/supply/resources.js";

const now = Date.parse("2030-01-01T00:00:00Z");
const offer = {
  resource: "potatoes",
  quantity: 10,
  availableFrom: "2030-01-02T00:00:00Z",
  availableUntil: "2030-01-05T00:00:00Z",
  pickup: { lat: 1, lon: 2, name: "Barn" },
};
const need = { resource: "soap", quantity: 4, priority: "important", neededBy: "2030-01-03T00:00:00Z", delivery: { lat: 1, lon: 2, name: "Hall" } };
const names = (r: { ok: boolean; errors?: { name: string }[] }) => (r.ok ? [] : (r.errors ?? []).map((e) => e.name));

t.test("quantities must be finite and positive", async (t) => {
  for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2e9, "3" as unknown as number]) {
    t.ok(checkQuantity(bad), `${String(bad)} is refused`);
  }
  fc.assert(fc.property(fc.double({ min: 1e-9, max: 1e9, noNaN: true }), (q) => checkQuantity(q) === null));
});

t.test("an offer: window order, past windows, location; every problem at once", async (t) => {
  const ok = checkOffer(offer, now);
  t.ok(ok.ok);
  if (ok.ok) t.same([ok.value.windowStart, ok.value.windowEnd], [Date.parse(offer.availableFrom), Date.parse(offer.availableUntil)]);
  t.same(names(checkOffer({ ...offer, availableUntil: "2030-01-01T12:00:00Z" }, now)), ["availableUntil"], "ends before it starts");
  t.same(names(checkOffer({ ...offer, availableFrom: "2029-01-01T00:00:00Z", availableUntil: "2029-02-01T00:00:00Z" }, now)), ["availableUntil"], "already over");
  t.same(names(checkOffer({ ...offer, availableFrom: "soon" }, now)), ["availableFrom"]);
  t.same(
    names(checkOffer({ ...offer, quantity: -2, pickup: { lat: 100, lon: -200, name: "" } }, now)),
    ["quantity", "pickup.lat", "pickup.lon"],
    "all errors reported together",
  );
});

t.test("a need: priority from the list, needed-by in the future", async (t) => {
  const ok = checkNeed(need, now);
  t.ok(ok.ok);
  if (ok.ok) t.equal(ok.value.priority, "important");
  t.same(names(checkNeed({ ...need, priority: "urgent" }, now)), ["priority"]);
  t.same(names(checkNeed({ ...need, neededBy: "2029-12-31T00:00:00Z" }, now)), ["neededBy"]);
  t.same(names(checkNeed({ ...need, quantity: 0 }, now)), ["quantity"]);
});

t.test("diffFields records only what changed, as [old, new]", async (t) => {
  const a = checkOffer(offer, now);
  const b = checkOffer({ ...offer, quantity: 7, notes: "less" }, now);
  if (!a.ok || !b.ok) return t.fail("fixtures are valid");
  t.same(diffFields(a.value, b.value), { quantity: [10, 7], notes: ["", "less"] });
});

t.test("new resource kinds: known unit, known category, non-negative weight", async (t) => {
  const units = ["kg", "l"];
  t.same(validateNewKind({ slug: "rice", name: "Rice", unit: "kg", kgPerUnit: 1, category: "food" }, units), []);
  t.same(
    validateNewKind({ slug: "Rice!", name: " ", unit: "sack", kgPerUnit: -1, category: "luxury", uri: "ftp://x" }, units).map((e) => e.name),
    ["slug", "name", "unit", "kgPerUnit", "category", "uri"],
  );
});
