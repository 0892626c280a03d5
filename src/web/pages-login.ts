import { checkPassword, findMemberByHandle, LoginLimiter } from "../community/members.js";
import type { App } from "../http/types.js";
import { HttpProblem } from "../lib/problem.js";
import { isValidAdminToken } from "../node/identity.js";
import { driverForToken } from "../transport/drivers.js";
import { render, stateOf, type Web } from "./context.js";
import { serializeCookie } from "./cookies.js";
import { formOf, text } from "./forms.js";
import { html } from "./html.js";
import { field, postForm } from "./layout.js";
import { COOKIE, type Viewer } from "./sessions.js";

/**
 * Logging in: members with handle and password (the community's own
 * accounts), drivers with the token the coordinator gave them at
 * registration, and the bootstrap admin token until coordinators exist.
 * Failed attempts are throttled per account and per address (429 page).
 */
export function registerLoginPages(app: App, web: Web): void {
  const { db } = web.deps.services;
  const { t } = web;
  const limiter = new LoginLimiter();

  app.get<{ Querystring: { next?: string } }>("/login", { schema: { hide: true } }, async (request, reply) => {
    const { csrf } = stateOf(request);
    const next = safeNext(request.query.next);
    const hidden = (as: string) => html`<input type="hidden" name="as" value="${as}">${next ? html`<input type="hidden" name="next" value="${next}">` : ""}`;
    const body = html`<h1>${t.loginTitle}</h1>
<section aria-labelledby="member-login"><h2 id="member-login">${t.loginMember}</h2>
${postForm(
  "/login",
  csrf,
  html`${hidden("member")}
${field("handle", t.handle, html`<input id="handle" name="handle" autocomplete="username" required autocapitalize="none">`)}
${field("password", t.password, html`<input id="password" name="password" type="password" autocomplete="current-password" required>`)}
<button type="submit">${t.loginButton}</button>`,
)}</section>
<section aria-labelledby="driver-login"><h2 id="driver-login">${t.loginDriver}</h2>
${postForm(
  "/login",
  csrf,
  html`${hidden("driver")}
${field("driver-token", t.driverToken, html`<input id="driver-token" name="token" type="password" autocomplete="current-password" required>`, t.driverTokenHint)}
<button type="submit">${t.loginButton}</button>`,
)}</section>
<section aria-labelledby="admin-login"><h2 id="admin-login">${t.loginAdmin}</h2>
<p class="muted">${t.loginAdminHint}</p>
${postForm(
  "/login",
  csrf,
  html`${hidden("admin")}
${field("admin-token", t.adminToken, html`<input id="admin-token" name="token" type="password" required>`)}
<button type="submit" class="secondary">${t.loginButton}</button>`,
)}</section>`;
    return render(web, request, reply, t.loginTitle, body);
  });

  app.post("/login", { schema: { hide: true } }, async (request, reply) => {
    const form = formOf(request.body);
    const as = form.as;
    const ip = `ip:${request.ip}`;
    let session: { cookie: string; maxAgeSeconds: number };
    let viewer: Viewer["kind"];
    if (as === "member") {
      const handle = text(form, "handle", { max: 64 }).toLowerCase();
      const keys = [`h:${handle}`, ip];
      if (limiter.blocked(keys)) throw HttpProblem.of("tooManyRequests", t.loginThrottled);
      const member = findMemberByHandle(db, handle);
      const ok = checkPassword(text(form, "password", { max: 200 }), member?.passwordHash ?? null);
      if (!member || !ok || member.status === "left") {
        limiter.fail(keys);
        throw HttpProblem.of("unauthorized", t.loginFailed);
      }
      limiter.succeed(keys);
      session = web.sessions.member(member.id);
      viewer = "member";
    } else if (as === "driver" || as === "admin") {
      const keys = [`${as}:${ip}`, ip];
      if (limiter.blocked(keys)) throw HttpProblem.of("tooManyRequests", t.loginThrottled);
      const token = text(form, "token", { max: 200 });
      const driver = as === "driver" ? driverForToken(db, token) : undefined;
      const admin = as === "admin" && isValidAdminToken(db, token);
      if (!driver && !admin) {
        limiter.fail(keys);
        throw HttpProblem.of("unauthorized", t.loginFailed);
      }
      limiter.succeed(keys);
      session = driver ? web.sessions.driver(driver.id) : web.sessions.admin(token);
      viewer = as;
    } else {
      throw HttpProblem.invalid("as", "must be member, driver or admin");
    }
    // A fresh cookie at login: a session id planted before it is worth nothing afterwards.
    web.sessions.end(stateOf(request).binding);
    reply.header("set-cookie", serializeCookie(COOKIE, session.cookie, { secure: web.secureCookies, maxAgeSeconds: session.maxAgeSeconds }));
    const home = viewer === "driver" ? "/driver" : viewer === "admin" ? "/admin" : "/me";
    return reply.redirect(safeNext(form.next) ?? home, 303);
  });

  app.post("/logout", { schema: { hide: true } }, async (request, reply) => {
    web.sessions.end(stateOf(request).binding);
    reply.header("set-cookie", serializeCookie(COOKIE, web.sessions.visitor(), { secure: web.secureCookies }));
    return reply.redirect(`${web.communityPath}?done=loggedOut`, 303);
  });
}

/** Only a path on this node: `/x`, never `//host` or `https://…`. */
function safeNext(next: unknown): string | null {
  return typeof next === "string" && /^\/(?![/\\])/.test(next) && next.length < 500 ? next : null;
}
