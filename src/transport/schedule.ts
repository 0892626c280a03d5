import { Temporal } from "@js-temporal/polyfill";

/**
 * Departure schedules: one-off times, or a weekly recurrence (a small subset
 * of RRULE: FREQ=WEEKLY;BYDAY=…, at a wall-clock time in a time zone).
 * Pure: expands a schedule into concrete UTC instants within a horizon.
 */
export const WEEKDAYS = ["mo", "tu", "we", "th", "fr", "sa", "su"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface OneOff {
  readonly at: string;
}

export interface Weekly {
  readonly weekly: {
    readonly days: readonly Weekday[];
    /** Wall-clock time "HH:MM" in `timeZone`. */
    readonly time: string;
    readonly timeZone: string;
    /** First calendar date (YYYY-MM-DD, in `timeZone`) the recurrence may run on. */
    readonly from: string;
    /** Last calendar date, inclusive; absent = open-ended (bounded by the horizon). */
    readonly until?: string;
  };
}

export type DepartureSpec = OneOff | Weekly;

export type ScheduleProblem = { readonly field: string; readonly reason: string };

/** Checks a spec without expanding it; `path` names the field in errors (`departures[0].weekly.time`). */
export function checkSpec(spec: DepartureSpec, path: string, now: Date): ScheduleProblem | null {
  if ("at" in spec) {
    const ms = Date.parse(spec.at);
    if (!Number.isFinite(ms) || !/Z$|[+-]\d\d:\d\d$/.test(spec.at)) {
      return { field: `${path}.at`, reason: "must be an ISO-8601 date-time with a zone, e.g. 2026-12-01T07:30:00Z" };
    }
    if (ms <= now.getTime()) return { field: `${path}.at`, reason: "is in the past" };
    return null;
  }
  const w = spec.weekly;
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(w.time)) return { field: `${path}.weekly.time`, reason: 'must be "HH:MM"' };
  if (!isTimeZone(w.timeZone)) return { field: `${path}.weekly.timeZone`, reason: `unknown time zone "${w.timeZone}"` };
  if (w.days.length === 0) return { field: `${path}.weekly.days`, reason: "needs at least one day" };
  const from = parseDate(w.from);
  if (!from) return { field: `${path}.weekly.from`, reason: "must be a date YYYY-MM-DD" };
  if (w.until !== undefined) {
    const until = parseDate(w.until);
    if (!until) return { field: `${path}.weekly.until`, reason: "must be a date YYYY-MM-DD" };
    if (Temporal.PlainDate.compare(until, from) < 0) return { field: `${path}.weekly.until`, reason: "is before from" };
    const today = Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(w.timeZone).toPlainDate();
    if (Temporal.PlainDate.compare(until, today) < 0) return { field: `${path}.weekly.until`, reason: "is in the past" };
  }
  return null;
}

/**
 * The concrete departure instants of `spec` in [start, end), ascending.
 * Weekly times are wall-clock in the zone, so a 07:30 departure stays 07:30
 * across a DST change (its UTC instant moves); a time skipped by a spring-
 * forward gap is moved later ("compatible" disambiguation, as RFC 5545 does).
 */
export function expand(spec: DepartureSpec, start: Date, end: Date): Date[] {
  if ("at" in spec) {
    const ms = Date.parse(spec.at);
    return ms >= start.getTime() && ms < end.getTime() ? [new Date(ms)] : [];
  }
  const w = spec.weekly;
  const [hour, minute] = w.time.split(":").map(Number) as [number, number];
  const from = parseDate(w.from);
  if (!from) return [];
  const until = w.until === undefined ? null : parseDate(w.until);
  const zoneStart = Temporal.Instant.fromEpochMilliseconds(start.getTime()).toZonedDateTimeISO(w.timeZone).toPlainDate();
  let day = Temporal.PlainDate.compare(zoneStart, from) > 0 ? zoneStart.subtract({ days: 1 }) : from;
  const wanted = new Set(w.days.map((d) => WEEKDAYS.indexOf(d) + 1));
  const out: Date[] = [];
  for (;;) {
    if (until && Temporal.PlainDate.compare(day, until) > 0) break;
    if (wanted.has(day.dayOfWeek)) {
      const zoned = day.toZonedDateTime({ timeZone: w.timeZone, plainTime: new Temporal.PlainTime(hour, minute) });
      const ms = zoned.epochMilliseconds;
      if (ms >= end.getTime()) break;
      if (ms >= start.getTime()) out.push(new Date(ms));
    } else if (day.toZonedDateTime({ timeZone: w.timeZone }).epochMilliseconds >= end.getTime()) {
      break;
    }
    day = day.add({ days: 1 });
  }
  return out;
}

/** All departures of several specs in [start, end), ascending and without duplicates. */
export function expandAll(specs: readonly DepartureSpec[], start: Date, end: Date): Date[] {
  const all = new Set<number>();
  for (const s of specs) for (const d of expand(s, start, end)) all.add(d.getTime());
  return [...all].sort((a, b) => a - b).map((ms) => new Date(ms));
}

function parseDate(text: string): Temporal.PlainDate | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return null;
  try {
    return Temporal.PlainDate.from(text, { overflow: "reject" });
  } catch {
    return null;
  }
}

/** Whether `timeZone` is an IANA time zone this runtime knows (e.g. Europe/Rome, UTC). */
export function isTimeZone(timeZone: string): boolean {
  try {
    Temporal.Now.zonedDateTimeISO(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * A wall-clock date-time "YYYY-MM-DDTHH:MM" (what a date-time form field
 * sends) in `timeZone`, as the ISO instant a one-off departure's `at` takes;
 * null when either is malformed. A time skipped by a DST gap moves later.
 */
export function instantOfLocal(local: string, timeZone: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(local) || !isTimeZone(timeZone)) return null;
  try {
    return Temporal.PlainDateTime.from(local, { overflow: "reject" }).toZonedDateTime(timeZone).toInstant().toString();
  } catch {
    return null;
  }
}
