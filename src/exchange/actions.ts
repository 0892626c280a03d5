/**
 * Answering exchange proposals: the one use case the JSON API
 * (`/api/exchanges/:id/accept|reject`), the dashboard's answer forms and the
 * close of a ratification vote all go through, so each applies the same
 * rules (who, how much, until when, the digest, the policy's vote, the
 * supplier's reservation in the Accept's transaction).
 */

import { loadPolicy } from "../community/policy-store.js";
import { type Commitment, checkAnswer, needsRatification } from "../community/ratification.js";
import type { Community } from "../community/service.js";
import { listVotes, type VoteSubject } from "../community/vote-store.js";
import type { Db } from "../db/client.js";
import type { ExchangeRow } from "../db/schema/exchange.js";
import type { HttpDeps } from "../http/types.js";
import { HttpProblem } from "../lib/problem.js";
import { findItem } from "../supply/store.js";
import { checkAnswerRequest, partyOf } from "./negotiation.js";
import { fetchRound } from "./plan-checks.js";
import { emitExchangeEvent, newEventId, selfUri } from "./publish.js";
import { reconcile } from "./reconcile.js";
import { problemDigest } from "./round.js";
import { eventsOf, findReservation, listExchanges, reserve, reservedOn, viewOf } from "./store.js";

/** Ratification votes about exchange answers carry this ref kind. */
export const RATIFICATION_KIND = "exchange-answer";

export type AnswerKind = "accept" | "reject";

export interface AnswerInput {
  readonly answer: AnswerKind;
  /** For an accept: how much (≤ the proposal's); absent means all of it. */
  readonly quantity?: number;
  /** For a reject. */
  readonly reason?: string;
  /** The member who answered, recorded on a ratification vote it opens (null: the admin token). */
  readonly memberId?: number | null;
}

/** An accept the community's policy hands to the assembly: the vote decides, its close answers. */
export interface AwaitingRatification {
  readonly awaiting: "ratification";
  readonly vote: number | null;
  readonly reasons: readonly string[];
  readonly exchange: string;
}

export type ExchangeJson = ReturnType<ExchangeActions["serialize"]>;

export class ExchangeActions {
  readonly #deps: HttpDeps;
  readonly #community: Community;

  constructor(deps: HttpDeps, community: Community) {
    this.#deps = deps;
    this.#community = community;
  }

  get #db(): Db {
    return this.#deps.services.db;
  }

  /** An exchange by the last segment of its URI (what the API and the pages put in their paths). */
  load(id: string): ExchangeRow {
    const row = listExchanges(this.#db).find((x) => x.uri.endsWith(`/exchanges/${id}`));
    if (!row) throw HttpProblem.of("notFound", `No exchange ${id}`);
    return row;
  }

  /**
   * Answers a proposal for our community. An accept the policy hands to the
   * assembly opens its vote instead (once: while that vote is open, a
   * repeated accept returns the same vote); `ratified` is set only by the
   * vote's close.
   */
  async answer(row: ExchangeRow, input: AnswerInput, ratified = false): Promise<ExchangeJson | AwaitingRatification> {
    const ctx = this.#deps.context();
    const db = this.#db;
    const { answer: kind, quantity, reason } = input;
    const me = selfUri(ctx);
    const now = new Date();
    const view = viewOf(db, row.uri, now);
    const refusal = checkAnswerRequest(
      view,
      { self: me, supplier: row.supplier, receiver: row.receiver, answer: kind, quantity },
      now,
    );
    if (refusal)
      throw refusal.status === "invalid"
        ? HttpProblem.invalid(refusal.field ?? "body", refusal.detail)
        : HttpProblem.of(refusal.status, refusal.detail);
    const facts = view.proposal!;
    const party = partyOf(me, row.supplier, row.receiver)!;
    const q = quantity ?? facts.quantity;
    if (kind === "accept") {
      const digestProblem = await digestCheck(row.roundUri, facts.digest);
      if (digestProblem)
        throw HttpProblem.of("unprocessable", digestProblem, { errors: [{ name: "digest", reason: digestProblem }] });
      const commitment: Commitment = {
        resource: facts.resource,
        quantity: q,
        unit: row.unit,
        direction: party === "supplier" ? "outgoing" : "incoming",
        counterpart: party === "supplier" ? row.receiver : row.supplier,
      };
      const need = needsRatification(loadPolicy(db), commitment);
      if (need.needed && !ratified) {
        // The community's policy says the assembly decides. One vote per exchange: a second accept
        // (a double click, the API and the page) finds the open one. No await between the lookup
        // and the insert, so two requests cannot both miss it.
        const open = openRatificationVote(db, row.uri);
        if (open !== null) return { awaiting: "ratification", vote: open, reasons: need.reasons, exchange: row.uri };
        const ref = { kind: RATIFICATION_KIND, id: JSON.stringify({ exchange: row.uri, quantity: q }) };
        const { vote } = this.#community.requestRatification(commitment, ref, input.memberId ?? null);
        return { awaiting: "ratification", vote: vote?.id ?? null, reasons: need.reasons, exchange: row.uri };
      }
      const allowed = checkAnswer({
        isCoordinator: true,
        need,
        vote: ratified ? { closed: true, outcome: "ratified" } : null,
        answer: kind,
      });
      if (!allowed.ok) throw HttpProblem.of("conflict", allowed.reason);
    }
    let free = Infinity;
    const recorded = await emitExchangeEvent(
      ctx,
      row,
      {
        id: newEventId(ctx),
        at: now.toISOString(),
        kind: "answered",
        party,
        answer: kind,
        ...(kind === "accept" ? { quantity: q } : { reason }),
      },
      (d) => {
        if (kind !== "accept" || party !== "supplier") return true;
        // The check and the reservation in the same transaction as the Accept: no surplus promised twice.
        const offer = this.#ownItem(row.offerUri);
        if (offer?.status !== "active") {
          free = 0;
          return false;
        }
        free = offer.quantity - reservedOn(d, row.offerUri);
        return reserve(d, row.uri, row.offerUri, q, offer.quantity);
      },
    );
    if (!recorded) {
      throw HttpProblem.of(
        "conflict",
        `Only ${Math.max(0, Math.round(free * 1e6) / 1e6)} of this offer is still free (the rest is promised in other exchanges); accept a smaller quantity or reject.`,
        {
          errors: [{ name: "quantity", reason: "more than is still free in the offer" }],
        },
      );
    }
    await reconcile(ctx, row.uri);
    return this.serialize(row, true);
  }

  /** A ratification vote's close answers the proposal: accept if ratified, else reject with the outcome. */
  registerRatificationHook(): void {
    this.#community.hooks.register(RATIFICATION_KIND, async (result) => {
      const { exchange, quantity } = JSON.parse(result.ref.id) as { exchange: string; quantity: number };
      const row = listExchanges(this.#db).find((x) => x.uri === exchange);
      if (!row) return;
      try {
        if (result.outcome === "ratified") await this.answer(row, { answer: "accept", quantity }, true);
        else
          await this.answer(
            row,
            { answer: "reject", reason: `the assembly did not ratify this commitment (${result.outcome})` },
            true,
          );
      } catch (err) {
        this.#deps.services.log.warn({ err, exchange }, "could not answer after the ratification vote");
      }
    });
  }

  /** An exchange as the API shows it: our roles, the derived state, the reservation, optionally the events. */
  serialize(row: ExchangeRow, history: boolean) {
    const db = this.#db;
    const me = selfUri(this.#deps.context());
    const view = viewOf(db, row.uri, new Date());
    const roles = [
      row.proposer === me && "proposer",
      row.supplier === me && "supplier",
      row.receiver === me && "receiver",
    ].filter(Boolean);
    return {
      id: row.uri.split("/").pop(),
      uri: row.uri,
      round: row.roundUri,
      roles: roles.length > 0 ? roles : ["carrier"],
      proposer: row.proposer,
      supplier: row.supplier,
      receiver: row.receiver,
      offer: row.offerUri,
      need: row.needUri,
      unit: row.unit,
      reservation: findReservation(db, row.uri) ?? null,
      ...view,
      ...(history ? { history: eventsOf(db, row.uri) } : {}),
    };
  }

  #ownItem(uri: string) {
    const prefix = new URL("/supply/", this.#deps.services.config.origin).href;
    return uri.startsWith(prefix) ? findItem(this.#db, uri.slice(prefix.length), "offer") : undefined;
  }
}

/** The open ratification vote about answering this exchange, if any (its id). */
export function openRatificationVote(db: Db, exchangeUri: string): number | null {
  for (const v of listVotes(db)) {
    if (v.closedAt !== null) continue;
    const subject = JSON.parse(v.subjectJson) as VoteSubject;
    if (subject.kind !== "commitment" || subject.ref.kind !== RATIFICATION_KIND) continue;
    try {
      if ((JSON.parse(subject.ref.id) as { exchange?: unknown }).exchange === exchangeUri) return v.id;
    } catch {
      // Not one of ours: a ref id we did not write.
    }
  }
  return null;
}

/** The digest the proposal carries must be the digest of its round's inputs, when we can fetch the round. */
async function digestCheck(roundUrl: string, digest: string): Promise<string | null> {
  const round = await fetchRound(roundUrl);
  if (!round) return null;
  const actual = problemDigest(round.problem);
  return actual === digest && round.digest === digest
    ? null
    : `the proposal's digest ${digest} does not match its round's inputs (${actual})`;
}
