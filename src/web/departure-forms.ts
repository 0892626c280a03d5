import type { Language } from "../config.js";
import type { DepartureInput } from "../transport/departure-actions.js";
import { instantOfLocal, isTimeZone } from "../transport/schedule.js";
import type { RouteSnapshot } from "../transport/store.js";
import type { FormFields } from "./forms.js";
import { html, type SafeHtml } from "./html.js";
import { csrfField, when } from "./layout.js";
import { localizeMessage } from "./localize.js";
import type { FieldErrors } from "./route-form.js";
import type { Strings } from "./strings.js";

/**
 * The driver's two small departure forms, without JavaScript: add a one-off
 * departure to a route (a local date-time in a time zone, and optionally its
 * own room), and change one departure's room (showing what is booked on it).
 * Parsing keeps the entered values and names every bad field in the page's
 * language, so a refused form comes back with each message beside its field.
 */

type Departure = RouteSnapshot["departures"][number];

/** A route's id and a departure's stamp: the last segments of their URIs. */
const lastSegment = (uri: string) => uri.split("/").at(-1) ?? "";
export const addDeparturePath = (routeUri: string) => `/driver/routes/${lastSegment(routeUri)}/departures/new`;
export const roomPath = (routeUri: string, departureUri: string) =>
  `/driver/routes/${lastSegment(routeUri)}/departures/${lastSegment(departureUri)}/room`;

export type ParsedDeparture =
  | { readonly ok: true; readonly input: DepartureInput }
  | { readonly ok: false; readonly errors: FieldErrors };
export type ParsedRoom =
  | { readonly ok: true; readonly room: { capacityKg?: number; capacityM3?: number } }
  | { readonly ok: false; readonly errors: FieldErrors };

/** An optional room field: undefined when empty. */
function room(form: FormFields, name: string, t: Strings, errors: FieldErrors): number | undefined {
  const raw = (form[name] ?? "").trim();
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n)) errors.set(name, t.errNumber);
  else if (n < 0) errors.set(name, t.errNegative);
  return n;
}

export function parseAddDeparture(form: FormFields, t: Strings, now: Date): ParsedDeparture {
  const errors: FieldErrors = new Map();
  const timeZone = (form.timeZone ?? "").trim() || "UTC";
  if (!isTimeZone(timeZone)) errors.set("timeZone", t.errTimeZone);
  const local = (form.at ?? "").trim();
  let at: string | null = null;
  if (!local) errors.set("at", t.errRequired);
  else if (!errors.has("timeZone")) {
    at = instantOfLocal(local, timeZone);
    if (!at) errors.set("at", t.errDateTime);
    else if (Date.parse(at) <= now.getTime()) errors.set("at", t.errPast);
  }
  const capacityKg = room(form, "capacityKg", t, errors);
  const capacityM3 = room(form, "capacityM3", t, errors);
  if (errors.size > 0 || !at) return { ok: false, errors };
  return {
    ok: true,
    input: {
      at,
      ...(capacityKg === undefined ? {} : { capacityKg }),
      ...(capacityM3 === undefined ? {} : { capacityM3 }),
    },
  };
}

export function parseRoom(form: FormFields, t: Strings): ParsedRoom {
  const errors: FieldErrors = new Map();
  const capacityKg = room(form, "capacityKg", t, errors);
  const capacityM3 = room(form, "capacityM3", t, errors);
  if (errors.size === 0 && capacityKg === undefined && capacityM3 === undefined)
    errors.set("capacityKg", t.errRoomChange);
  if (errors.size > 0) return { ok: false, errors };
  return {
    ok: true,
    room: {
      ...(capacityKg === undefined ? {} : { capacityKg }),
      ...(capacityM3 === undefined ? {} : { capacityM3 }),
    },
  };
}

/**
 * Where a refusal of the shared departure use case (named in the API's
 * terms) belongs on these forms, in the page's language (the forms' own
 * wording where they have one, else the message catalog's); null when it
 * names no field of the form.
 */
export function departureErrorOf(field: string, reason: string, t: Strings, lang: Language): [string, string] | null {
  if (!["at", "capacityKg", "capacityM3"].includes(field)) return null;
  const horizon = /beyond the (\d+)-day planning horizon/.exec(reason);
  const say =
    reason === "is in the past"
      ? t.errPast
      : horizon
        ? t.errBeyondHorizon(Number(horizon[1]))
        : reason.startsWith("the route already has a departure")
          ? t.errDepartureExists
          : reason.startsWith("is needed")
            ? t.errRoomNeeded
            : reason === "must not be negative"
              ? t.errNegative
              : localizeMessage(reason, lang);
  return [field, say];
}

/** What is booked on the fullest leg of a departure, kg and m³: the room may not go below it. */
export function bookedOn(dep: Departure): { kg: number; m3: number } {
  const tidy = (x: number) => Math.round(x * 1000) / 1000;
  return {
    kg: tidy(Math.max(0, ...dep.legs.map((l) => l.capacityKg - l.remainingKg))),
    m3: tidy(Math.max(0, ...dep.legs.map((l) => l.capacityM3 - l.remainingM3))),
  };
}

/** The time zone a new departure is entered in by default: the route's weekly one, else UTC. */
export function routeTimeZone(route: RouteSnapshot): string {
  for (const s of route.schedule) if ("weekly" in s) return s.weekly.timeZone;
  return "UTC";
}

interface FormView {
  readonly t: Strings;
  readonly csrf: string;
  readonly values: FormFields;
  readonly errors: FieldErrors;
}

/** Labelled fields with their messages beside them, ids unique on the page by `prefix`. */
function fields(prefix: string, v: FormView) {
  const id = (name: string) => `${prefix}-${name}`;
  const val = (name: string) => v.values[name] ?? "";
  const aria = (name: string) =>
    v.errors.has(name) ? html` aria-invalid="true" aria-describedby="${id(name)}-error"` : "";
  const err = (name: string) => {
    const e = v.errors.get(name);
    return e ? html`<p class="field-error" id="${id(name)}-error">${e}</p>` : "";
  };
  const labelled = (name: string, label: string, control: SafeHtml, hint?: string) =>
    html`<div><label for="${id(name)}">${label}${hint ? html` <span class="hint">${hint}</span>` : ""}</label>${err(name)}${control}</div>`;
  const numberInput = (name: string, placeholder?: number) =>
    html`<input id="${id(name)}" name="${name}" type="number" min="0" step="any" inputmode="decimal" value="${val(name)}"${placeholder === undefined ? "" : html` placeholder="${placeholder}"`}${aria(name)}>`;
  const summary =
    v.errors.size === 0
      ? ""
      : html`<div class="error" role="alert" tabindex="-1"><p>${v.t.departureFormErrors}</p><ul>${[...v.errors].map(
          ([name, message]) => html`<li><a href="#${id(name)}">${message}</a></li>`,
        )}</ul></div>`;
  return { id, val, aria, labelled, numberInput, summary };
}

/** "Add a departure" on one of the driver's routes. */
export function renderAddDeparture(route: RouteSnapshot, v: FormView): SafeHtml {
  const { t } = v;
  const f = fields(`add-${lastSegment(route.uri)}`, v);
  const usual = route.capacity ?? null;
  return html`${f.summary}<form method="post" action="${addDeparturePath(route.uri)}" class="stack" aria-label="${t.addDeparture}: ${route.name}" novalidate>${csrfField(v.csrf)}
${f.labelled("at", t.departureAt, html`<input id="${f.id("at")}" name="at" type="datetime-local" value="${f.val("at")}" required${f.aria("at")}>`)}
${f.labelled("timeZone", t.timeZone, html`<input id="${f.id("timeZone")}" name="timeZone" value="${f.val("timeZone") || routeTimeZone(route)}" autocapitalize="none" spellcheck="false"${f.aria("timeZone")}>`, t.timeZoneHint)}
${f.labelled("capacityKg", t.roomKg, f.numberInput("capacityKg", usual?.kg), t.roomKeepHint)}
${f.labelled("capacityM3", t.roomM3, f.numberInput("capacityM3", usual?.m3), t.roomKeepHint)}
<button type="submit">${t.addDepartureButton}</button>
</form>`;
}

/** "Change room" of one upcoming departure, with what is booked on it. */
export function renderRoomForm(route: RouteSnapshot, dep: Departure, v: FormView): SafeHtml {
  const { t } = v;
  const booked = bookedOn(dep);
  const first = dep.legs[0];
  // The departure's room as it stands, unless the driver's entry is being shown again.
  const values = {
    ...v.values,
    capacityKg: v.values.capacityKg ?? String(first?.capacityKg ?? ""),
    capacityM3: v.values.capacityM3 ?? String(first?.capacityM3 ?? ""),
  };
  const f = fields(`room-${lastSegment(route.uri)}-${lastSegment(dep.uri)}`, { ...v, values });
  return html`${f.summary}<form method="post" action="${roomPath(route.uri, dep.uri)}" class="stack" aria-label="${t.changeRoom}: ${when(dep.departsAt)}" novalidate>${csrfField(v.csrf)}
<p class="hint" id="${f.id("booked")}">${t.bookedNow(booked.kg, booked.m3)}</p>
${f.labelled("capacityKg", t.roomKg, f.numberInput("capacityKg"))}
${f.labelled("capacityM3", t.roomM3, f.numberInput("capacityM3"))}
<button type="submit">${t.changeRoomButton}</button>
</form>`;
}
