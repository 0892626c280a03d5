import { Type } from "@fastify/type-provider-typebox";
import { requireAdmin } from "../http/auth.js";
import type { App, HttpDeps } from "../http/types.js";
import { HttpProblem } from "../lib/problem.js";
import { findFollowingById } from "../network/follows.js";
import { html, page } from "../web/html.js";
import { describeEntry, ledgerPageUrl, toLedgerCollection, toLedgerPage } from "./ledger-ld.js";
import { checkPeerLedger, headsSeen, listAlerts } from "./ledger-peers.js";
import { LEDGER_PAGE, ledgerHead, ledgerLength, listLedger, verifyLedger } from "./ledger-store.js";

const AP_TYPES = ["application/activity+json", "application/ld+json"];

/** The public ledger (HTML and JSON-LD at /ledger), its verification, and checks of followed communities' ledgers. */
export function registerLedgerRoutes(app: App, deps: HttpDeps): void {
  const { db, config } = deps.services;
  const actor = `${config.origin}/actors/${config.handle}`;

  app.get(
    "/ledger",
    {
      schema: {
        tags: ["ledger"],
        summary:
          "The public ledger: HTML, or a JSON-LD OrderedCollection for ActivityPub/JSON clients; `?after=<seq>` is the page of the entries after that one",
        security: [],
        querystring: Type.Object(
          { after: Type.Optional(Type.Integer({ minimum: 0, description: "the page of entries after this seq" })) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { after } = request.query;
      const total = ledgerLength(db);
      const accept = request.headers.accept ?? "";
      const wantsLd =
        AP_TYPES.some((t) => accept.includes(t)) ||
        (accept.includes("application/json") && !accept.includes("text/html"));
      if (wantsLd) {
        if (after === undefined) {
          const all = total <= LEDGER_PAGE ? listLedger(db, 0, LEDGER_PAGE) : null;
          return reply.type("application/activity+json").send(toLedgerCollection(config.origin, actor, ledgerHead(db), total, all));
        }
        const page = listLedger(db, after, LEDGER_PAGE);
        const more = (page.at(-1)?.seq ?? total) < total;
        return reply.type("application/activity+json").send(toLedgerPage(config.origin, after, page, more));
      }
      // A browser sees the newest page first, and pages back and forth by seq.
      const from = after ?? Math.max(0, total - LEDGER_PAGE);
      const entries = listLedger(db, from, LEDGER_PAGE);
      const verdict = verifyLedger(db);
      const earlier = from > 0 ? ledgerPageUrl("", Math.max(0, from - LEDGER_PAGE)) : null;
      const later = (entries.at(-1)?.seq ?? total) < total ? ledgerPageUrl("", entries.at(-1)!.seq) : null;
      const body = html`
<h1>${config.name}: public ledger</h1>
<p class="muted">Every decision, flow of goods and voucher total, hash-chained. Head <code>${ledgerHead(db)}</code> ·
${verdict.ok ? "chain verified" : html`<strong>chain broken at entry ${verdict.seq}: ${verdict.reason}</strong>`}</p>
<p>Entries ${entries[0]?.seq ?? 0}–${entries.at(-1)?.seq ?? 0} of ${total}.${earlier ? html` <a href="${earlier}" rel="prev">Earlier entries</a>` : ""}${later ? html` <a href="${later}" rel="next">Later entries</a>` : ""}</p>
<table><thead><tr><th>#</th><th>When</th><th>What</th><th>Hash</th></tr></thead><tbody>
${entries.map((e) => html`<tr><td>${e.seq}</td><td>${new Date(e.at).toISOString()}</td><td>${describeEntry(e)}</td><td><code>${e.hash.slice(0, 12)}…</code></td></tr>`)}
</tbody></table>`;
      return reply.type("text/html; charset=utf-8").send(page(`${config.name}: ledger`, body));
    },
  );

  app.get(
    "/api/ledger/verify",
    { schema: { tags: ["ledger"], summary: "Recompute the hash chain; reports the first broken entry", security: [] } },
    async () => {
      const r = verifyLedger(db);
      return r.ok ? { ok: true, length: r.length, head: r.head } : { ok: false, brokenAt: r.seq, reason: r.reason };
    },
  );

  app.post(
    "/api/following/:id/check-ledger",
    {
      preHandler: requireAdmin(db),
      schema: {
        tags: ["ledger"],
        summary: "Fetch a followed community's ledger and compare with the heads seen before",
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
      },
    },
    async (request) => {
      const row = findFollowingById(db, request.params.id);
      if (!row) throw HttpProblem.of("notFound", `No followed community with id ${request.params.id}`);
      const result = await checkPeerLedger(db, row.actorUri).catch((err: unknown) => {
        throw HttpProblem.of(
          "badGateway",
          `Could not fetch the ledger: ${err instanceof Error ? err.message : String(err)}`,
        );
      });
      return {
        ...result,
        actor: row.actorUri,
        seen: headsSeen(db, row.actorUri).map((h) => ({ seq: h.seq, hash: h.hash })),
      };
    },
  );

  app.get(
    "/api/network/ledger-alerts",
    {
      preHandler: requireAdmin(db),
      schema: { tags: ["ledger"], summary: "Followed communities whose ledger history changed" },
    },
    async () => ({
      items: listAlerts(db).map((a) => ({
        id: a.id,
        actor: a.actorUri,
        seq: a.seq,
        reason: a.reason,
        at: new Date(a.at).toISOString(),
      })),
    }),
  );
}
