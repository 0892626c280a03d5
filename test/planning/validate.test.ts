import t from "tap";
import { validateProblem } from "../../src/planning/index.js";

const good = () => ({
  version: 1,
  communities: [{ id: "A", name: "A", lat: 41.1, lon: 12.3 }, { id: "B" }],
  resources: [{ id: "rice", unit: "kg", kgPerUnit: 1 }],
  offers: [{ id: "o1", community: "A", resource: "rice", quantity: 10 }],
  needs: [{ id: "n1", community: "B", resource: "rice", quantity: 5, priority: "essential" }],
  legs: [{ id: "l1", from: "A", to: "B", capacityKg: 10, distanceKm: 1 }],
});
type P = ReturnType<typeof good> & Record<string, unknown>;

t.test("a valid problem is accepted and cleaned of unknown fields", async (t) => {
  const input = { ...good(), extra: true } as P;
  (input.offers[0] as Record<string, unknown>).note = "x";
  const r = validateProblem(input);
  t.ok(r.ok);
  if (r.ok) {
    t.same(r.problem.offers[0], { id: "o1", community: "A", resource: "rice", quantity: 10 });
    t.notOk("extra" in r.problem);
  }
});

const cases: [string, (p: P) => unknown, string, string][] = [
  ["not an object", () => 42, "", "object"],
  ["an array", () => [], "", "object"],
  ["null", () => null, "", "object"],
  ["wrong version", (p) => ({ ...p, version: 2 }), "version", "version"],
  ["missing version", (p) => ({ ...p, version: undefined }), "version", "version"],
  ["a list that is not an array", (p) => ({ ...p, legs: {} }), "legs", "array"],
  ["an entry that is not an object", (p) => ({ ...p, offers: ["o1"] }), "offers[0]", "object"],
  ["missing id", (p) => ({ ...p, communities: [...p.communities, { name: "x" }] }), "communities[2].id", "id"],
  ["empty id", (p) => ({ ...p, resources: [{ ...p.resources[0], id: "" }] }), "resources[0].id", "id"],
  [
    "duplicate community id",
    (p) => ({ ...p, communities: [...p.communities, { id: "A" }] }),
    "communities[2].id",
    "unique-id",
  ],
  ["duplicate offer id", (p) => ({ ...p, offers: [p.offers[0], p.offers[0]] }), "offers[1].id", "unique-id"],
  [
    "dangling offer community",
    (p) => ({ ...p, offers: [{ ...p.offers[0], community: "Z" }] }),
    "offers[0].community",
    "reference",
  ],
  [
    "dangling need resource",
    (p) => ({ ...p, needs: [{ ...p.needs[0], resource: "gold" }] }),
    "needs[0].resource",
    "reference",
  ],
  ["dangling leg end", (p) => ({ ...p, legs: [{ ...p.legs[0], to: "Q" }] }), "legs[0].to", "reference"],
  [
    "negative quantity",
    (p) => ({ ...p, offers: [{ ...p.offers[0], quantity: -1 }] }),
    "offers[0].quantity",
    "positive",
  ],
  ["zero quantity", (p) => ({ ...p, needs: [{ ...p.needs[0], quantity: 0 }] }), "needs[0].quantity", "positive"],
  [
    "NaN quantity",
    (p) => ({ ...p, needs: [{ ...p.needs[0], quantity: Number.NaN }] }),
    "needs[0].quantity",
    "positive",
  ],
  [
    "infinite quantity",
    (p) => ({ ...p, offers: [{ ...p.offers[0], quantity: Number.POSITIVE_INFINITY }] }),
    "offers[0].quantity",
    "positive",
  ],
  [
    "string quantity",
    (p) => ({ ...p, offers: [{ ...p.offers[0], quantity: "10" }] }),
    "offers[0].quantity",
    "positive",
  ],
  ["bad priority", (p) => ({ ...p, needs: [{ ...p.needs[0], priority: "urgent" }] }), "needs[0].priority", "priority"],
  [
    "missing priority",
    (p) => ({ ...p, needs: [{ ...p.needs[0], priority: undefined }] }),
    "needs[0].priority",
    "priority",
  ],
  [
    "negative capacity",
    (p) => ({ ...p, legs: [{ ...p.legs[0], capacityKg: -5 }] }),
    "legs[0].capacityKg",
    "non-negative",
  ],
  [
    "negative distance",
    (p) => ({ ...p, legs: [{ ...p.legs[0], distanceKm: -0.1 }] }),
    "legs[0].distanceKm",
    "non-negative",
  ],
  [
    "negative kgPerUnit",
    (p) => ({ ...p, resources: [{ ...p.resources[0], kgPerUnit: -1 }] }),
    "resources[0].kgPerUnit",
    "non-negative",
  ],
  ["missing unit", (p) => ({ ...p, resources: [{ id: "rice", kgPerUnit: 1 }] }), "resources[0].unit", "string"],
  [
    "latitude out of range",
    (p) => ({ ...p, communities: [{ id: "A", lat: 91 }, { id: "B" }] }),
    "communities[0].lat",
    "coordinate",
  ],
];

for (const [name, mutate, path, rule] of cases) {
  t.test(`rejects ${name}`, async (t) => {
    const r = validateProblem(mutate(good() as P));
    t.notOk(r.ok, "rejected");
    if (!r.ok) {
      const hit = r.errors.find((e) => e.path === path && e.rule === rule);
      t.ok(hit, `an error at "${path}" for rule ${rule}`, { errors: r.errors });
      if (hit && path !== "") t.match(hit.message, path, "the message names the entry");
    }
  });
}

t.test("every broken entry is reported, not only the first", async (t) => {
  const p = good() as P;
  const r = validateProblem({
    ...p,
    offers: [{ ...p.offers[0], quantity: 0 }],
    legs: [{ ...p.legs[0], capacityKg: -1, from: "X" }],
  });
  t.notOk(r.ok);
  if (!r.ok) t.same(r.errors.map((e) => e.path).sort(), ["legs[0].capacityKg", "legs[0].from", "offers[0].quantity"]);
});
