import t from "tap";
import { checkSpec, expand, expandAll, instantOfLocal, isTimeZone } from "../../src/transport/schedule.js";

const iso = (ds: Date[]) => ds.map((d) => d.toISOString());

t.test("a one-off departure is inside or outside the horizon", async (t) => {
  const spec = { at: "2026-12-01T07:30:00Z" };
  t.same(iso(expand(spec, new Date("2026-11-30T00:00:00Z"), new Date("2026-12-02T00:00:00Z"))), ["2026-12-01T07:30:00.000Z"]);
  t.same(expand(spec, new Date("2026-12-02T00:00:00Z"), new Date("2026-12-09T00:00:00Z")), []);
});

t.test("weekly on Monday and Wednesday at 07:30 Rome time", async (t) => {
  const spec = { weekly: { days: ["mo", "we"] as const, time: "07:30", timeZone: "Europe/Rome", from: "2026-11-30" } };
  const out = expand({ weekly: { ...spec.weekly, days: [...spec.weekly.days] } }, new Date("2026-11-29T00:00:00Z"), new Date("2026-12-10T00:00:00Z"));
  // Rome is UTC+1 in winter.
  t.same(iso(out), ["2026-11-30T06:30:00.000Z", "2026-12-02T06:30:00.000Z", "2026-12-07T06:30:00.000Z", "2026-12-09T06:30:00.000Z"]);
});

t.test("the wall-clock time holds across the spring DST change, so the UTC instant moves", async (t) => {
  const out = expand(
    { weekly: { days: ["su"], time: "07:30", timeZone: "Europe/Rome", from: "2027-03-01" } },
    new Date("2027-03-20T00:00:00Z"),
    new Date("2027-04-05T00:00:00Z"),
  );
  // 2027-03-28 is the last Sunday of March: CET → CEST.
  t.same(iso(out), ["2027-03-21T06:30:00.000Z", "2027-03-28T05:30:00.000Z", "2027-04-04T05:30:00.000Z"]);
});

t.test("a time in the spring-forward gap moves later; from/until bound the recurrence", async (t) => {
  const out = expand(
    { weekly: { days: ["su"], time: "02:30", timeZone: "Europe/Rome", from: "2027-03-28", until: "2027-03-28" } },
    new Date("2027-03-01T00:00:00Z"),
    new Date("2027-05-01T00:00:00Z"),
  );
  t.same(iso(out), ["2027-03-28T01:30:00.000Z"], "02:30 does not exist that night; 03:30 CEST is used");
});

t.test("different zones give different instants for the same wall-clock time", async (t) => {
  const range = [new Date("2026-12-01T00:00:00Z"), new Date("2026-12-02T00:00:00Z")] as const;
  const ny = expand({ weekly: { days: ["tu"], time: "09:00", timeZone: "America/New_York", from: "2026-12-01" } }, ...range);
  const tokyo = expand({ weekly: { days: ["tu"], time: "09:00", timeZone: "Asia/Tokyo", from: "2026-12-01" } }, ...range);
  t.same(iso(ny), ["2026-12-01T14:00:00.000Z"]);
  t.same(iso(tokyo), ["2026-12-01T00:00:00.000Z"]);
});

t.test("expandAll merges and de-duplicates", async (t) => {
  const out = expandAll(
    [{ at: "2026-12-02T06:30:00Z" }, { weekly: { days: ["we"], time: "07:30", timeZone: "Europe/Rome", from: "2026-12-01" } }],
    new Date("2026-12-01T00:00:00Z"),
    new Date("2026-12-03T00:00:00Z"),
  );
  t.same(iso(out), ["2026-12-02T06:30:00.000Z"]);
});

t.test("checkSpec names the bad field", async (t) => {
  const now = new Date("2026-11-29T12:00:00Z");
  t.same(checkSpec({ at: "2026-11-01T00:00:00Z" }, "departures[0]", now), { field: "departures[0].at", reason: "is in the past" });
  t.equal(checkSpec({ at: "2026-12-01T00:00" }, "d", now)?.field, "d.at", "a time without a zone is refused");
  const w = { days: ["mo" as const], time: "07:30", timeZone: "Europe/Rome", from: "2026-12-01" };
  t.equal(checkSpec({ weekly: w }, "d", now), null);
  t.equal(checkSpec({ weekly: { ...w, time: "25:00" } }, "d", now)?.field, "d.weekly.time");
  t.equal(checkSpec({ weekly: { ...w, timeZone: "Mars/Olympus" } }, "d", now)?.field, "d.weekly.timeZone");
  t.equal(checkSpec({ weekly: { ...w, days: [] } }, "d", now)?.field, "d.weekly.days");
  t.equal(checkSpec({ weekly: { ...w, from: "2026-02-30" } }, "d", now)?.field, "d.weekly.from");
  t.equal(checkSpec({ weekly: { ...w, until: "2026-11-01" } }, "d", now)?.field, "d.weekly.until");
});

t.test("a form's wall-clock date-time in a zone becomes the instant a one-off departure takes", async (t) => {
  t.equal(instantOfLocal("2026-07-01T07:30", "Europe/Rome"), "2026-07-01T05:30:00Z", "summer time: UTC+2");
  t.equal(instantOfLocal("2026-12-01T07:30", "Europe/Rome"), "2026-12-01T06:30:00Z", "winter time: UTC+1");
  t.equal(instantOfLocal("2026-12-01T07:30", "UTC"), "2026-12-01T07:30:00Z");
  t.equal(instantOfLocal("2026-02-30T07:30", "UTC"), null, "no such day");
  t.equal(instantOfLocal("tomorrow", "UTC"), null);
  t.equal(instantOfLocal("2026-12-01T07:30", "Mars/Olympus"), null, "no such zone");
  t.equal(isTimeZone("America/Argentina/Buenos_Aires"), true);
  t.equal(isTimeZone("Europe/Atlantis"), false);
});
