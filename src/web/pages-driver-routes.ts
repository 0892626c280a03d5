import type { FastifyReply, FastifyRequest } from "fastify";
import type { DriverRow } from "../db/schema/transport.js";
import type { App } from "../http/types.js";
import { HttpProblem } from "../lib/problem.js";
import { knownCommunities } from "../transport/communities.js";
import { vehiclesOf } from "../transport/drivers.js";
import { publishRoute, withdrawDriverDeparture, withdrawDriverRoute } from "../transport/route-actions.js";
import { findDeparture, findRoute, haulsOnRoute, loadSnapshot } from "../transport/store.js";
import { done, render, requireDriverViewer, stateOf, type Web } from "./context.js";
import { type FormFields, formOf } from "./forms.js";
import { html } from "./html.js";
import { postForm, when } from "./layout.js";
import { type FieldErrors, formErrorOf, parseRouteForm, renderRouteForm } from "./route-form.js";

const ROUTE_ID = /^[0-9a-f-]{36}$/;
const STAMP = /^\d{8}T\d{6}Z$/;

/** A route's id (the last segment of its URI), as the driver's pages and the API name it. */
export const routeIdOf = (uri: string) => uri.split("/").at(-1) ?? "";
export const withdrawPath = (routeUri: string) => `/driver/routes/${routeIdOf(routeUri)}/withdraw`;
export const cancelPath = (routeUri: string, departureUri: string) =>
  `/driver/routes/${routeIdOf(routeUri)}/departures/${departureUri.split("/").at(-1)}/cancel`;

/**
 * The driver publishes a route from a form and withdraws a route or one
 * departure after a confirmation step; all three go through the same use
 * cases as the JSON API (`transport/route-actions.ts`), so they federate alike.
 */
export function registerDriverRoutePages(app: App, web: Web): void {
  const { db, config } = web.deps.services;
  const { t } = web;
  const selfUri = () => web.deps.context().getActorUri(config.handle).href;
  const known = () => knownCommunities(db, { uri: selfUri(), name: config.name }, config.handle);

  const showForm = (
    request: FastifyRequest,
    reply: FastifyReply,
    driver: DriverRow,
    values: FormFields,
    errors: FieldErrors,
    status: number,
  ) =>
    render(
      web,
      request,
      reply,
      t.publishRoute,
      html`<h1>${t.publishRoute}</h1><p><a href="/driver">${t.backToDriver}</a></p>
${renderRouteForm({ t, csrf: stateOf(request).csrf, known: known(), selfUri: selfUri(), vehicles: vehiclesOf(driver), values, errors })}`,
      status,
    );

  app.get("/driver/routes/new", { schema: { hide: true } }, async (request, reply) => {
    const driver = requireDriverViewer(request);
    const defaults = {
      stop1: selfUri(),
      vehicle: vehiclesOf(driver).length > 0 ? "0" : "",
      timeZone: "UTC",
      from: new Date().toISOString().slice(0, 10),
    };
    return showForm(request, reply, driver, defaults, new Map(), 200);
  });

  app.post("/driver/routes/new", { schema: { hide: true } }, async (request, reply) => {
    const driver = requireDriverViewer(request);
    const form = formOf(request.body);
    const now = new Date();
    const parsed = parseRouteForm(form, { t, known: known(), vehicles: vehiclesOf(driver), now });
    if (!parsed.ok) return showForm(request, reply, driver, form, parsed.errors, 400);
    try {
      await publishRoute(web.deps, driver, parsed.input, now);
    } catch (err) {
      // The use case's own refusals (a stop that is no community, no departure soon enough) go beside their fields too.
      const problem = err instanceof HttpProblem ? err.problem : null;
      const fields = (problem?.errors ?? []).map((e) => formErrorOf(e.name, e.reason, parsed.rows, t, web.lang));
      if (!problem || fields.length === 0 || fields.some((f) => f === null)) throw err;
      return showForm(request, reply, driver, form, new Map(fields as [string, string][]), problem.status);
    }
    return done(reply, "/driver", "routePublished");
  });

  /** The driver's own route, or the error page (404 / 403). */
  const ownRoute = (request: FastifyRequest<{ Params: { id: string } }>, driver: DriverRow) => {
    const row = ROUTE_ID.test(request.params.id)
      ? findRoute(db, new URL(`/routes/${request.params.id}`, config.origin).href)
      : undefined;
    if (!row) throw HttpProblem.of("notFound", t.noSuchRoute);
    if (row.driverId !== driver.id) throw HttpProblem.of("forbidden", t.notYourRoute);
    return row;
  };
  const liveHauls = (routeUri: string, departureUri?: string) =>
    haulsOnRoute(db, routeUri).filter(
      (h) =>
        h.status !== "received" &&
        h.status !== "cancelled" &&
        (departureUri === undefined || h.departureUri === departureUri),
    );

  app.get<{ Params: { id: string } }>(
    "/driver/routes/:id/withdraw",
    { schema: { hide: true } },
    async (request, reply) => {
      const driver = requireDriverViewer(request);
      const row = ownRoute(request, driver);
      const snap = loadSnapshot(db, row);
      const upcoming = snap.departures.filter((d) => !d.cancelled && d.departsAt >= Date.now()).length;
      const body = html`<h1>${t.withdrawRouteTitle(snap.name)}</h1>
<p>${snap.stops.map((s) => s.name ?? s.uri).join(" → ")}</p>
<p>${t.withdrawRouteExplain(upcoming, liveHauls(row.uri).length)}</p>
${postForm(withdrawPath(row.uri), stateOf(request).csrf, html`<button type="submit" class="danger">${t.withdrawRouteConfirm}</button>`, { label: t.withdrawRoute })}
<p><a href="/driver">${t.keepIt}</a></p>`;
      return render(web, request, reply, t.withdrawRoute, body);
    },
  );

  app.post<{ Params: { id: string } }>(
    "/driver/routes/:id/withdraw",
    { schema: { hide: true } },
    async (request, reply) => {
      const driver = requireDriverViewer(request);
      ownRoute(request, driver);
      await withdrawDriverRoute(web.deps, driver, request.params.id);
      return done(reply, "/driver", "routeWithdrawn");
    },
  );

  type DepParams = { Params: { id: string; stamp: string } };
  const ownDeparture = (request: FastifyRequest<DepParams>, driver: DriverRow) => {
    const row = ownRoute(request, driver);
    const dep = STAMP.test(request.params.stamp)
      ? findDeparture(db, `${row.uri}/departures/${request.params.stamp}`)
      : undefined;
    if (!dep || dep.routeUri !== row.uri) throw HttpProblem.of("notFound", t.noSuchDeparture);
    return { row, dep };
  };

  app.get<DepParams>(
    "/driver/routes/:id/departures/:stamp/cancel",
    { schema: { hide: true } },
    async (request, reply) => {
      const driver = requireDriverViewer(request);
      const { row, dep } = ownDeparture(request, driver);
      const body = html`<h1>${t.cancelDepartureTitle(row.name, when(dep.departsAt))}</h1>
<p>${t.cancelDepartureExplain(liveHauls(row.uri, dep.uri).length)}</p>
${postForm(cancelPath(row.uri, dep.uri), stateOf(request).csrf, html`<button type="submit" class="danger">${t.cancelDepartureConfirm}</button>`, { label: t.cancelDeparture })}
<p><a href="/driver">${t.keepIt}</a></p>`;
      return render(web, request, reply, t.cancelDeparture, body);
    },
  );

  app.post<DepParams>(
    "/driver/routes/:id/departures/:stamp/cancel",
    { schema: { hide: true } },
    async (request, reply) => {
      const driver = requireDriverViewer(request);
      ownDeparture(request, driver);
      await withdrawDriverDeparture(web.deps, driver, request.params.id, request.params.stamp);
      return done(reply, "/driver", "departureCancelled");
    },
  );
}
