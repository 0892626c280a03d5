import type { FastifyReply, FastifyRequest } from "fastify";
import type { DriverRow } from "../db/schema/transport.js";
import type { App } from "../http/types.js";
import { HttpProblem } from "../lib/problem.js";
import { addDeparture, BelowBooked, resizeDeparture } from "../transport/departure-actions.js";
import { findRoute, loadSnapshot, type RouteSnapshot } from "../transport/store.js";
import { done, render, requireDriverViewer, stateOf, type Web } from "./context.js";
import {
  departureErrorOf,
  parseAddDeparture,
  parseRoom,
  renderAddDeparture,
  renderRoomForm,
} from "./departure-forms.js";
import { type FormFields, formOf } from "./forms.js";
import { html, type SafeHtml } from "./html.js";
import { when } from "./layout.js";
import type { FieldErrors } from "./route-form.js";

const ROUTE_ID = /^[0-9a-f-]{36}$/;
const STAMP = /^\d{8}T\d{6}Z$/;

type RouteParams = { Params: { id: string } };
type DepartureParams = { Params: { id: string; stamp: string } };

/**
 * The driver adds a one-off departure to a route, or changes one departure's
 * room, through the same use cases as the JSON API
 * (`transport/departure-actions.ts`), so the communities on the route are
 * told alike. The forms sit on /driver; a refused form comes back on a page
 * of its own with each message beside its field and the values kept.
 */
export function registerDriverDeparturePages(app: App, web: Web): void {
  const { db, config } = web.deps.services;
  const { t } = web;

  /** The driver's own route, or the error page (404 / 403). */
  const ownRoute = (id: string, driver: DriverRow): RouteSnapshot => {
    const row = ROUTE_ID.test(id) ? findRoute(db, new URL(`/routes/${id}`, config.origin).href) : undefined;
    if (!row) throw HttpProblem.of("notFound", t.noSuchRoute);
    if (row.driverId !== driver.id) throw HttpProblem.of("forbidden", t.notYourRoute);
    return loadSnapshot(db, row);
  };
  const ownDeparture = (request: FastifyRequest<DepartureParams>, driver: DriverRow) => {
    const route = ownRoute(request.params.id, driver);
    const dep = STAMP.test(request.params.stamp)
      ? route.departures.find((d) => d.uri === `${route.uri}/departures/${request.params.stamp}`)
      : undefined;
    if (!dep) throw HttpProblem.of("notFound", t.noSuchDeparture);
    return { route, dep };
  };

  const show = (request: FastifyRequest, reply: FastifyReply, title: string, form: SafeHtml, status: number) =>
    render(
      web,
      request,
      reply,
      title,
      html`<h1>${title}</h1><p><a href="/driver">${t.backToDriver}</a></p>${form}`,
      status,
    );

  /** A refusal of the use case beside its field, or (naming no field of the form) on the error page. */
  const fieldErrorsOf = (err: unknown, route: RouteSnapshot): FieldErrors => {
    if (err instanceof BelowBooked) {
      const stop = (i: number) => route.stops[i]?.name ?? route.stops[i]?.uri ?? String(i + 1);
      const unit = err.field === "capacityKg" ? "kg" : "m³";
      return new Map([[err.field, t.errBelowBooked(err.booked, unit, `${stop(err.leg)} → ${stop(err.leg + 1)}`)]]);
    }
    const problem = err instanceof HttpProblem ? err.problem : null;
    const fields = (problem?.errors ?? []).map((e) => departureErrorOf(e.name, e.reason, t, web.lang));
    if (!problem || fields.length === 0 || fields.some((f) => f === null)) throw err;
    return new Map(fields as [string, string][]);
  };
  const statusOf = (err: unknown) => (err instanceof HttpProblem ? err.problem.status : 400);

  const addPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    route: RouteSnapshot,
    values: FormFields,
    errors: FieldErrors,
    status: number,
  ) =>
    show(
      request,
      reply,
      t.addDepartureTitle(route.name),
      renderAddDeparture(route, { t, csrf: stateOf(request).csrf, values, errors }),
      status,
    );

  app.get<RouteParams>("/driver/routes/:id/departures/new", { schema: { hide: true } }, async (request, reply) => {
    const route = ownRoute(request.params.id, requireDriverViewer(request));
    return addPage(request, reply, route, {}, new Map(), 200);
  });

  app.post<RouteParams>("/driver/routes/:id/departures/new", { schema: { hide: true } }, async (request, reply) => {
    const driver = requireDriverViewer(request);
    const route = ownRoute(request.params.id, driver);
    const form = formOf(request.body);
    const now = new Date();
    const parsed = parseAddDeparture(form, t, now);
    if (!parsed.ok) return addPage(request, reply, route, form, parsed.errors, 400);
    try {
      await addDeparture(web.deps, driver, request.params.id, parsed.input, now);
    } catch (err) {
      return addPage(request, reply, route, form, fieldErrorsOf(err, route), statusOf(err));
    }
    return done(reply, "/driver", "departureAdded");
  });

  const roomPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    found: { route: RouteSnapshot; dep: RouteSnapshot["departures"][number] },
    values: FormFields,
    errors: FieldErrors,
    status: number,
  ) =>
    show(
      request,
      reply,
      t.changeRoomTitle(found.route.name, when(found.dep.departsAt)),
      renderRoomForm(found.route, found.dep, { t, csrf: stateOf(request).csrf, values, errors }),
      status,
    );

  app.get<DepartureParams>(
    "/driver/routes/:id/departures/:stamp/room",
    { schema: { hide: true } },
    async (request, reply) => {
      const found = ownDeparture(request, requireDriverViewer(request));
      return roomPage(request, reply, found, {}, new Map(), 200);
    },
  );

  app.post<DepartureParams>(
    "/driver/routes/:id/departures/:stamp/room",
    { schema: { hide: true } },
    async (request, reply) => {
      const driver = requireDriverViewer(request);
      const found = ownDeparture(request, driver);
      const form = formOf(request.body);
      const parsed = parseRoom(form, t);
      if (!parsed.ok) return roomPage(request, reply, found, form, parsed.errors, 400);
      try {
        await resizeDeparture(web.deps, driver, request.params.id, request.params.stamp, parsed.room);
      } catch (err) {
        return roomPage(request, reply, found, form, fieldErrorsOf(err, found.route), statusOf(err));
      }
      return done(reply, "/driver", "departureResized");
    },
  );
}
