import t from "tap";
import type { Web } from "../../src/web/context.js";
import type { ExchangeView } from "../../src/web/exchange-view.js";
import { noExchanges } from "../../src/web/exchange-view.js";
import { exchangeSections } from "../../src/web/pages-exchange.js";
import { en } from "../../src/web/strings.js";

const webWith = (exchange: ExchangeView) => ({ t: en, exchange }) as unknown as Web;

t.test("without the exchange code the sections say there is nothing yet", async (t) => {
  const out = exchangeSections(webWith(noExchanges), "tok").value;
  t.match(out, /No exchange proposals yet\./);
  t.match(out, /No agreements in flight\./);
  t.match(out, /Planning rounds are not available on this node yet\./);
  t.notMatch(out, /<form/, "and offers no buttons");
});

t.test("proposals, agreements and a running round are shown from the view, escaped, with CSRF on the answer forms", async (t) => {
  const view: ExchangeView = {
    proposalsAwaitingAnswer: () => [
      {
        id: "p1",
        answerPath: "/admin/exchanges/p1/answer",
        resource: "<script>x</script>",
        quantity: 60,
        unit: "kg",
        from: "https://a.example/actors/a",
        to: "https://b.example/actors/b",
        legs: [{ from: "A", to: "B", driver: "Dana", departsAt: Date.parse("2026-12-01T07:30:00Z") }],
        verify: "mismatch",
        deadline: null,
      },
    ],
    agreementsInFlight: () => [
      { id: "g1", resource: "grain", quantity: 10, unit: "kg", from: "A", to: "B", status: "in_transit", shortfall: 2 },
    ],
    planningRound: () => ({ running: true, stage: "solving", progress: 0.4, startedAt: Date.now(), finishedAt: null, startPath: null }),
  };
  const out = exchangeSections(webWith(view), "tok").value;
  t.notMatch(out, /<script>x/);
  t.match(out, /60 kg &lt;script&gt;x&lt;\/script&gt;/);
  t.match(out, /does NOT match our own computation/, "the plan check is shown");
  t.match(out, /A → B · Dana · departs 2026-12-01 07:30 UTC/, "legs with their drivers and departure times");
  t.equal((out.match(/action="\/admin\/exchanges\/p1\/answer"/g) ?? []).length, 3, "accept, accept a smaller quantity, reject");
  t.equal((out.match(/name="_csrf" value="tok"/g) ?? []).length, 3, "each with the CSRF token");
  t.match(out, /<label for="accept-q-p1">Quantity to accept<\/label><input id="accept-q-p1" name="quantity" type="number" min="0" max="60"/, "the smaller quantity has a labelled input, at most the proposal's");
  t.match(out, /<label for="reject-r-p1">Reason for rejecting<\/label><input id="reject-r-p1" name="reason" required/, "a reject needs a reason");
  t.match(out, /in transit/);
  t.match(out, /A planning round is running: <strong>solving<\/strong> \(step 2 of 3\)/, "the round's stage");
  t.match(out, /short: 2/);
  t.match(out, /<progress max="1" value="0.4">40%<\/progress>/, "the round's progress");
});
