import t from "tap";
import { renderNetworkMap } from "../../src/web/map.js";

const labels = {
  title: "Map",
  legendCommunity: "Community",
  legendLeg: "Leg",
  legendFlow: "Flow",
  legTitle: (l: { from: string; to: string; capacityKg: number }) => `${l.from}→${l.to} ${l.capacityKg}`,
  flowTitle: (f: { quantity: number; unit: string }) => `${f.quantity} ${f.unit}`,
};

t.test("communities, legs and flows become SVG elements inside the frame", async (t) => {
  const svg = renderNetworkMap(
    {
      communities: [
        { id: "a", name: "Alpha", lat: 41.9, lon: 12.5 },
        { id: "b", name: "Beta", lat: 43.8, lon: 11.2 },
        { id: "c", name: "Gamma <script>", lat: 45.4, lon: 9.2 },
      ],
      legs: [
        { from: "a", to: "b", capacityKg: 1000 },
        { from: "b", to: "c", capacityKg: 250 },
      ],
      flows: [{ from: "a", to: "c", resource: "potato", quantity: 60, unit: "kg" }],
    },
    labels,
  ).value;
  t.equal((svg.match(/<circle class="dot"/g) ?? []).length, 3, "one circle per community");
  t.equal((svg.match(/class="leg"/g) ?? []).length, 2, "one line per leg");
  t.equal((svg.match(/class="flow"/g) ?? []).length, 1, "one arrow per flow");
  t.match(svg, /Gamma &lt;script&gt;/, "names are escaped");
  t.notMatch(svg, /<script>/);
  const widths = [...svg.matchAll(/class="leg"[^>]*stroke-width="([\d.]+)"/g)].map((m) => Number(m[1]));
  t.ok(widths[0]! > widths[1]!, "a leg with more room is drawn thicker");
  const xs = [...svg.matchAll(/<circle class="dot" cx="([\d.-]+)" cy="([\d.-]+)"/g)].map((m) => [
    Number(m[1]),
    Number(m[2]),
  ]);
  t.ok(
    xs.every(([x, y]) => x! >= 0 && x! <= 800 && y! >= 0 && y! <= 560),
    "every community is inside the frame",
  );
  t.match(svg, /class="legend"/, "a legend is drawn");
});

t.test("legs or flows to communities without coordinates are left out, not drawn wrong", async (t) => {
  const svg = renderNetworkMap(
    {
      communities: [{ id: "a", name: "Alpha", lat: 41.9, lon: 12.5 }],
      legs: [{ from: "a", to: "nowhere", capacityKg: 10 }],
      flows: [],
    },
    labels,
  ).value;
  t.equal((svg.match(/class="leg"/g) ?? []).length, 0);
  t.equal((svg.match(/<circle class="dot"/g) ?? []).length, 1);
});
