import type { FastifyRequest } from "fastify";
import { desc } from "drizzle-orm";
import { listVotes } from "../community/vote-store.js";
import { deliveryFailuresTable } from "../db/schema/federation.js";
import type { ResourceKindRow, SupplyItemRow } from "../db/schema/supply.js";
import type { App } from "../http/types.js";
import { HttpProblem } from "../lib/problem.js";
import { answerFollower } from "../network/answer-follower.js";
import { listFollowers } from "../network/follows.js";
import { changeSupplyItem, createSupplyItem, withdrawSupplyItem } from "../supply/actions.js";
import { findKindById, listKinds } from "../supply/catalogue-store.js";
import { type ItemKind, PRIORITIES } from "../supply/items.js";
import { listItems } from "../supply/store.js";
import { queryNetwork } from "../supply/view-store.js";
import { listFollowing } from "../network/follows.js";
import { createDriver, listDrivers } from "../transport/drivers.js";
import { listHauls } from "../transport/store.js";
import { done, render, requireCoordinatorViewer, stateOf, type Web } from "./context.js";
import { type FormFields, day, formOf, num, text } from "./forms.js";
import { html, type SafeHtml } from "./html.js";
import { dayOf, field, postForm, when } from "./layout.js";
import { localizeMessage } from "./localize.js";
import { exchangeSections } from "./pages-exchange.js";

const KINDS = { offers: "offer", needs: "need" } as const satisfies Record<string, ItemKind>;
type Plural = keyof typeof KINDS;

/** The coordinators' dashboard: stock, surplus and needs, follow requests, exchanges, drivers, failed deliveries. */
export function registerAdminPages(app: App, web: Web): void {
  const { db, config } = web.deps.services;
  const { t } = web;
  const actor = (request: FastifyRequest) => {
    const v = requireCoordinatorViewer(request);
    return v.kind === "member" ? `member:${v.member.handle}` : "admin";
  };

  app.get("/admin", { schema: { hide: true } }, async (request, reply) => {
    requireCoordinatorViewer(request);
    const { csrf } = stateOf(request);
    const now = Date.now();
    const kinds = listKinds(db);
    const pending = listFollowers(db, config.handle, { status: "pending", limit: 100 }).items;
    const failures = db.select().from(deliveryFailuresTable).orderBy(desc(deliveryFailuresTable.id)).limit(50).all();
    const drivers = listDrivers(db);
    const hauls = listHauls(db).slice(-30).reverse();
    const openVotes = listVotes(db).filter((v) => v.closedAt === null && v.closesAt > now);
    const network = queryNetwork(db, { now }).slice(0, 200);
    const names = new Map(listFollowing(db).map((f) => [f.actorUri, f.name ?? f.actorUri]));

    const items = (plural: Plural): SafeHtml => {
      const kind = KINDS[plural];
      const rows = listItems(db, { kind, status: "active", now });
      if (rows.length === 0) return html`<p class="empty">${t.none}</p>`;
      return html`<table><thead><tr><th scope="col">${t.resource}</th><th scope="col">${t.quantity}</th><th scope="col">${kind === "offer" ? t.availableUntil : t.neededBy}</th><th scope="col">${t.actions}</th></tr></thead><tbody>
${rows.map((r) => itemRow(plural, r, findKindById(db, r.resourceId), csrf))}</tbody></table>`;
    };

    const body = html`<h1>${t.dashboardTitle}</h1>
<nav aria-label="${t.onThisPage}"><ul>
<li><a href="#offers">${t.surplus}</a></li><li><a href="#needs">${t.needs}</a></li><li><a href="#follow-requests">${t.followRequests}</a></li>
<li><a href="#network">${t.networkItems}</a></li><li><a href="#exchanges">${t.exchangeProposals}</a></li><li><a href="#drivers">${t.drivers}</a></li><li><a href="#failures">${t.undeliverable}</a></li></ul></nav>

<section aria-labelledby="offers"><h2 id="offers">${t.surplus}</h2>
${items("offers")}
<details><summary>${t.newOffer}</summary>${itemForm("offers", kinds, csrf)}</details>
</section>

<section aria-labelledby="needs"><h2 id="needs">${t.needs}</h2>
${items("needs")}
<details><summary>${t.newNeed}</summary>${itemForm("needs", kinds, csrf)}</details>
</section>

<section aria-labelledby="follow-requests"><h2 id="follow-requests">${t.followRequests}</h2>
${
  pending.length === 0
    ? html`<p class="empty">${t.noFollowRequests}</p>`
    : html`<ul>${pending.map(
        (f) => html`<li>${f.actorUri} <span class="muted">(${when(f.createdAt)})</span>
${postForm(`/admin/followers/${f.id}/approve`, csrf, html`<button type="submit">${t.approve}</button>`, { className: "inline", label: `${t.approve} ${f.actorUri}` })}
${postForm(`/admin/followers/${f.id}/reject`, csrf, html`<button type="submit" class="secondary">${t.reject}</button>`, { className: "inline", label: `${t.reject} ${f.actorUri}` })}</li>`,
      )}</ul>`
}
</section>

<section aria-labelledby="network"><h2 id="network">${t.networkItems}</h2>
${
  network.length === 0
    ? html`<p class="empty">${t.none}</p>`
    : html`<table><thead><tr><th scope="col">${t.community}</th><th scope="col">${t.kind}</th><th scope="col">${t.resource}</th><th scope="col">${t.quantity}</th><th scope="col">${t.until}</th></tr></thead><tbody>${network.map(
        (n) => html`<tr><td>${names.get(n.actorUri) ?? n.actorUri}</td><td>${n.kind === "offer" ? t.offer : t.need}</td><td>${n.resourceName}${n.name && n.name !== n.resourceName ? html`<br><span class="muted">${n.name}</span>` : ""}</td><td>${n.quantity} ${n.unit}</td><td>${dayOf(n.windowEnd)}</td></tr>`,
      )}</tbody></table>`
}
</section>

${exchangeSections(web, csrf)}

<section aria-labelledby="hauls"><h2 id="hauls">${t.hauls}</h2>
${
  hauls.length === 0
    ? html`<p class="empty">${t.none}</p>`
    : html`<table><thead><tr><th scope="col">${t.resource}</th><th scope="col">${t.quantity}</th><th scope="col">${t.status}</th><th scope="col">${t.updated}</th></tr></thead><tbody>${hauls.map(
        (h) => html`<tr><td>${h.resource}</td><td>${h.quantity} ${h.unit}</td><td>${t.haulStatus[h.status as keyof typeof t.haulStatus] ?? h.status}${h.flag ? html` <strong>(${t.haulFlag[h.flag as keyof typeof t.haulFlag] ?? h.flag})</strong>` : ""}</td><td>${when(h.updatedAt)}</td></tr>`,
      )}</tbody></table>`
}
</section>

<section aria-labelledby="drivers"><h2 id="drivers">${t.drivers}</h2>
${drivers.length === 0 ? html`<p class="empty">${t.none}</p>` : html`<ul>${drivers.map((d) => html`<li>${d.name} <span class="muted">${d.contact}</span></li>`)}</ul>`}
<details><summary>${t.registerDriver}</summary>
${postForm(
  "/admin/drivers",
  csrf,
  html`${field("driver-name", t.name, html`<input id="driver-name" name="name" required maxlength="200">`)}
${field("driver-contact", t.contact, html`<input id="driver-contact" name="contact" required maxlength="500">`)}
${field("vehicle-kg", t.vehicleCapacityKg, html`<input id="vehicle-kg" name="capacityKg" type="number" min="0" step="any" required>`)}
<button type="submit">${t.registerDriver}</button>`,
)}</details>
</section>

<section aria-labelledby="votes"><h2 id="votes">${t.votesOpen}</h2>
${openVotes.length === 0 ? html`<p class="empty">${t.none}</p>` : html`<ul>${openVotes.map((v) => html`<li>${v.question} <span class="muted">(${t.closes} ${when(v.closesAt)})</span></li>`)}</ul>`}
</section>

<section aria-labelledby="failures"><h2 id="failures">${t.undeliverable}</h2>
${
  failures.length === 0
    ? html`<p class="empty">${t.noFailures}</p>`
    : html`<table><thead><tr><th scope="col">${t.activity}</th><th scope="col">${t.inbox}</th><th scope="col">${t.reason}</th><th scope="col">${t.at}</th></tr></thead><tbody>${failures.map(
        (f) => html`<tr><td>${f.activityType ?? ""} <span class="muted">${f.activityId ?? ""}</span></td><td>${f.inboxUrl}</td><td>${localizeMessage(f.reason, web.lang)}${f.error ? html`: ${f.error}` : ""}</td><td>${when(f.failedAt)}</td></tr>`,
      )}</tbody></table>`
}
</section>`;
    // While a planning round runs, the page refreshes itself to show its progress.
    const running = web.exchange.planningRound()?.running === true;
    return render(web, request, reply, t.dashboardTitle, body, 200, running ? { refreshSeconds: 2, refreshUrl: "/admin" } : {});
  });

  for (const plural of Object.keys(KINDS) as Plural[]) {
    const kind = KINDS[plural];
    app.post(`/admin/${plural}`, { schema: { hide: true } }, async (request, reply) => {
      const who = actor(request);
      const input = itemInput(kind, formOf(request.body), config.location);
      await createSupplyItem(web.deps, kind, input, who);
      return done(reply, `/admin#${plural}`, kind === "offer" ? "offerCreated" : "needCreated");
    });
    app.post<{ Params: { id: string } }>(`/admin/${plural}/:id/quantity`, { schema: { hide: true } }, async (request, reply) => {
      const who = actor(request);
      const form = formOf(request.body);
      await changeSupplyItem(web.deps, kind, request.params.id, { quantity: num(form, "quantity") }, text(form, "reason", { optional: true, max: 500 }) || null, who);
      return done(reply, `/admin#${plural}`, "quantityChanged");
    });
    app.post<{ Params: { id: string } }>(`/admin/${plural}/:id/withdraw`, { schema: { hide: true } }, async (request, reply) => {
      const who = actor(request);
      await withdrawSupplyItem(web.deps, kind, request.params.id, null, who);
      return done(reply, `/admin#${plural}`, "withdrawn");
    });
  }

  for (const answer of ["approve", "reject"] as const) {
    app.post<{ Params: { id: string } }>(`/admin/followers/:id/${answer}`, { schema: { hide: true } }, async (request, reply) => {
      requireCoordinatorViewer(request);
      const id = Number(request.params.id);
      if (!Number.isInteger(id) || id < 1) throw HttpProblem.of("notFound", `No follower with id ${request.params.id}`);
      await answerFollower(web.deps, id, answer === "approve" ? "accept" : "reject");
      return done(reply, "/admin#follow-requests", answer === "approve" ? "followerApproved" : "followerRejected");
    });
  }

  app.post("/admin/drivers", { schema: { hide: true } }, async (request, reply) => {
    requireCoordinatorViewer(request);
    const form = formOf(request.body);
    const capacityKg = num(form, "capacityKg");
    if (capacityKg < 0) throw HttpProblem.invalid("capacityKg", "must not be negative");
    const { driver, token } = createDriver(db, {
      name: text(form, "name", { max: 200 }),
      contact: text(form, "contact", { max: 500 }),
      vehicles: [{ name: "vehicle", capacityKg, capacityM3: 0, refrigerated: false }],
    });
    // The token is shown once, on this response only (it is never stored in clear).
    const body = html`<h1>${t.driverRegistered}</h1><p>${t.driverTokenOnce(driver.name)}</p><p><code>${token}</code></p><p><a href="/admin#drivers">${t.backToDashboard}</a></p>`;
    return render(web, request, reply, t.driverRegistered, body, 201);
  });

  function itemRow(plural: Plural, r: SupplyItemRow, k: ResourceKindRow | undefined, csrf: string): SafeHtml {
    const label = `${k?.name ?? "?"} ${r.quantity} ${k?.unit ?? ""}`;
    return html`<tr><td>${k?.name ?? "?"}${r.notes ? html`<br><span class="muted">${r.notes}</span>` : ""}</td><td>${r.quantity} ${k?.unit ?? ""}</td><td>${dayOf(r.windowEnd)}</td><td>
${postForm(
  `/admin/${plural}/${r.id}/quantity`,
  csrf,
  html`<div><label for="q-${r.id}">${t.newQuantity}</label><input id="q-${r.id}" name="quantity" type="number" min="0" step="any" value="${r.quantity}" required></div><button type="submit" class="secondary">${t.save}</button>`,
  { className: "inline", label: `${t.newQuantity}: ${label}` },
)}
${postForm(`/admin/${plural}/${r.id}/withdraw`, csrf, html`<button type="submit" class="danger">${t.withdraw}</button>`, { className: "inline", label: `${t.withdraw}: ${label}` })}
</td></tr>`;
  }

  function itemForm(plural: Plural, kinds: ResourceKindRow[], csrf: string): SafeHtml {
    const kind = KINDS[plural];
    const p = kind === "offer" ? "offer" : "need";
    const today = dayOf(Date.now());
    const later = dayOf(Date.now() + 14 * 86_400_000);
    const loc = config.location;
    return postForm(
      `/admin/${plural}`,
      csrf,
      html`${field(`${p}-resource`, t.resource, html`<select id="${p}-resource" name="resource" required>${kinds.map((k) => html`<option value="${k.slug}">${k.name} (${k.unit})</option>`)}</select>`)}
${field(`${p}-quantity`, t.quantity, html`<input id="${p}-quantity" name="quantity" type="number" min="0" step="any" required>`)}
${
  kind === "offer"
    ? html`${field("offer-from", t.availableFrom, html`<input id="offer-from" name="availableFrom" type="date" value="${today}" required>`)}
${field("offer-until", t.availableUntil, html`<input id="offer-until" name="availableUntil" type="date" value="${later}" required>`)}`
    : html`${field("need-priority", t.priority, html`<select id="need-priority" name="priority">${PRIORITIES.map((x) => html`<option value="${x}">${t.priorities[x]}</option>`)}</select>`)}
${field("need-by", t.neededBy, html`<input id="need-by" name="neededBy" type="date" value="${later}" required>`)}`
}
<fieldset><legend>${kind === "offer" ? t.pickup : t.delivery}</legend>
${field(`${p}-place`, t.placeName, html`<input id="${p}-place" name="placeName" value="${loc?.name ?? ""}" maxlength="200">`)}
${field(`${p}-lat`, t.latitude, html`<input id="${p}-lat" name="lat" type="number" step="any" min="-90" max="90" value="${loc?.lat ?? ""}" required>`)}
${field(`${p}-lon`, t.longitude, html`<input id="${p}-lon" name="lon" type="number" step="any" min="-180" max="180" value="${loc?.lon ?? ""}" required>`)}
</fieldset>
${field(`${p}-notes`, t.notes, html`<textarea id="${p}-notes" name="notes" maxlength="2000" rows="2"></textarea>`)}
<button type="submit">${kind === "offer" ? t.publishOffer : t.publishNeed}</button>`,
      { label: kind === "offer" ? t.newOffer : t.newNeed },
    );
  }
}

/** The form's fields in the API's shape, so the same checks (items.ts) apply. */
function itemInput(kind: ItemKind, form: FormFields, home: { lat: number; lon: number; name: string } | null) {
  const place = { lat: num(form, "lat"), lon: num(form, "lon"), name: text(form, "placeName", { optional: true, max: 200 }) || home?.name || "" };
  const notes = text(form, "notes", { optional: true, max: 2000 });
  const common = { resource: text(form, "resource", { max: 2048 }), quantity: num(form, "quantity"), ...(notes ? { notes } : {}) };
  return kind === "offer"
    ? { ...common, availableFrom: day(form, "availableFrom"), availableUntil: day(form, "availableUntil", true), pickup: place }
    : { ...common, priority: text(form, "priority"), neededBy: day(form, "neededBy", true), delivery: place };
}
