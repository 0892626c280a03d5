import type { FastifyReply, FastifyRequest } from "fastify";
import { latestLedger } from "../community/ledger-store.js";
import { listVotes } from "../community/vote-store.js";
import type { ResourceKindRow, SupplyItemRow } from "../db/schema/supply.js";
import type { App } from "../http/types.js";
import { HttpProblem } from "../lib/problem.js";
import { countFollowers, listFollowing } from "../network/follows.js";
import { findKindById } from "../supply/catalogue-store.js";
import { currentItems } from "../supply/store.js";
import { listRoutes, loadSnapshot } from "../transport/store.js";
import { render, type Web } from "./context.js";
import { html, type SafeHtml } from "./html.js";
import { dayOf, when } from "./layout.js";

const LEDGER_SHOWN = 20;

/**
 * The community's public page: what a browser gets at the actor URL (Fedify
 * serves JSON-LD to ActivityPub clients at the same URL). Who they are, what
 * they have to spare and need, the routes through them, decisions and ledger.
 */
export function registerCommunityPage(app: App, web: Web): void {
  const { config } = web.deps.services;
  app.get("/", { schema: { hide: true } }, async (_request, reply) => reply.redirect(web.communityPath));
  app.get<{ Params: { identifier: string } }>("/actors/:identifier", { schema: { hide: true } }, async (request, reply) => {
    if (request.params.identifier !== config.handle) {
      throw HttpProblem.of("notFound", `No community ${request.params.identifier} on this node`);
    }
    return communityPage(web, request, reply);
  });
}

function communityPage(web: Web, request: FastifyRequest, reply: FastifyReply) {
  const { config, db } = web.deps.services;
  const { t } = web;
  const self = web.deps.context().getActorUri(config.handle).href;
  const items = currentItems(db, Date.now());
  const kinds = new Map<number, ResourceKindRow | undefined>();
  const kindOf = (row: SupplyItemRow) => {
    if (!kinds.has(row.resourceId)) kinds.set(row.resourceId, findKindById(db, row.resourceId));
    return kinds.get(row.resourceId);
  };
  const offers = items.filter((i) => i.kind === "offer");
  const needs = items.filter((i) => i.kind === "need");
  const routes = listRoutes(db)
    .filter((r) => r.status === "active")
    .map((r) => loadSnapshot(db, r))
    .filter((r) => r.stops.some((s) => s.uri === self));
  const following = listFollowing(db, "accepted");
  const decisions = listVotes(db)
    .filter((v) => v.closedAt !== null)
    .sort((a, b) => (b.closedAt ?? 0) - (a.closedAt ?? 0))
    .slice(0, 20);
  const ledger = latestLedger(db, LEDGER_SHOWN);

  const itemTable = (rows: SupplyItemRow[], need: boolean): SafeHtml =>
    rows.length === 0
      ? html`<p class="empty">${t.none}</p>`
      : html`<table><thead><tr><th scope="col">${t.resource}</th><th scope="col">${t.quantity}</th><th scope="col">${need ? t.priority : t.availableUntil}</th><th scope="col">${need ? t.neededBy : t.pickup}</th><th scope="col">${t.notes}</th></tr></thead><tbody>
${rows.map((r) => {
  const k = kindOf(r);
  return html`<tr><td>${k?.name ?? "?"}</td><td>${r.quantity} ${k?.unit ?? ""}</td><td>${need ? t.priorities[r.priority as keyof typeof t.priorities] ?? r.priority : dayOf(r.windowEnd)}</td><td>${need ? dayOf(r.windowEnd) : r.locationName}</td><td>${r.notes ?? ""}</td></tr>`;
})}</tbody></table>`;

  const body = html`<header>
  <h1>${config.name}</h1>
  <p class="muted">@${config.handle}@${new URL(config.origin).host}${config.location ? html` · ${config.location.name || `${config.location.lat}, ${config.location.lon}`}` : ""}</p>
  ${config.summary ? html`<p>${config.summary}</p>` : ""}
</header>
<section aria-labelledby="surplus"><h2 id="surplus">${t.surplus}</h2>${itemTable(offers, false)}</section>
<section aria-labelledby="needs"><h2 id="needs">${t.needs}</h2>${itemTable(needs, true)}</section>
<section aria-labelledby="routes"><h2 id="routes">${t.routesThroughUs}</h2>
${
  routes.length === 0
    ? html`<p class="empty">${t.none}</p>`
    : html`<ul>${routes.map((r) => {
        const next = r.departures.filter((d) => !d.cancelled && d.departsAt > Date.now()).sort((a, b) => a.departsAt - b.departsAt)[0];
        return html`<li><strong>${r.name}</strong>: ${r.stops.map((s) => s.name ?? s.uri).join(" → ")}${next ? html` <span class="muted">(${t.nextDeparture}: ${when(next.departsAt)})</span>` : ""}</li>`;
      })}</ul>`
}</section>
<section aria-labelledby="network"><h2 id="network">${t.inTheNetwork}</h2>
  <p>${t.followCounts(countFollowers(db, config.handle), following.length)} · <a href="/map">${t.navMap}</a></p>
  <ul>${following.map((f) => html`<li><a href="${safeHref(f.actorUri)}">${f.name ?? f.actorUri}</a></li>`)}</ul>
</section>
<section aria-labelledby="decisions"><h2 id="decisions">${t.decisions}</h2>
${
  decisions.length === 0
    ? html`<p class="empty">${t.none}</p>`
    : html`<table><thead><tr><th scope="col">${t.question}</th><th scope="col">${t.outcome}</th><th scope="col">${t.closedAt}</th></tr></thead><tbody>${decisions.map(
        (v) => html`<tr><td>${v.question}</td><td>${t.outcomes[v.outcome as keyof typeof t.outcomes] ?? v.outcome}</td><td>${when(v.closedAt)}</td></tr>`,
      )}</tbody></table>`
}</section>
<section aria-labelledby="ledger"><h2 id="ledger">${t.publicLedger}</h2>
<p class="muted">${t.ledgerHint} <a href="/ledger">${t.ledgerJson}</a></p>
${
  ledger.length === 0
    ? html`<p class="empty">${t.none}</p>`
    : html`<table><thead><tr><th scope="col">#</th><th scope="col">${t.entry}</th><th scope="col">${t.details}</th><th scope="col">${t.at}</th></tr></thead><tbody>${ledger.map(
        (e) => html`<tr><td>${e.seq}</td><td>${t.ledgerTypes[e.type as keyof typeof t.ledgerTypes] ?? e.type}</td><td><code>${JSON.stringify(e.payload).slice(0, 200)}</code></td><td>${when(e.at)}</td></tr>`,
      )}</tbody></table>`
}</section>`;
  return render(web, request, reply, config.name, body);
}

/** Links only to http(s) URLs: a remote actor id of `javascript:…` becomes no link at all. */
export function safeHref(uri: string): string {
  try {
    const u = new URL(uri);
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : "#";
  } catch {
    return "#";
  }
}
