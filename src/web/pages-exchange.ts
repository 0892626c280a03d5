import type { Web } from "./context.js";
import { html, type SafeHtml } from "./html.js";
import { postForm, when } from "./layout.js";

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
${
  proposals.length === 0
    ? html`<p class="empty">${t.noProposals}</p>`
    : html`<div class="cards">${proposals.map(
        (p) => html`<article class="card"><h3>${p.quantity} ${p.unit} ${p.resource}</h3>
<p>${t.from}: ${p.from}<br>${t.to}: ${p.to}${p.deadline ? html`<br>${t.answerBy}: ${when(p.deadline)}` : ""}</p>
<p>${t.planCheck}: <strong>${t.verifyStatus[p.verify]}</strong></p>
${p.legs.length ? html`<ol>${p.legs.map((l) => html`<li>${l.from} → ${l.to}${l.driver ? html` · ${l.driver}` : ""}${l.departsAt ? html` · ${when(l.departsAt)}` : ""}</li>`)}</ol>` : ""}
${
  p.answerPath
    ? html`${postForm(p.answerPath, csrf, html`<input type="hidden" name="answer" value="accept"><button type="submit">${t.accept}</button>`, { className: "inline" })}
${postForm(p.answerPath, csrf, html`<input type="hidden" name="answer" value="reject"><button type="submit" class="secondary">${t.reject}</button>`, { className: "inline" })}`
    : ""
}</article>`,
      )}</div>`
}
<h3>${t.agreementsInFlight}</h3>
${
  agreements.length === 0
    ? html`<p class="empty">${t.noAgreements}</p>`
    : html`<table><thead><tr><th scope="col">${t.resource}</th><th scope="col">${t.quantity}</th><th scope="col">${t.from}</th><th scope="col">${t.to}</th><th scope="col">${t.status}</th></tr></thead><tbody>${agreements.map(
        (a) => html`<tr><td>${a.resource}</td><td>${a.quantity} ${a.unit}${a.shortfall ? html` (${t.shortfall}: ${a.shortfall})` : ""}</td><td>${a.from}</td><td>${a.to}</td><td>${a.status}</td></tr>`,
      )}</tbody></table>`
}
<h3>${t.planningRound}</h3>
${
  round === null
    ? html`<p class="empty">${t.noPlanningRounds}</p>`
    : round.running
      ? html`<p role="status">${t.roundRunning}${round.progress !== null ? html` <progress max="1" value="${round.progress}">${Math.round(round.progress * 100)}%</progress>` : ""}</p>`
      : html`<p>${round.finishedAt ? html`${t.lastRound}: ${when(round.finishedAt)}` : ""}</p>${round.startPath ? postForm(round.startPath, csrf, html`<button type="submit">${t.startRound}</button>`, { className: "inline" }) : ""}`
}
</section>`;
}
