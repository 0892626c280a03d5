/**
 * The small world of the one-node haul-chain tests: the test node's
 * community ("testville"), two remote communities b and c, a day two days
 * ahead to schedule departures in, and the request for 40 kg of flour from
 * testville to c that the chain tests make.
 */
export const self = "http://127.0.0.1:9/actors/testville";
export const b = "http://127.0.0.1:1/actors/b";
export const c = "http://127.0.0.1:2/actors/c";

/** A stop as a stored route holds it, named by its URI. */
export const stop = (uri: string) => ({ uri, name: uri, lat: null, lon: null, inbox: null, sharedInbox: null });

const day = new Date(Date.now() + 2 * 86_400_000);
day.setUTCHours(6, 0, 0, 0);
/** Epoch ms `hours` after 06:00 UTC two days from now. */
export const at = (hours: number) => day.getTime() + hours * 3_600_000;

/** The chain tests' haul request: 40 kg of flour from testville to c, within a day and a half around `at(0)`. */
export const flourRequest = {
  resource: "https://example.org/resources/flour",
  quantity: 40,
  unit: "kg",
  weightKg: 40,
  from: self,
  to: c,
  window: { start: new Date(at(-12)).toISOString(), end: new Date(at(24)).toISOString() },
};

/** An `inject` body with a JSON payload and these auth headers. */
export const json = (auth: Record<string, string>, body: unknown) => ({
  headers: { ...auth, "content-type": "application/json" },
  payload: JSON.stringify(body),
});
