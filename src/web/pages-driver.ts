import type { App } from "../http/types.js";
import { HttpProblem } from "../lib/problem.js";
import { acceptHaul, declineHaul, driverHauls, driverHaulStep } from "../transport/haul-actions.js";
import { findDeparture, findRoute, listHauls, listRoutes, loadSnapshot, type StoredStop } from "../transport/store.js";
import { done, render, requireDriverViewer, stateOf, type Web } from "./context.js";
import { renderAddDeparture, renderRoomForm } from "./departure-forms.js";
import { formOf, num, text } from "./forms.js";
import { html, type SafeHtml } from "./html.js";
import { postForm, when } from "./layout.js";
import { cancelPath, withdrawPath } from "./pages-driver-routes.js";

const runPath = (departure: string) => `/driver/run?departure=${encodeURIComponent(departure)}`;

/** The driver's pages, made for a phone: routes and room left, haul requests to take, the run sheet of a departure. */
export function registerDriverPages(app: App, web: Web): void {
  const { db } = web.deps.services;
  const { t } = web;

  app.get("/driver", { schema: { hide: true } }, async (request, reply) => {
    const driver = requireDriverViewer(request);
    const { csrf } = stateOf(request);
    const at = Date.now();
    const routes = listRoutes(db, { driverId: driver.id })
      .filter((r) => r.status === "active")
      .map((r) => loadSnapshot(db, r));
    const { open, accepted } = driverHauls(web.deps, driver);
    const stopName = stopNames(routes.flatMap((r) => r.stops));
    const active = accepted.filter((h) => !["delivered", "received", "cancelled"].includes(h.status));

    const body = html`<h1>${t.driverTitle(driver.name)}</h1>
<section aria-labelledby="open-hauls"><h2 id="open-hauls">${t.openHauls}</h2>
${
  open.length === 0
    ? html`<p class="empty">${t.noOpenHauls}</p>`
    : html`<div class="cards">${open.map(
        ({ haul: h, fits }) => html`<article class="card"><h3>${h.quantity} ${h.unit} ${h.resource}</h3>
<p>${stopName(h.fromUri)} → ${stopName(h.toUri)}<br>${h.weightKg} kg${h.volumeM3 ? html` · ${h.volumeM3} m³` : ""}<br>${t.window}: ${when(h.windowStart)} – ${when(h.windowEnd)}</p>
${postForm(
  `/driver/hauls/${h.id}/accept`,
  csrf,
  fits.length === 1
    ? html`<input type="hidden" name="departure" value="${fits[0]?.departure}"><p class="muted">${t.departure}: ${when(fits[0]?.departsAt)}</p><button type="submit">${t.accept}</button>`
    : html`<div><label for="dep-${h.id}">${t.departure}</label><select id="dep-${h.id}" name="departure">${fits.map((f) => html`<option value="${f.departure}">${when(f.departsAt)}</option>`)}</select></div><button type="submit">${t.accept}</button>`,
  { className: "inline", label: `${t.accept}: ${h.resource}` },
)}
${postForm(`/driver/hauls/${h.id}/decline`, csrf, html`<button type="submit" class="secondary">${t.decline}</button>`, { className: "inline", label: `${t.decline}: ${h.resource}` })}
</article>`,
      )}</div>`
}
</section>
<section aria-labelledby="my-hauls"><h2 id="my-hauls">${t.myHauls}</h2>
${
  active.length === 0
    ? html`<p class="empty">${t.none}</p>`
    : html`<ul>${active.map(
        (h) => html`<li>${h.quantity} ${h.unit} ${h.resource}: ${stopName(h.fromUri)} → ${stopName(h.toUri)} · <strong>${t.haulStatus[h.status as keyof typeof t.haulStatus] ?? h.status}</strong>${h.departureUri ? html` · <a href="${runPath(h.departureUri)}">${t.runSheet}</a>` : ""}</li>`,
      )}</ul>`
}
</section>
<section aria-labelledby="my-routes"><h2 id="my-routes">${t.myRoutes}</h2>
<p><a class="button" href="/driver/routes/new">${t.publishRoute}</a></p>
${
  routes.length === 0
    ? html`<p class="empty">${t.noRoutes}</p>`
    : routes.map((r) => {
        const upcoming = r.departures.filter((d) => !d.cancelled && d.departsAt >= at - 86_400_000).sort((a, b) => a.departsAt - b.departsAt).slice(0, 10);
        return html`<article class="card"><h3>${r.name}</h3><p>${r.stops.map((s) => s.name ?? s.uri).join(" → ")}</p>
${
  upcoming.length === 0
    ? html`<p class="empty">${t.noDepartures}</p>`
    : html`<table><thead><tr><th scope="col">${t.departure}</th><th scope="col">${t.roomLeft}</th><th scope="col"><span class="skip">${t.actions}</span></th></tr></thead><tbody>${upcoming.map(
        (d) => html`<tr><td>${when(d.departsAt)}</td><td>${d.legs.map((l) => html`${r.stops[l.leg]?.name ?? l.leg} → ${r.stops[l.leg + 1]?.name ?? l.leg + 1}: ${l.remainingKg} / ${l.capacityKg} kg<br>`)}</td><td><a href="${runPath(d.uri)}">${t.runSheet}</a><br><a href="${cancelPath(r.uri, d.uri)}" aria-label="${t.cancelDeparture}: ${when(d.departsAt)}">${t.cancelDeparture}</a></td></tr>${
          // The room of a departure that has not left yet can change; the form spans the row so a phone keeps its width.
          d.departsAt > at
            ? html`<tr class="form-row"><td colspan="3"><details><summary>${t.changeRoom}: ${when(d.departsAt)}</summary>${renderRoomForm(r, d, { t, csrf, values: {}, errors: new Map() })}</details></td></tr>`
            : ""
        }`,
      )}</tbody></table>`
}<details><summary>${t.addDeparture}</summary>${renderAddDeparture(r, { t, csrf, values: {}, errors: new Map() })}</details>
<p><a href="${withdrawPath(r.uri)}" aria-label="${t.withdrawRoute}: ${r.name}">${t.withdrawRoute}</a></p></article>`;
      })
}
</section>`;
    return render(web, request, reply, t.navDriver, body);
  });

  app.get<{ Querystring: { departure?: string } }>("/driver/run", { schema: { hide: true } }, async (request, reply) => {
    const driver = requireDriverViewer(request);
    const { csrf } = stateOf(request);
    const dep = request.query.departure ? findDeparture(db, request.query.departure) : undefined;
    const route = dep ? findRoute(db, dep.routeUri) : undefined;
    if (!dep || !route) throw HttpProblem.of("notFound", t.noSuchDeparture);
    if (route.driverId !== driver.id) throw HttpProblem.of("forbidden", t.notYourDeparture);
    const snap = loadSnapshot(db, route);
    const hauls = listHauls(db).filter((h) => h.departureUri === dep.uri && h.status !== "cancelled");
    const back = html`<input type="hidden" name="departure" value="${dep.uri}">`;

    const stopActions = (i: number, stop: StoredStop): SafeHtml[] => {
      const out: SafeHtml[] = [];
      for (const h of hauls) {
        const what = `${h.quantity} ${h.unit} ${h.resource}`;
        if (h.fromLeg === i) {
          out.push(
            h.status === "accepted"
              ? html`<li>${t.pickUp}: ${what} ${postForm(`/driver/hauls/${h.id}/picked-up`, csrf, html`${back}<div><label for="pick-${h.id}">${t.quantity}</label><input id="pick-${h.id}" name="quantity" type="number" min="0" step="any" value="${h.quantity}" required></div><button type="submit">${t.confirmPickup}</button>`, { className: "inline", label: `${t.confirmPickup}: ${what}` })}</li>`
              : html`<li>${t.pickUp}: ${what} · ${t.haulStatus[h.status as keyof typeof t.haulStatus] ?? h.status}</li>`,
          );
        }
        if (h.fromLeg !== null && h.toLeg !== null && i > h.fromLeg && i <= h.toLeg) {
          const handed = (JSON.parse(h.handedOverJson) as string[]).includes(stop.uri);
          if (i === h.toLeg + 1) continue;
          if (["picked_up", "handed_over"].includes(h.status) && !handed) {
            out.push(html`<li>${t.handOver}: ${what} ${postForm(`/driver/hauls/${h.id}/handed-over`, csrf, html`${back}<input type="hidden" name="stop" value="${stop.uri}"><button type="submit" class="secondary">${t.confirmHandOver}</button>`, { className: "inline", label: `${t.confirmHandOver}: ${what}` })}</li>`);
          } else if (handed) {
            out.push(html`<li>${t.handOver}: ${what} · ${t.done}</li>`);
          }
        }
        if (h.toLeg !== null && h.toLeg + 1 === i) {
          out.push(
            ["picked_up", "handed_over"].includes(h.status)
              ? html`<li>${t.dropOff}: ${what} ${postForm(`/driver/hauls/${h.id}/delivered`, csrf, html`${back}<div><label for="drop-${h.id}">${t.quantity}</label><input id="drop-${h.id}" name="quantity" type="number" min="0" step="any" value="${h.pickedUp ?? h.quantity}" required></div><button type="submit">${t.confirmDelivery}</button>`, { className: "inline", label: `${t.confirmDelivery}: ${what}` })}</li>`
              : html`<li>${t.dropOff}: ${what} · ${t.haulStatus[h.status as keyof typeof t.haulStatus] ?? h.status}</li>`,
          );
        }
      }
      return out;
    };

    const body = html`<h1>${t.runSheetFor(snap.name, when(dep.departsAt))}</h1>
<p><a href="/driver">${t.backToDriver}</a></p>
<ol class="cards">${snap.stops.map((s, i) => {
      const actions = stopActions(i, s);
      return html`<li class="card"><h2>${s.name ?? s.uri}</h2>${actions.length ? html`<ul>${actions}</ul>` : html`<p class="empty">${t.nothingHere}</p>`}</li>`;
    })}</ol>`;
    return render(web, request, reply, t.runSheet, body);
  });

  type StepName = "picked-up" | "handed-over" | "delivered" | "withdraw";
  const backTo = (form: Record<string, string>) => (form.departure ? runPath(form.departure) : "/driver");

  app.post<{ Params: { id: string } }>("/driver/hauls/:id/accept", { schema: { hide: true } }, async (request, reply) => {
    const driver = requireDriverViewer(request);
    const h = await acceptHaul(web.deps, driver, idOf(request.params.id), text(formOf(request.body), "departure", { max: 2048 }));
    return done(reply, h.departureUri ? runPath(h.departureUri) : "/driver", "haulAccepted");
  });

  app.post<{ Params: { id: string } }>("/driver/hauls/:id/decline", { schema: { hide: true } }, async (request, reply) => {
    const driver = requireDriverViewer(request);
    await declineHaul(web.deps, driver, idOf(request.params.id));
    return done(reply, "/driver", "haulDeclined");
  });

  for (const step of ["picked-up", "handed-over", "delivered", "withdraw"] as StepName[]) {
    app.post<{ Params: { id: string } }>(`/driver/hauls/:id/${step}`, { schema: { hide: true } }, async (request, reply) => {
      const driver = requireDriverViewer(request);
      const form = formOf(request.body);
      const quantity = () => {
        const q = num(form, "quantity");
        if (q < 0) throw HttpProblem.invalid("quantity", "must not be negative");
        return q;
      };
      const event =
        step === "picked-up"
          ? { type: "picked_up" as const, quantity: quantity() }
          : step === "delivered"
            ? { type: "delivered" as const, quantity: quantity() }
            : step === "handed-over"
              ? { type: "handed_over" as const, stop: text(form, "stop", { max: 2048 }) }
              : { type: "withdraw" as const };
      await driverHaulStep(web.deps, driver, idOf(request.params.id), event);
      return done(reply, backTo(form), step === "picked-up" ? "pickedUp" : step === "delivered" ? "delivered" : step === "handed-over" ? "handedOver" : "haulWithdrawn");
    });
  }
}

function stopNames(stops: readonly StoredStop[]): (uri: string) => string {
  const names = new Map(stops.map((s) => [s.uri, s.name ?? s.uri]));
  return (uri) => names.get(uri) ?? uri;
}

function idOf(raw: string): number {
  const id = Number(raw);
  if (!Number.isInteger(id) || id < 1) throw HttpProblem.of("notFound", `No haul request ${raw}`);
  return id;
}

