import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { Community } from "../community/service.js";
import type { App, HttpDeps } from "../http/types.js";
import { HttpProblem } from "../lib/problem.js";
import { registerCommunityPage } from "./community-page.js";
import { render, type Web } from "./context.js";
import { parseCookies, serializeCookie } from "./cookies.js";
import { Csrf } from "./csrf.js";
import { type ExchangeView, noExchanges } from "./exchange-view.js";
import { formOf, parseForm } from "./forms.js";
import { html } from "./html.js";
import { localizeMessage } from "./localize.js";
import { registerAdminPages } from "./pages-admin.js";
import { registerDriverPages } from "./pages-driver.js";
import { registerDriverDeparturePages } from "./pages-driver-departures.js";
import { registerDriverRoutePages } from "./pages-driver-routes.js";
import { registerLoginPages } from "./pages-login.js";
import { registerMapPages } from "./pages-map.js";
import { registerMemberPages } from "./pages-member.js";
import { COOKIE, WebSessions } from "./sessions.js";
import { stringsFor } from "./strings.js";
import { STYLESHEET } from "./style.js";

export interface WebOptions {
  readonly community: Community;
  /** The exchange code's view for the dashboard (issue 6); empty until wired. */
  readonly exchange?: ExchangeView;
  /**
   * More pages registered inside the web scope (form parsing, session, CSRF
   * check on every POST, HTML errors): e.g. the exchange code's answer form
   * handlers, the `answerPath` of its proposals.
   */
  readonly pages?: readonly ((app: App, web: Web) => void)[];
}

/**
 * The server-rendered pages, in their own Fastify scope: only here are form
 * bodies parsed, cookies read, and every POST checked for its CSRF token.
 * The JSON API (Bearer tokens, no cookies) is untouched by any of it.
 */
export async function registerWebPages(app: App, deps: HttpDeps, options: WebOptions): Promise<void> {
  const { config, db } = deps.services;
  const web: Web = {
    deps,
    community: options.community,
    sessions: new WebSessions(db),
    csrf: new Csrf(randomBytes(32)),
    t: stringsFor(config.language),
    lang: config.language,
    exchange: options.exchange ?? noExchanges,
    communityPath: `/actors/${config.handle}`,
    secureCookies: new URL(config.origin).protocol === "https:",
  };

  app.get("/assets/style.css", { schema: { hide: true } }, async (_request, reply) =>
    reply.type("text/css; charset=utf-8").header("cache-control", "public, max-age=3600").send(STYLESHEET),
  );

  await app.register(async (instance: FastifyInstance) => {
    const scope = instance as unknown as App;
    scope.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_request, body, done) => {
      done(null, parseForm(String(body)));
    });

    scope.addHook("onRequest", async (request, reply) => {
      let cookie = parseCookies(request.headers.cookie).get(COOKIE) ?? null;
      const viewer = web.sessions.resolve(cookie ?? undefined);
      if (!cookie) {
        // A visitor gets a cookie at once so the first form they see (login) can carry a CSRF token.
        cookie = web.sessions.visitor();
        reply.header("set-cookie", serializeCookie(COOKIE, cookie, { secure: web.secureCookies }));
      }
      request.web = { viewer, binding: cookie, csrf: web.csrf.token(cookie) };
    });

    // Every state-changing form is a POST, and every POST must carry the token of this session.
    scope.addHook("preHandler", async (request) => {
      if (request.method !== "POST") return;
      const state = request.web;
      const hadCookie = parseCookies(request.headers.cookie).has(COOKIE);
      if (!state || !hadCookie || !web.csrf.verify(state.binding, formOf(request.body)._csrf)) {
        throw HttpProblem.of("forbidden", web.t.csrfRefused);
      }
    });

    scope.setErrorHandler(async (error, request, reply) => {
      const problem = error instanceof HttpProblem ? error.problem : null;
      const status = problem?.status ?? (typeof (error as { statusCode?: unknown }).statusCode === "number" ? (error as { statusCode: number }).statusCode : 500);
      if (status === 401 && request.method === "GET") {
        return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
      }
      if (status >= 500) request.log.error({ err: error }, "web page failed");
      const detail = localizeMessage(
        problem?.detail ?? (status >= 500 ? web.t.errorInternal : (error as Error).message),
        web.lang,
      );
      // Field names stay as posted (they are the form's and the API's names); their reasons are read.
      const fields = (problem?.errors ?? []).map((f) => ({
        name: f.name,
        reason: localizeMessage(f.reason, web.lang),
      }));
      const back = backLink(request.headers.referer, config.origin);
      const body = html`<h1>${web.t.errorTitle(status)}</h1>
<div class="error" role="alert">${fields.length ? html`<ul>${fields.map((f) => html`<li><strong>${f.name}</strong>: ${f.reason}</li>`)}</ul>` : html`<p>${detail}</p>`}</div>
${back ? html`<p><a href="${back}">${web.t.goBack}</a></p>` : ""}`;
      return render(web, request, reply, web.t.errorTitle(status), body, status);
    });

    registerCommunityPage(scope, web);
    registerLoginPages(scope, web);
    registerMapPages(scope, web);
    registerAdminPages(scope, web);
    registerMemberPages(scope, web);
    registerDriverPages(scope, web);
    registerDriverRoutePages(scope, web);
    registerDriverDeparturePages(scope, web);
    for (const register of options.pages ?? []) register(scope, web);
  });
}

/** The page a form came from, only when it is on this node (never an open redirect). */
function backLink(referer: string | undefined, origin: string): string | null {
  if (!referer) return null;
  try {
    const url = new URL(referer);
    return url.origin === new URL(origin).origin ? url.pathname + url.search.replace(/([?&])done=[^&]*/g, "$1") : null;
  } catch {
    return null;
  }
}
