import type { HttpDeps } from "../http/types.js";
import type { App } from "../http/types.js";
import { HttpProblem } from "../lib/problem.js";
import { countFollowers, listFollowing } from "../network/follows.js";
import { html, page } from "./html.js";

/**
 * The community's public page: what a browser gets at the actor URL (Fedify
 * serves JSON-LD to ActivityPub clients at the same URL).
 */
export function registerCommunityPage(app: App, deps: HttpDeps): void {
  const { config, db } = deps.services;

  app.get("/", { schema: { hide: true } }, async (_request, reply) => reply.redirect(`/actors/${config.handle}`));

  app.get<{ Params: { identifier: string } }>(
    "/actors/:identifier",
    { schema: { hide: true } },
    async (request, reply) => {
      if (request.params.identifier !== config.handle) {
        throw HttpProblem.of("notFound", `No community ${request.params.identifier} on this node`);
      }
      const following = listFollowing(db, "accepted");
      const body = html`
<header>
  <h1>${config.name}</h1>
  <p class="muted">@${config.handle}@${new URL(config.origin).host}${config.location ? html` · ${config.location.name || `${config.location.lat}, ${config.location.lon}`}` : ""}</p>
  ${config.summary ? html`<p>${config.summary}</p>` : ""}
</header>
<section>
  <h2>In the network</h2>
  <p>${countFollowers(db, config.handle)} followers · follows ${following.length} communities</p>
  <ul>${following.map((f) => html`<li><a href="${f.actorUri}">${f.name ?? f.actorUri}</a></li>`)}</ul>
</section>`;
      return reply.type("text/html; charset=utf-8").send(page(config.name, body));
    },
  );
}
