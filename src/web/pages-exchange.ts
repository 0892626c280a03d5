import type { Web } from "./context.js";
import { exchangeIdOf } from "./exchange-source.js";
import type { ExchangeLegView, ExchangeProposalView, PlanningRoundView } from "./exchange-view.js";
import { html, type SafeHtml } from "./html.js";
import { field, postForm, when } from "./layout.js";
import { localizeMessage } from "./localize.js";

const STAGES = ["gathering", "solving", "sending"] as const;

/**
 * The dashboard's exchange sections, drawn from `web.exchange` (the exchange
 * code's view, issue 6). Nothing here is invented: until that code is wired
 * the lists are empty and the sections say so.
 */
export function exchangeSections(web: Web, csrf: string): SafeHtml {
  const { t } = web;
  const proposals = web.exchange.proposalsAwaitingAnswer();
  const agreements = web.exchange.agreementsInFlight();
  const round = web.exchange.planningRound();
  return html`<section aria-labelledby="exchanges"><h2 id="exchanges">${t.exchangeProposals}</h2>
${proposals.length === 0 ? html`<p class="empty">${t.noProposals}</p>` : html`<div class="cards">${proposals.map((p) => proposalCard(web, p, csrf))}</div>`}
<h3 id="agreements">${t.agreementsInFlight}</h3>
${
  agreements.length === 0
    ? html`<p class="empty">${t.noAgreements}</p>`
    : html`<table><thead><tr><th scope="col">${t.resource}</th><th scope="col">${t.quantity}</th><th scope="col">${t.from}</th><th scope="col">${t.to}</th><th scope="col">${t.status}</th><th scope="col">${t.legs}</th></tr></thead><tbody>${agreements.map(
        (a) =>
          html`<tr><td>${a.resourceName ?? a.resource}</td><td>${a.quantity} ${a.unit}${a.shortfall ? html` (${t.shortfall}: ${a.shortfall})` : ""}</td><td>${a.fromName ?? a.from}</td><td>${a.toName ?? a.to}</td><td>${
            a.waitingFor
              ? t.waitingFor(a.waitingFor)
              : (t.exchangeStatus[a.status as keyof typeof t.exchangeStatus] ?? a.status)
          }</td><td>${agreementLegs(web, a.legs ?? [])}</td></tr>`,
      )}</tbody></table>`
}
<h3 id="planning-round">${t.planningRound}</h3>
${roundSection(web, round, csrf)}
</section>`;
}

/**
 * An agreement's legs: who carries each (or that nobody does yet), how often
 * drivers were asked, and, for a leg nobody carries, why, as a labelled
 * warning (words, not only colour).
 */
function agreementLegs(web: Web, legs: readonly ExchangeLegView[]): SafeHtml {
  const { t } = web;
  if (legs.length === 0) return html`<span class="muted">${t.noLegs}</span>`;
  return html`<ol class="legs">${legs.map(
    (l) =>
      html`<li>${l.fromName ?? l.from} → ${l.toName ?? l.to} · ${l.driver ? (l.driverName ?? l.driver) : html`<em>${t.noDriverYet}</em>`} · ${t.legAttempts(l.attempts ?? 0)}${l.departsAt ? html` · ${t.departs} ${when(l.departsAt)}` : ""}${
        l.unserved
          ? html`<p class="warn" role="status"><strong>⚠ ${t.legUnserved}</strong> ${localizeMessage(l.unserved, web.lang)}</p>`
          : ""
      }</li>`,
  )}</ol>`;
}

function proposalCard(web: Web, p: ExchangeProposalView, csrf: string): SafeHtml {
  const { t } = web;
  const resource = p.resourceName ?? p.resource;
  const from = p.fromName ?? p.from;
  const to = p.toName ?? p.to;
  const label = t.proposalLabel(p.quantity, p.unit, resource, from, to);
  const xid = exchangeIdOf(p.id);
  return html`<article class="card" aria-label="${label}"><h3>${p.quantity} ${p.unit} ${resource}</h3>
<p>${t.from}: ${from}<br>${t.to}: ${to}${p.deadline ? html`<br>${t.answerBy}: ${when(p.deadline)}` : ""}</p>
<p>${t.planCheck}: <strong>${t.verifyStatus[p.verify]}</strong>${p.verifyDetail ? html` <span class="muted">(${localizeMessage(p.verifyDetail, web.lang)})</span>` : ""}</p>
${
  p.legs.length
    ? html`<p>${t.legs}:</p><ol>${p.legs.map(
        (l) =>
          html`<li>${l.fromName ?? l.from} → ${l.toName ?? l.to}${l.driver ? html` · ${l.driverName ?? l.driver}` : ""}${l.departsAt ? html` · ${t.departs} ${when(l.departsAt)}` : ""}</li>`,
      )}</ol>`
    : ""
}
${
  p.ratificationVote
    ? html`<p role="note">${t.awaitingVote} <a href="/me">${t.membersVote}</a></p>`
    : p.answerPath
      ? html`${postForm(p.answerPath, csrf, html`<input type="hidden" name="answer" value="accept"><button type="submit">${t.acceptAll}</button>`, { className: "inline", label: `${t.acceptAll}: ${label}` })}
${postForm(
  p.answerPath,
  csrf,
  html`<input type="hidden" name="answer" value="accept">${field(`accept-q-${xid}`, t.acceptQuantity, html`<input id="accept-q-${xid}" name="quantity" type="number" min="0" max="${p.quantity}" step="any" required>`)}<button type="submit" class="secondary">${t.acceptPart}</button>`,
  { className: "inline", label: `${t.acceptPart}: ${label}` },
)}
${postForm(
  p.answerPath,
  csrf,
  html`<input type="hidden" name="answer" value="reject">${field(`reject-r-${xid}`, t.rejectReason, html`<input id="reject-r-${xid}" name="reason" required maxlength="1000">`)}<button type="submit" class="danger">${t.reject}</button>`,
  { className: "inline", label: `${t.reject}: ${label}` },
)}`
      : ""
}</article>`;
}

function roundSection(web: Web, round: PlanningRoundView | null, csrf: string): SafeHtml {
  const { t } = web;
  if (round === null) return html`<p class="empty">${t.noPlanningRounds}</p>`;
  if (round.running) {
    const stage = round.stage ?? "gathering";
    const step = STAGES.indexOf(stage) + 1;
    return html`<p role="status">${t.roundRunning}: <strong>${t.roundStage[stage]}</strong> (${t.roundStep(step, STAGES.length)})${
      round.progress !== null
        ? html` <progress max="1" value="${round.progress}">${Math.round(round.progress * 100)}%</progress>`
        : ""
    }</p>`;
  }
  const last = round.failure
    ? html`<p class="error" role="alert">${t.roundFailed}: ${localizeMessage(round.failure, web.lang)}</p>`
    : round.result
      ? html`<p>${t.lastRound}: ${when(round.finishedAt)} · ${t.roundResult(round.result.proposals)} · <a href="${round.result.path}">${t.viewRound}</a></p>`
      : html`<p class="empty">${t.noRoundYet}</p>`;
  return html`${last}${round.startPath ? postForm(round.startPath, csrf, html`<button type="submit">${t.startRound}</button>`, { className: "inline" }) : ""}`;
}
