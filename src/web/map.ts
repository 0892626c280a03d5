import { geoMercator } from "d3-geo";
import { html, type SafeHtml } from "./html.js";

export interface MapCommunity {
  readonly id: string;
  readonly name: string;
  readonly lat: number;
  readonly lon: number;
}

export interface MapLeg {
  readonly from: string;
  readonly to: string;
  readonly capacityKg: number;
}

export interface MapFlow {
  readonly from: string;
  readonly to: string;
  readonly resource: string;
  readonly quantity: number;
  readonly unit: string;
}

export interface MapData {
  readonly communities: readonly MapCommunity[];
  readonly legs: readonly MapLeg[];
  readonly flows: readonly MapFlow[];
}

const WIDTH = 800;
const HEIGHT = 560;
const MARGIN = 60;

/**
 * The network drawn on the server as SVG: no tile servers (there may be no
 * internet), no script. Communities at their coordinates, route legs as
 * lines as thick as their capacity, planned flows as arrows.
 */
export function renderNetworkMap(data: MapData, labels: MapLabels): SafeHtml {
  const placed = data.communities.filter((c) => Number.isFinite(c.lat) && Number.isFinite(c.lon));
  const projection = geoMercator();
  if (placed.length > 0) {
    const points = {
      type: "MultiPoint" as const,
      coordinates: placed.map((c) => [c.lon, c.lat]),
    };
    projection.fitExtent(
      [
        [MARGIN, MARGIN],
        [WIDTH - MARGIN, HEIGHT - MARGIN],
      ],
      points,
    );
    // A single community (or several at one spot) would zoom without bound.
    if (!Number.isFinite(projection.scale()) || projection.scale() > 1e6) projection.scale(1e6);
  }
  const at = new Map<string, [number, number]>();
  for (const c of placed) {
    const p = projection([c.lon, c.lat]);
    if (p) at.set(c.id, [round(p[0]), round(p[1])]);
  }
  const maxCapacity = Math.max(1, ...data.legs.map((l) => l.capacityKg));
  const legWidth = (kg: number) => round(1 + (5 * kg) / maxCapacity);

  const legs = data.legs.flatMap((leg) => {
    const a = at.get(leg.from);
    const b = at.get(leg.to);
    if (!a || !b) return [];
    return [
      html`<line class="leg" x1="${a[0]}" y1="${a[1]}" x2="${b[0]}" y2="${b[1]}" stroke-width="${legWidth(leg.capacityKg)}" data-capacity-kg="${leg.capacityKg}"><title>${labels.legTitle(leg)}</title></line>`,
    ];
  });
  const flows = data.flows.flatMap((flow) => {
    const a = at.get(flow.from);
    const b = at.get(flow.to);
    if (!a || !b) return [];
    // Offset arrows to the side of the route line so both stay visible.
    const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
    const len = Math.hypot(dx, dy) || 1;
    const [ox, oy] = [(-dy / len) * 6, (dx / len) * 6];
    return [
      html`<line class="flow" x1="${round(a[0] + ox)}" y1="${round(a[1] + oy)}" x2="${round(b[0] + ox - (dx / len) * 10)}" y2="${round(b[1] + oy - (dy / len) * 10)}" marker-end="url(#arrow)"><title>${labels.flowTitle(flow)}</title></line>`,
    ];
  });
  const nodes = placed.map((c) => {
    const p = at.get(c.id);
    if (!p) return html``;
    // Labels near the right edge go to the left of the dot so they are not cut off.
    const left = p[0] > WIDTH * 0.65;
    return html`<g class="community"><circle class="dot" cx="${p[0]}" cy="${p[1]}" r="7"><title>${c.name}</title></circle><text x="${left ? p[0] - 10 : p[0] + 10}" y="${p[1] + 4}"${left ? html` text-anchor="end"` : ""}>${c.name}</text></g>`;
  });

  return html`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="map-title" class="network-map">
<title id="map-title">${labels.title}</title>
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#b5461b"/></marker></defs>
<style>.leg{stroke:#5c6f7b;stroke-linecap:round;opacity:.8}.flow{stroke:#b5461b;stroke-width:2.5}.community circle{fill:#0b5d2a;stroke:#fff;stroke-width:2}.community text{font:13px system-ui,sans-serif;fill:#1b1b1b}.legend text{font:12px system-ui,sans-serif;fill:#1b1b1b}</style>
<rect width="${WIDTH}" height="${HEIGHT}" fill="#f4f3ec"/>
<g class="legs">${legs}</g>
<g class="flows">${flows}</g>
<g class="communities">${nodes}</g>
<g class="legend" transform="translate(12,${HEIGHT - 66})">
<rect width="230" height="58" fill="#fff" stroke="#ccc"/>
<circle cx="14" cy="14" r="6" fill="#0b5d2a"/><text x="28" y="18">${labels.legendCommunity}</text>
<line x1="8" y1="31" x2="22" y2="31" stroke="#5c6f7b" stroke-width="4"/><text x="28" y="35">${labels.legendLeg}</text>
<line x1="8" y1="47" x2="20" y2="47" stroke="#b5461b" stroke-width="2.5" marker-end="url(#arrow)"/><text x="28" y="51">${labels.legendFlow}</text>
</g>
</svg>`;
}

export interface MapLabels {
  readonly title: string;
  readonly legendCommunity: string;
  readonly legendLeg: string;
  readonly legendFlow: string;
  legTitle(leg: MapLeg): string;
  flowTitle(flow: MapFlow): string;
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
