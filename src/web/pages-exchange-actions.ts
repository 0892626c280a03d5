import type { ExchangeFeature } from "../exchange/register.js";
import type { App } from "../http/types.js";
import { HttpProblem } from "../lib/problem.js";
import { done, render, requireCoordinatorViewer, type Web } from "./context.js";
import { formOf, num, text } from "./forms.js";
import { html } from "./html.js";
import { localizeMessage } from "./localize.js";

const ID = /^[A-Za-z0-9-]{1,64}$/;
const ROUND_DEFAULTS = { answerSeconds: 86_400, horizonDays: 14 } as const;

/**
 * The dashboard's exchange forms, registered inside the web scope (so each
 * POST is CSRF-checked and errors come back as pages): answering a proposal
 * and starting a planning round. They call the same use cases as the API.
 */
export function exchangePages(feature: ExchangeFeature): (app: App, web: Web) => void {
  return (app, web) => {
    const { t } = web;

    app.post<{ Params: { id: string } }>(
      "/admin/exchanges/:id/answer",
      { schema: { hide: true } },
      async (request, reply) => {
        const viewer = requireCoordinatorViewer(request);
        if (!ID.test(request.params.id)) throw HttpProblem.of("notFound", `No exchange ${request.params.id}`);
        const form = formOf(request.body);
        const answer = text(form, "answer");
        if (answer !== "accept" && answer !== "reject") throw HttpProblem.invalid("answer", "must be accept or reject");
        const row = feature.actions.load(request.params.id);
        const memberId = viewer.kind === "member" ? viewer.member.id : null;
        let quantity: number | undefined;
        if (answer === "accept" && text(form, "quantity", { optional: true }) !== "") {
          quantity = num(form, "quantity");
          if (!(quantity > 0)) throw HttpProblem.invalid("quantity", "must be more than 0");
        }
        const result = await feature.actions.answer(
          row,
          answer === "accept"
            ? { answer, quantity, memberId }
            : { answer, reason: text(form, "reason", { max: 1000 }), memberId },
        );
        if ("awaiting" in result) {
          const body = html`<h1>${t.ratificationTitle}</h1>
<p role="status">${t.ratificationOpened}</p>
<p>${t.ratificationReasons}:</p><ul>${result.reasons.map((r) => html`<li>${localizeMessage(r, web.lang)}</li>`)}</ul>
<p><a href="/me">${t.membersVote}</a> · <a href="/admin#exchanges">${t.backToDashboard}</a></p>`;
          return render(web, request, reply, t.ratificationTitle, body, 202);
        }
        return done(reply, "/admin#exchanges", answer === "accept" ? "exchangeAccepted" : "exchangeRejected");
      },
    );

    app.post("/admin/rounds", { schema: { hide: true } }, async (request, reply) => {
      requireCoordinatorViewer(request);
      // In the background: the dashboard shows its stage (and refreshes itself) until it ends.
      const started = feature.rounds.start(ROUND_DEFAULTS);
      if (!started.ok) throw HttpProblem.of("conflict", started.reason);
      return done(reply, "/admin#planning-round", "roundStarted");
    });
  };
}
