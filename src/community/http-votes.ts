import { Type } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import { inTransaction } from "../db/client.js";
import type { VoteRow } from "../db/schema/community.js";
import type { App, HttpDeps } from "../http/types.js";
import { HttpProblem, validationProblem } from "../lib/problem.js";
import { hasLiveBootstrapToken } from "../node/identity.js";
import { refuse, requireCaller, requireMember } from "./auth.js";
import { submitBallot } from "./ballots.js";
import { now } from "./clock.js";
import { appendLedger } from "./ledger-store.js";
import { findMember, isCoordinator } from "./members.js";
import { validatePolicyValue } from "./policy.js";
import { loadPolicy, writePolicy } from "./policy-store.js";
import type { Community } from "./service.js";
import {
  ballotsOf,
  findVote,
  insertVote,
  listVotes,
  myBallot,
  type VoteSubject,
  voteOptions,
  voteSubject,
} from "./vote-store.js";
import { windowState } from "./votes.js";

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

const Subject = Type.Union([
  Type.Object({ kind: Type.Literal("question") }, { additionalProperties: false }),
  Type.Object(
    { kind: Type.Literal("policy"), changes: Type.Record(Type.String(), Type.Unknown()) },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal("elect"), memberId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
  Type.Object(
    { kind: Type.Literal("recall"), memberId: Type.Integer({ minimum: 1 }) },
    { additionalProperties: false },
  ),
]);

function serializeVote(
  v: VoteRow,
  at: number,
  mine: string | null | undefined,
  openBallots: { member: number; choice: string }[] | null,
) {
  return {
    id: v.id,
    question: v.question,
    options: voteOptions(v),
    subject: voteSubject(v),
    opensAt: new Date(v.opensAt).toISOString(),
    closesAt: new Date(v.closesAt).toISOString(),
    state: v.closedAt !== null ? "closed" : windowState(at, v.opensAt, v.closesAt),
    quorum: v.quorum,
    majority: v.majority,
    ballots: v.ballots,
    outcome: v.outcome,
    result: v.resultJson ? JSON.parse(v.resultJson) : null,
    ...(mine === undefined ? {} : { myChoice: mine }),
    ...(openBallots ? { openBallots } : {}),
  };
}

/** Assemblies: proposing votes, casting ballots, results; plus the policy they change. */
export function registerVoteRoutes(app: App, deps: HttpDeps, community: Community): void {
  const { db, sqlite } = deps.services;

  app.get(
    "/api/policy",
    { schema: { tags: ["community"], summary: "The community's current policy (public)", security: [] } },
    async () => loadPolicy(db),
  );

  app.put(
    "/api/policy",
    {
      schema: {
        tags: ["community"],
        summary: "Set policy directly: only with the bootstrap admin token, before the first coordinators are elected",
        body: Type.Record(Type.String(), Type.Unknown()),
      },
    },
    async (request) => {
      const caller = requireCaller(db, request);
      if (caller.kind !== "admin" || !hasLiveBootstrapToken(db)) {
        throw refuse(
          db,
          caller.kind === "member" ? caller.member.id : null,
          "set-policy",
          "forbidden",
          'Policy changes are decided by vote: POST /api/votes with subject {kind: "policy", changes}.',
        );
      }
      const changes = validChanges(request.body);
      inTransaction(sqlite, () => {
        writePolicy(db, changes);
        appendLedger(db, "policy-change", { by: "bootstrap", changes });
      });
      return loadPolicy(db);
    },
  );

  app.get(
    "/api/votes",
    { schema: { tags: ["community"], summary: "Votes, open and closed (public results)", security: [] } },
    async () => {
      await community.closeDueVotes();
      const at = now();
      return { items: listVotes(db).map((v) => serializeVote(v, at, undefined, null)) };
    },
  );

  app.get(
    "/api/votes/:id",
    {
      schema: {
        tags: ["community"],
        summary: "One vote; your own choice when logged in",
        params: IdParams,
        security: [],
      },
    },
    async (request) => {
      await community.closeDueVotes();
      const v = findVote(db, request.params.id);
      if (!v) throw HttpProblem.of("notFound", `No vote ${request.params.id}`);
      const caller = request.headers.authorization ? requireCaller(db, request) : null;
      const mine = caller?.kind === "member" ? myBallot(db, v.id, caller.member.id) : undefined;
      const open =
        v.ballots === "open" ? ballotsOf(db, v.id).map((b) => ({ member: b.memberId, choice: b.choice })) : null;
      return serializeVote(v, now(), mine, open);
    },
  );

  app.post(
    "/api/votes",
    {
      schema: {
        tags: ["community"],
        summary: "Propose a vote (any member). Quorum, majority, ballots and window default to policy.",
        body: Type.Object(
          {
            question: Type.String({ minLength: 3, maxLength: 500 }),
            options: Type.Optional(
              Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
                minItems: 2,
                maxItems: 20,
                uniqueItems: true,
              }),
            ),
            subject: Type.Optional(Subject),
            opensAt: Type.Optional(Type.String({ format: "date-time" })),
            closesAt: Type.Optional(Type.String({ format: "date-time" })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const caller = requireCaller(db, request);
      if (caller.kind === "member") requireMember(db, request);
      const policy = loadPolicy(db);
      const body = request.body;
      const subject = (body.subject ?? { kind: "question" }) as VoteSubject;
      const at = now();
      const opensAt = body.opensAt ? Date.parse(body.opensAt) : at;
      const closesAt = body.closesAt ? Date.parse(body.closesAt) : opensAt + policy.voteWindowHours * 3600 * 1000;
      if (closesAt <= opensAt) throw HttpProblem.invalid("closesAt", "must be after opensAt");
      if (closesAt <= at) throw HttpProblem.invalid("closesAt", "must be in the future");
      const decision = subject.kind !== "question";
      if (decision && body.options)
        throw HttpProblem.invalid("options", `a ${subject.kind} vote is a yes/no question; leave options out`);
      const options = decision ? ["yes", "no"] : (body.options ?? ["yes", "no"]);
      if (subject.kind === "policy") validChanges(subject.changes, "subject.changes.");
      if (subject.kind === "elect" || subject.kind === "recall") {
        const m = findMember(db, subject.memberId);
        if (m?.status !== "active") throw HttpProblem.invalid("subject.memberId", "is not an active member");
        if (subject.kind === "recall" && !isCoordinator(m))
          throw HttpProblem.invalid("subject.memberId", "is not a coordinator");
      }
      const vote = insertVote(db, {
        question: body.question,
        options,
        subject,
        opensAt,
        closesAt,
        quorum: policy.voteQuorum,
        majority: subject.kind === "policy" || subject.kind === "recall" ? policy.policyMajority : policy.voteMajority,
        ballots: policy.ballots,
        createdBy: caller.kind === "member" ? caller.member.id : null,
      });
      return reply.status(201).send(serializeVote(vote, at, undefined, null));
    },
  );

  const ballotBody = Type.Object(
    {
      choice: Type.String({ minLength: 1, maxLength: 100 }),
      memberId: Type.Optional(Type.Integer({ minimum: 1, description: "must be you, if given" })),
    },
    { additionalProperties: false },
  );

  /** POST casts the first ballot (a second POST is "voting twice"); PUT changes it while the window is open. */
  const ballot =
    (mode: "cast" | "change") =>
    async (
      request: FastifyRequest<{ Params: { id: number }; Body: { choice: string; memberId?: number } }>,
      reply: FastifyReply,
    ) => {
      const member = requireMember(db, request);
      await community.closeDueVotes();
      submitBallot(db, member, { voteId: request.params.id, choice: request.body.choice, onBehalfOf: request.body.memberId }, mode);
      const v = { id: request.params.id };
      return reply.status(mode === "cast" ? 201 : 200).send({ vote: v.id, choice: request.body.choice });
    };

  app.post(
    "/api/votes/:id/ballot",
    {
      schema: {
        tags: ["community"],
        summary: "Cast your ballot while the window is open",
        params: IdParams,
        body: ballotBody,
      },
    },
    ballot("cast"),
  );
  app.put(
    "/api/votes/:id/ballot",
    {
      schema: {
        tags: ["community"],
        summary: "Change your ballot while the window is open",
        params: IdParams,
        body: ballotBody,
      },
    },
    ballot("change"),
  );

  app.post(
    "/api/votes/close-due",
    { schema: { tags: ["community"], summary: "Close every vote whose window has ended (also runs on a timer)" } },
    async (request) => {
      // Harmless for anyone logged in: it only does what the timer would do a little later.
      requireCaller(db, request);
      return { closed: await community.closeDueVotes() };
    },
  );
}

function validChanges(changes: Record<string, unknown>, prefix = ""): Record<string, unknown> {
  const entries = Object.entries(changes);
  if (entries.length === 0)
    throw HttpProblem.invalid(prefix.replace(/\.$/, "") || "body", "must change at least one policy value");
  const errors = entries.flatMap(([k, v]) => {
    const reason = validatePolicyValue(k, v);
    return reason ? [{ name: `${prefix}${k}`, reason }] : [];
  });
  if (errors.length > 0) throw new HttpProblem(validationProblem(errors));
  return changes;
}
