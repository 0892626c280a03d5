import type { Language } from "../config.js";
import type { KnownCommunity } from "../transport/communities.js";
import type { Vehicle } from "../transport/drivers.js";
import type { RouteInput } from "../transport/route-actions.js";
import type { LegInfo } from "../transport/route-graph.js";
import { type DepartureSpec, instantOfLocal, isTimeZone, WEEKDAYS } from "../transport/schedule.js";
import type { FormFields } from "./forms.js";
import { html, type SafeHtml } from "./html.js";
import { csrfField } from "./layout.js";
import { localizeMessage } from "./localize.js";
import type { Strings } from "./strings.js";

/**
 * The driver's route form, without JavaScript: a fixed number of stop rows
 * (empty ones are skipped), each after the first with the leg that reaches
 * it; a vehicle or a room; a single and/or a weekly departure. Parsing keeps
 * the entered values and names every bad field in the page's language, so
 * the form can be shown again with each message beside its field.
 */
export const STOP_ROWS = 6;
const NAME_MAX = 200;

/** Form field name → message shown beside it. */
export type FieldErrors = Map<string, string>;

export type Parsed =
  | { readonly ok: true; readonly input: RouteInput; readonly rows: readonly number[] }
  | { readonly ok: false; readonly errors: FieldErrors };

export interface FormContext {
  readonly t: Strings;
  readonly known: readonly KnownCommunity[];
  readonly vehicles: readonly Vehicle[];
  readonly now: Date;
}

export function parseRouteForm(form: FormFields, c: FormContext): Parsed {
  const { t } = c;
  const errors: FieldErrors = new Map();
  const value = (name: string) => (form[name] ?? "").trim();
  const number = (name: string, optional = false): number => {
    const raw = value(name);
    if (!raw) {
      if (!optional) errors.set(name, t.errRequired);
      return 0;
    }
    const n = Number(raw);
    if (!Number.isFinite(n)) errors.set(name, t.errNumber);
    else if (n < 0) errors.set(name, t.errNegative);
    return n;
  };

  const name = value("name");
  if (!name) errors.set("name", t.errRequired);
  else if (name.length > NAME_MAX) errors.set("name", t.errTooLong(NAME_MAX));

  const known = new Set(c.known.map((k) => k.uri));
  const rows: number[] = [];
  const stops: string[] = [];
  for (let row = 1; row <= STOP_ROWS; row++) {
    const uri = value(`stop${row}`);
    if (!uri) continue;
    if (!known.has(uri)) errors.set(`stop${row}`, t.errUnknownStop);
    else if (stops.includes(uri)) errors.set(`stop${row}`, t.errDuplicateStop);
    rows.push(row);
    stops.push(uri);
  }
  if (rows.length < 2) errors.set("stops", t.errTwoStops);
  const legs: LegInfo[] = rows
    .slice(1)
    .map((row) => ({ distanceKm: number(`km${row}`), durationMinutes: number(`min${row}`) }));

  let capacityKg = 0;
  let capacityM3 = 0;
  let refrigerated = value("refrigerated") === "on";
  const vehicle = value("vehicle");
  if (vehicle) {
    const v = /^\d+$/.test(vehicle) ? c.vehicles[Number(vehicle)] : undefined;
    if (!v) errors.set("vehicle", t.errVehicle);
    else ({ capacityKg, capacityM3, refrigerated } = v);
  } else {
    capacityKg = number("capacityKg");
    capacityM3 = number("capacityM3", true);
  }

  const departures: DepartureSpec[] = [];
  const timeZone = value("timeZone") || "UTC";
  const zoneOk = isTimeZone(timeZone);
  if (!zoneOk) errors.set("timeZone", t.errTimeZone);
  const at = value("at");
  if (at && zoneOk) {
    const instant = instantOfLocal(at, timeZone);
    if (!instant) errors.set("at", t.errDateTime);
    else if (Date.parse(instant) <= c.now.getTime()) errors.set("at", t.errPast);
    else departures.push({ at: instant });
  }
  const days = WEEKDAYS.filter((d) => value(`day-${d}`) === "on");
  const time = value("time");
  if (days.length > 0 || time) {
    if (days.length === 0) errors.set("days", t.errDays);
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) errors.set("time", time ? t.errTime : t.errRequired);
    const from = value("from") || c.now.toISOString().slice(0, 10);
    const until = value("until");
    if (!/^\d{4}-\d{2}-\d{2}$/.test(from)) errors.set("from", t.errDate);
    if (until && !/^\d{4}-\d{2}-\d{2}$/.test(until)) errors.set("until", t.errDate);
    else if (until && until < from) errors.set("until", t.errUntilBeforeFrom);
    departures.push({ weekly: { days, time, timeZone, from, ...(until ? { until } : {}) } });
  }
  if (!at && departures.length === 0 && !errors.has("days") && !errors.has("time"))
    errors.set("departures", t.errNoDeparture);

  if (errors.size > 0) return { ok: false, errors };
  return { ok: true, rows, input: { name, stops, legs, capacityKg, capacityM3, refrigerated, departures } };
}

/**
 * Where a refusal of the shared route use case (named in the API's terms)
 * belongs on this form, with its reason in the page's language (the form's
 * own wording where it has one, else the message catalog's); null when it
 * names no field of the form.
 */
export function formErrorOf(
  apiField: string,
  reason: string,
  rows: readonly number[],
  t: Strings,
  lang: Language,
): [string, string] | null {
  const say = (r: string) =>
    r === "is in the past"
      ? t.errPast
      : r.startsWith("could not be fetched")
        ? t.errStopUnreachable
        : r.startsWith("is not a community")
          ? t.errNotCommunity
          : r.startsWith("appears twice")
            ? t.errDuplicateStop
            : r.startsWith("unknown time zone")
              ? t.errTimeZone
              : /^none falls within the next (\d+) days$/.test(r)
                ? t.errNoneSoon(Number(/\d+/.exec(r)?.[0]))
                : localizeMessage(r, lang);
  let m = /^stops\[(\d+)\]$/.exec(apiField);
  if (m) return [`stop${rows[Number(m[1])] ?? 1}`, say(reason)];
  m = /^legs\[(\d+)\]\.(distanceKm|durationMinutes)$/.exec(apiField);
  if (m) return [`${m[2] === "distanceKm" ? "km" : "min"}${rows[Number(m[1]) + 1] ?? 2}`, say(reason)];
  m = /^departures\[\d+\]\.(at|weekly\.(days|time|timeZone|from|until))$/.exec(apiField);
  if (m) return [m[2] ?? "at", say(reason)];
  if (["name", "stops", "departures", "capacityKg", "capacityM3"].includes(apiField)) return [apiField, say(reason)];
  return null;
}

export interface FormView {
  readonly t: Strings;
  readonly csrf: string;
  readonly known: readonly KnownCommunity[];
  readonly selfUri: string;
  readonly vehicles: readonly Vehicle[];
  readonly values: FormFields;
  readonly errors: FieldErrors;
}

const idOf = (name: string) => `route-${name}`;

/** The form, with the entered values and, beside each bad field, its message (and a summary linking to them). */
export function renderRouteForm(v: FormView): SafeHtml {
  const { t, values, errors } = v;
  const val = (name: string) => values[name] ?? "";
  const err = (name: string) => {
    const e = errors.get(name);
    return e ? html`<p class="field-error" id="${idOf(name)}-error">${e}</p>` : "";
  };
  const aria = (name: string) =>
    errors.has(name) ? html` aria-invalid="true" aria-describedby="${idOf(name)}-error"` : "";
  const labelled = (name: string, label: string, control: SafeHtml, hint?: string) =>
    html`<div><label for="${idOf(name)}">${label}${hint ? html` <span class="hint">${hint}</span>` : ""}</label>${err(name)}${control}</div>`;
  const numberInput = (name: string, required: boolean) =>
    html`<input id="${idOf(name)}" name="${name}" type="number" min="0" step="any" inputmode="decimal" value="${val(name)}"${required ? html` required` : ""}${aria(name)}>`;
  const target = (name: string) =>
    name === "stops" ? "stop1" : name === "departures" ? "at" : name === "days" ? "day-mo" : name;

  const summary =
    errors.size === 0
      ? ""
      : html`<div class="error" role="alert" tabindex="-1" id="route-errors"><p>${t.formErrors}</p><ul>${[
          ...errors,
        ].map(([name, message]) => html`<li><a href="#${idOf(target(name))}">${message}</a></li>`)}</ul></div>`;

  const stopRow = (row: number) => {
    const chosen = val(`stop${row}`);
    const select = html`<select id="${idOf(`stop${row}`)}" name="stop${row}"${aria(`stop${row}`)}><option value="">${t.noStop}</option>${v.known.map(
      (k) =>
        html`<option value="${k.uri}"${k.uri === chosen ? html` selected` : ""}>${k.uri === v.selfUri ? t.thisCommunity(k.name ?? k.uri) : (k.name ?? k.uri)}</option>`,
    )}</select>`;
    return html`<fieldset class="stop"><legend>${t.stopN(row)}</legend>
${labelled(`stop${row}`, t.community, select)}
${row > 1 ? html`${labelled(`km${row}`, t.legKm, numberInput(`km${row}`, false))}${labelled(`min${row}`, t.legMinutes, numberInput(`min${row}`, false))}` : ""}
</fieldset>`;
  };

  const vehicle = val("vehicle");
  const dayBoxes = WEEKDAYS.map(
    (d, i) =>
      html`<div class="choice"><input type="checkbox" id="${idOf(`day-${d}`)}" name="day-${d}"${val(`day-${d}`) === "on" ? html` checked` : ""}${aria("days")}><label for="${idOf(`day-${d}`)}">${t.weekdays[i]}</label></div>`,
  );

  return html`${summary}
<form method="post" action="/driver/routes/new" class="stack" aria-label="${t.publishRoute}" novalidate>${csrfField(v.csrf)}
${labelled("name", t.routeName, html`<input id="${idOf("name")}" name="name" maxlength="${NAME_MAX}" value="${val("name")}" required${aria("name")}>`, t.routeNameHint)}
<fieldset><legend>${t.stopsLegend}</legend><p class="hint">${t.stopsHint}</p>${err("stops")}
${Array.from({ length: STOP_ROWS }, (_, i) => stopRow(i + 1))}
</fieldset>
<fieldset><legend>${t.vehicleLegend}</legend>
${labelled(
  "vehicle",
  t.vehicle,
  html`<select id="${idOf("vehicle")}" name="vehicle"${aria("vehicle")}>${v.vehicles.map(
    (x, i) =>
      html`<option value="${i}"${vehicle === String(i) ? html` selected` : ""}>${t.vehicleOption(x.name, x.capacityKg, x.capacityM3)}</option>`,
  )}<option value=""${vehicle === "" ? html` selected` : ""}>${t.otherVehicle}</option></select>`,
)}
${labelled("capacityKg", t.roomKg, numberInput("capacityKg", false), t.roomHint)}
${labelled("capacityM3", t.roomM3, numberInput("capacityM3", false), t.roomHint)}
<div class="choice"><input type="checkbox" id="${idOf("refrigerated")}" name="refrigerated"${val("refrigerated") === "on" ? html` checked` : ""}><label for="${idOf("refrigerated")}">${t.refrigerated} <span class="hint">${t.roomHint}</span></label></div>
</fieldset>
<fieldset><legend>${t.departuresLegend}</legend><p class="hint">${t.departuresHint}</p>${err("departures")}
${labelled("timeZone", t.timeZone, html`<input id="${idOf("timeZone")}" name="timeZone" value="${val("timeZone") || "UTC"}" autocapitalize="none" spellcheck="false"${aria("timeZone")}>`, t.timeZoneHint)}
${labelled("at", t.oneOff, html`<input id="${idOf("at")}" name="at" type="datetime-local" value="${val("at")}"${aria("at")}>`)}
<fieldset><legend>${t.weekly}</legend>
<fieldset class="days"><legend>${t.weeklyDays}</legend>${err("days")}${dayBoxes}</fieldset>
${labelled("time", t.weeklyTime, html`<input id="${idOf("time")}" name="time" type="time" value="${val("time")}"${aria("time")}>`)}
${labelled("from", t.weeklyFrom, html`<input id="${idOf("from")}" name="from" type="date" value="${val("from")}"${aria("from")}>`)}
${labelled("until", t.weeklyUntil, html`<input id="${idOf("until")}" name="until" type="date" value="${val("until")}"${aria("until")}>`)}
</fieldset>
</fieldset>
<button type="submit">${t.publishRouteButton}</button>
</form>`;
}
