import { Temporal } from "@js-temporal/polyfill";
import t from "tap";
import { cycleAt, isWithin, localDate, nextCycle } from "../../src/community/cycles.js";

const ms = (iso: string) => Temporal.Instant.from(iso).epochMilliseconds;

t.test("weekly cycles in UTC start on the anchor's weekday at midnight", async (t) => {
  const rule = { lengthDays: 7, timeZone: "UTC", anchor: "2024-01-01" };
  const c = cycleAt(ms("2026-11-26T15:00:00Z"), rule);
  t.equal(c.startDate, "2026-11-23", "a Monday");
  t.equal(c.startsAt, ms("2026-11-23T00:00:00Z"));
  t.equal(c.endsAt, ms("2026-11-30T00:00:00Z"));
});

t.test(
  "expiry is exactly at the boundary: the last millisecond is inside, the boundary is the next cycle",
  async (t) => {
    const rule = { lengthDays: 7, timeZone: "UTC", anchor: "2024-01-01" };
    const c = cycleAt(ms("2026-11-26T15:00:00Z"), rule);
    t.ok(isWithin(c.endsAt - 1, c));
    t.notOk(isWithin(c.endsAt, c));
    t.equal(cycleAt(c.endsAt, rule).startsAt, c.endsAt, "the boundary instant belongs to the new cycle");
    t.equal(cycleAt(c.endsAt - 1, rule).startsAt, c.startsAt);
    t.same(nextCycle(c, rule), cycleAt(c.endsAt, rule));
  },
);

t.test("time zones: the boundary is local midnight, not UTC midnight", async (t) => {
  const rule = { lengthDays: 7, timeZone: "Pacific/Auckland", anchor: "2024-01-01" };
  // Monday 00:00 in Auckland (UTC+13 in summer) is Sunday 11:00 UTC.
  const boundary = ms("2026-11-29T11:00:00Z");
  t.equal(cycleAt(boundary, rule).startDate, "2026-11-30");
  t.equal(cycleAt(boundary - 1, rule).startDate, "2026-11-23");
  t.equal(localDate(boundary, "Pacific/Auckland"), "2026-11-30");
  t.equal(localDate(boundary, "UTC"), "2026-11-29", "the same instant is still Sunday in UTC");
});

t.test("a cycle across a daylight-saving change is 7 calendar days, not 168 hours", async (t) => {
  const rule = { lengthDays: 7, timeZone: "Europe/Berlin", anchor: "2024-01-01" };
  const spring = cycleAt(ms("2026-03-25T12:00:00Z"), rule); // DST starts Sunday 29 March 2026
  t.equal(spring.startDate, "2026-03-23");
  t.equal((spring.endsAt - spring.startsAt) / 3_600_000, 167);
  t.equal(spring.endsAt, ms("2026-03-29T22:00:00Z"), "ends at Berlin midnight (UTC+2 by then)");
  const autumn = cycleAt(ms("2026-10-21T12:00:00Z"), rule); // DST ends Sunday 25 October 2026
  t.equal((autumn.endsAt - autumn.startsAt) / 3_600_000, 169);
});

t.test("instants before the anchor still fall into whole cycles", async (t) => {
  const rule = { lengthDays: 7, timeZone: "UTC", anchor: "2024-01-01" };
  const c = cycleAt(ms("2023-12-31T23:59:59Z"), rule);
  t.equal(c.startDate, "2023-12-25");
  t.equal(c.endsAt, ms("2024-01-01T00:00:00Z"));
});

t.test("other lengths: a 1-day cycle", async (t) => {
  const rule = { lengthDays: 1, timeZone: "America/New_York", anchor: "2024-01-01" };
  const c = cycleAt(ms("2026-07-04T03:59:59Z"), rule);
  t.equal(c.startDate, "2026-07-03", "still the 3rd in New York");
  t.equal(c.endsAt, ms("2026-07-04T04:00:00Z"));
});
