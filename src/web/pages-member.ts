import { inTransaction } from "../db/client.js";
import { submitBallot } from "../community/ballots.js";
import { now } from "../community/clock.js";
import { loadPolicy } from "../community/policy-store.js";
import { checkSignup, findShift, listShifts, signUp, signupsOf, withdraw } from "../community/shifts.js";
import { isEligible, listVotes, myBallot, voteOptions } from "../community/vote-store.js";
import { refuseSpend } from "../community/auth.js";
import { rollCycles, spendsOf, spendVouchers, vouchersOfMember } from "../community/vouchers.js";
import type { App } from "../http/types.js";
import { HttpProblem } from "../lib/problem.js";
import { done, render, requireMemberViewer, stateOf, type Web } from "./context.js";
import { formOf, int, text } from "./forms.js";
import { html } from "./html.js";
import { postForm, when } from "./layout.js";

/** A member's pages: votes open now and past results, the shift rota, vouchers this cycle. */
export function registerMemberPages(app: App, web: Web): void {
  const { db, sqlite } = web.deps.services;
  const { t } = web;

  app.get("/me", { schema: { hide: true } }, async (request, reply) => {
    const member = requireMemberViewer(request);
    const { csrf } = stateOf(request);
    await web.community.closeDueVotes();
    const at = now();
    const votes = listVotes(db);
    const open = votes.filter((v) => v.closedAt === null && v.opensAt <= at && at < v.closesAt);
    const past = votes.filter((v) => v.closedAt !== null).sort((a, b) => (b.closedAt ?? 0) - (a.closedAt ?? 0)).slice(0, 20);
    const cycle = inTransaction(sqlite, () => rollCycles(db, loadPolicy(db)));
    const voucher = vouchersOfMember(db, member.id).find((v) => v.cycleId === cycle.id && v.voidedAt === null);
    const shifts = listShifts(db);
    const spends = voucher ? spendsOf(db, voucher.id) : [];

    const body = html`<h1>${t.memberTitle(member.displayName)}</h1>
<section aria-labelledby="open-votes"><h2 id="open-votes">${t.votesOpen}</h2>
${
  open.length === 0
    ? html`<p class="empty">${t.noOpenVotes}</p>`
    : html`<div class="cards">${open.map((v) => {
        const mine = myBallot(db, v.id, member.id);
        const eligible = isEligible(member, v);
        return html`<article class="card"><h3 id="vote-${v.id}">${v.question}</h3>
<p class="muted">${t.closes} ${when(v.closesAt)} · ${v.ballots === "secret" ? t.secretBallot : t.openBallot}</p>
${mine !== null ? html`<p>${t.yourBallot}: <strong>${mine}</strong></p>` : ""}
${
  eligible
    ? postForm(
        `/me/votes/${v.id}`,
        csrf,
        html`<fieldset><legend>${t.yourChoice}</legend>${voteOptions(v).map(
          (o, i) => html`<div class="choice"><input type="radio" id="v${v.id}-o${i}" name="choice" value="${o}"${mine === o ? html` checked` : ""} required><label for="v${v.id}-o${i}">${o}</label></div>`,
        )}</fieldset><button type="submit">${mine === null ? t.castBallot : t.changeBallot}</button>`,
        { label: v.question },
      )
    : html`<p class="muted">${t.notEligible}</p>`
}</article>`;
      })}</div>`
}
</section>
<section aria-labelledby="past-votes"><h2 id="past-votes">${t.pastResults}</h2>
${
  past.length === 0
    ? html`<p class="empty">${t.none}</p>`
    : html`<table><thead><tr><th scope="col">${t.question}</th><th scope="col">${t.outcome}</th><th scope="col">${t.counts}</th><th scope="col">${t.closedAt}</th></tr></thead><tbody>${past.map((v) => {
        const result = v.resultJson ? (JSON.parse(v.resultJson) as { counts?: Record<string, number> }) : null;
        const counts = Object.entries(result?.counts ?? {}).map(([k, n]) => `${k}: ${n}`).join(", ");
        return html`<tr><td>${v.question}</td><td>${t.outcomes[v.outcome as keyof typeof t.outcomes] ?? v.outcome}</td><td>${counts}</td><td>${when(v.closedAt)}</td></tr>`;
      })}</tbody></table>`
}
</section>
<section aria-labelledby="rota"><h2 id="rota">${t.rota}</h2>
${
  shifts.length === 0
    ? html`<p class="empty">${t.none}</p>`
    : html`<table><thead><tr><th scope="col">${t.shift}</th><th scope="col">${t.when}</th><th scope="col">${t.people}</th><th scope="col">${t.actions}</th></tr></thead><tbody>${shifts.map((s) => {
        const mine = s.members.includes(member.id);
        return html`<tr><td>${s.title} <span class="muted">(${t.shiftKinds[s.kind as keyof typeof t.shiftKinds] ?? s.kind})</span></td><td>${t.weekdays[s.weekday - 1]} ${s.startTime}, ${Math.round(s.minutes / 6) / 10} h</td><td>${s.members.length} / ${s.size}</td><td>${
          mine
            ? postForm(`/me/shifts/${s.id}/withdraw`, csrf, html`<button type="submit" class="secondary">${t.leaveShift}</button>`, { className: "inline", label: `${t.leaveShift}: ${s.title}` })
            : s.members.length < s.size
              ? postForm(`/me/shifts/${s.id}/signup`, csrf, html`<button type="submit">${t.signUp}</button>`, { className: "inline", label: `${t.signUp}: ${s.title}` })
              : t.shiftFull
        }</td></tr>`;
      })}</tbody></table>`
}
</section>
<section aria-labelledby="vouchers"><h2 id="vouchers">${t.vouchersTitle}</h2>
<p>${t.cycle}: ${when(cycle.startsAt)} – ${when(cycle.endsAt)}</p>
${voucher ? html`<p>${t.voucherBalance(voucher.amount, voucher.spent, voucher.amount - voucher.spent)}</p>` : html`<p class="empty">${t.noVoucher}</p>`}
<p class="muted">${t.vouchersSpendOn}</p>
${
  voucher && voucher.amount > voucher.spent
    ? postForm(
        "/me/vouchers/spend",
        csrf,
        html`<div class="field"><label for="spend-amount">${t.spendAmount}</label><input id="spend-amount" name="amount" type="number" inputmode="numeric" min="1" max="${voucher.amount - voucher.spent}" step="1" required></div>
<div class="field"><label for="spend-purpose">${t.spendPurpose}</label><input id="spend-purpose" name="purpose" maxlength="200" required></div>
<button type="submit">${t.spendButton}</button>`,
        { label: t.spendTitle },
      )
    : ""
}
${
  spends.length === 0
    ? ""
    : html`<h3>${t.spentThisCycle}</h3><ul>${spends.map((s) => html`<li>${s.amount} · ${s.purpose} <span class="muted">(${when(s.at)})</span></li>`)}</ul>`
}
</section>`;
    return render(web, request, reply, t.navMember, body);
  });

  app.post<{ Params: { id: string } }>("/me/votes/:id", { schema: { hide: true } }, async (request, reply) => {
    const member = requireMemberViewer(request);
    await web.community.closeDueVotes();
    submitBallot(db, member, { voteId: idOf(request.params.id), choice: text(formOf(request.body), "choice", { max: 100 }) }, "either");
    return done(reply, "/me#open-votes", "ballotRecorded");
  });

  app.post<{ Params: { id: string } }>("/me/shifts/:id/signup", { schema: { hide: true } }, async (request, reply) => {
    const member = requireMemberViewer(request);
    const id = idOf(request.params.id);
    const check = inTransaction(sqlite, () => {
      const c = checkSignup(findShift(db, id), signupsOf(db, id), member.id);
      if (c.ok) signUp(db, id, member.id);
      return c;
    });
    if (!check.ok) throw HttpProblem.of("conflict", check.reason);
    return done(reply, "/me#rota", "signedUp");
  });

  app.post("/me/vouchers/spend", { schema: { hide: true } }, async (request, reply) => {
    const member = requireMemberViewer(request);
    const form = formOf(request.body);
    const amount = int(form, "amount");
    if (amount < 1) throw HttpProblem.invalid("amount", t.spendAtLeastOne);
    const purpose = text(form, "purpose", { max: 200 });
    const cycle = inTransaction(sqlite, () => rollCycles(db, loadPolicy(db)));
    const outcome = spendVouchers(db, sqlite, member.id, { amount, purpose, cycleId: cycle.id });
    if (!outcome.ok) throw refuseSpend(db, member.id, outcome.refused);
    return done(reply, "/me#vouchers", "vouchersSpent");
  });

  app.post<{ Params: { id: string } }>("/me/shifts/:id/withdraw", { schema: { hide: true } }, async (request, reply) => {
    const member = requireMemberViewer(request);
    if (!withdraw(db, idOf(request.params.id), member.id)) throw HttpProblem.of("conflict", t.notSignedUp);
    return done(reply, "/me#rota", "leftShift");
  });
}

function idOf(raw: string): number {
  const id = Number(raw);
  if (!Number.isInteger(id) || id < 1) throw HttpProblem.of("notFound", `No such item: ${raw}`);
  return id;
}
