import { Temporal } from "@js-temporal/polyfill";

/**
 * Pure voucher-cycle arithmetic. A cycle is a whole number of calendar days
 * in the community's time zone, starting at local midnight; cycles are
 * counted from an anchor date. Spans are half-open, [start, end): at the end
 * instant exactly, the next cycle has begun and the old vouchers are void.
 * Calendar days (not 24-hour blocks) keep the boundary at midnight across
 * daylight-saving changes.
 */

export interface CycleRule {
  /** Length in days (7 = weekly). */
  readonly lengthDays: number;
  /** IANA time zone, e.g. "Europe/Berlin". */
  readonly timeZone: string;
  /** A local date on which some cycle starts (YYYY-MM-DD); a Monday for weekly cycles. */
  readonly anchor: string;
}

export interface CycleSpan {
  readonly startsAt: number;
  readonly endsAt: number;
  /** Local start date, for display. */
  readonly startDate: string;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    Temporal.Now.instant().toZonedDateTimeISO(tz);
    return true;
  } catch {
    return false;
  }
}

/** The cycle containing the instant `at` (epoch ms). */
export function cycleAt(at: number, rule: CycleRule): CycleSpan {
  const local = Temporal.Instant.fromEpochMilliseconds(at).toZonedDateTimeISO(rule.timeZone).toPlainDate();
  const anchor = Temporal.PlainDate.from(rule.anchor);
  const days = anchor.until(local, { largestUnit: "days" }).days;
  const k = Math.floor(days / rule.lengthDays);
  return spanFrom(anchor.add({ days: k * rule.lengthDays }), rule);
}

/** The cycle right after `span`. */
export function nextCycle(span: CycleSpan, rule: CycleRule): CycleSpan {
  return spanFrom(Temporal.PlainDate.from(span.startDate).add({ days: rule.lengthDays }), rule);
}

function spanFrom(start: Temporal.PlainDate, rule: CycleRule): CycleSpan {
  const end = start.add({ days: rule.lengthDays });
  return {
    startsAt: start.toZonedDateTime({ timeZone: rule.timeZone }).epochMilliseconds,
    endsAt: end.toZonedDateTime({ timeZone: rule.timeZone }).epochMilliseconds,
    startDate: start.toString(),
  };
}

/** Whether vouchers of `span` can be spent at `at`. */
export function isWithin(at: number, span: Pick<CycleSpan, "startsAt" | "endsAt">): boolean {
  return at >= span.startsAt && at < span.endsAt;
}

/** The local date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(at: number, timeZone: string): string {
  return Temporal.Instant.fromEpochMilliseconds(at).toZonedDateTimeISO(timeZone).toPlainDate().toString();
}
