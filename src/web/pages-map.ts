import type { App } from "../http/types.js";
import { render, type Web } from "./context.js";
import { html } from "./html.js";
import { renderNetworkMap } from "./map.js";
import { mapData } from "./map-data.js";

/** The network map (SVG drawn here, no tile server) and the same data as tables. */
export function registerMapPages(app: App, web: Web): void {
  const { t } = web;
  const nameOf = (data: ReturnType<typeof mapData>) => {
    const names = new Map(data.communities.map((c) => [c.id, c.name]));
    return (id: string) => names.get(id) ?? id;
  };

  app.get("/map", { schema: { hide: true } }, async (request, reply) => {
    const data = mapData(web.deps, web.exchange);
    const name = nameOf(data);
    const svg = renderNetworkMap(data, {
      title: t.mapTitle,
      legendCommunity: t.mapLegendCommunity,
      legendLeg: t.mapLegendLeg,
      legendFlow: t.mapLegendFlow,
      legTitle: (l) => t.mapLegTitle(name(l.from), name(l.to), l.capacityKg),
      flowTitle: (f) => t.mapFlowTitle(name(f.from), name(f.to), f.quantity, f.unit, f.resource),
    });
    const body = html`<h1>${t.mapHeading}</h1>
<p><a href="/map/table">${t.mapAsTable}</a></p>
<figure class="map">${svg}<figcaption class="muted">${t.mapCaption}</figcaption></figure>
${data.unplaced.length ? html`<p class="muted">${t.mapUnplaced}: ${data.unplaced.map((c) => c.name).join(", ")}</p>` : ""}`;
    return render(web, request, reply, t.mapHeading, body);
  });

  app.get("/map/table", { schema: { hide: true } }, async (request, reply) => {
    const data = mapData(web.deps, web.exchange);
    const name = nameOf(data);
    const coords = (lat: number, lon: number) => (Number.isFinite(lat) && Number.isFinite(lon) ? `${lat}, ${lon}` : t.unknown);
    const body = html`<h1>${t.mapHeading}</h1>
<p><a href="/map">${t.mapAsMap}</a></p>
<h2>${t.communities}</h2>
<table><caption class="muted">${t.communities}</caption><thead><tr><th scope="col">${t.name}</th><th scope="col">${t.location}</th></tr></thead>
<tbody>${data.communities.map((c) => html`<tr><td>${c.name}</td><td>${coords(c.lat, c.lon)}</td></tr>`)}</tbody></table>
<h2>${t.routeLegs}</h2>
${
  data.legs.length === 0
    ? html`<p class="empty">${t.none}</p>`
    : html`<table><thead><tr><th scope="col">${t.from}</th><th scope="col">${t.to}</th><th scope="col">${t.capacityKg}</th></tr></thead>
<tbody>${data.legs.map((l) => html`<tr><td>${name(l.from)}</td><td>${name(l.to)}</td><td>${l.capacityKg}</td></tr>`)}</tbody></table>`
}
<h2>${t.plannedFlows}</h2>
${
  data.flows.length === 0
    ? html`<p class="empty">${t.noFlows}</p>`
    : html`<table><thead><tr><th scope="col">${t.from}</th><th scope="col">${t.to}</th><th scope="col">${t.resource}</th><th scope="col">${t.quantity}</th></tr></thead>
<tbody>${data.flows.map((f) => html`<tr><td>${name(f.from)}</td><td>${name(f.to)}</td><td>${f.resource}</td><td>${f.quantity} ${f.unit}</td></tr>`)}</tbody></table>`
}`;
    return render(web, request, reply, t.mapHeading, body);
  });
}
