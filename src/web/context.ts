import type { FastifyReply, FastifyRequest } from "fastify";
import type { Community } from "../community/service.js";
import type { Language } from "../config.js";
import type { HttpDeps } from "../http/types.js";
import { HttpProblem } from "../lib/problem.js";
import type { Csrf } from "./csrf.js";
import type { ExchangeView } from "./exchange-view.js";
import type { SafeHtml } from "./html.js";
import { layout } from "./layout.js";
import type { Viewer, WebSessions } from "./sessions.js";
import type { Strings } from "./strings.js";

/** What every page handler needs; built once in `registerWebPages`. */
export interface Web {
  readonly deps: HttpDeps;
  readonly community: Community;
  readonly sessions: WebSessions;
  readonly csrf: Csrf;
  readonly t: Strings;
  /** The pages' language (`<html lang>`), the code of `t` and of the message catalog. */
  readonly lang: Language;
  readonly exchange: ExchangeView;
  readonly communityPath: string;
  readonly secureCookies: boolean;
}

export interface WebRequestState {
  readonly viewer: Viewer;
  /** The session cookie's value this request carried (or was just given): what CSRF tokens are bound to. */
  readonly binding: string;
  readonly csrf: string;
}

declare module "fastify" {
  interface FastifyRequest {
    web?: WebRequestState;
  }
}

export function stateOf(request: FastifyRequest): WebRequestState {
  if (!request.web) throw new Error("web state missing: route registered outside the web scope");
  return request.web;
}

/** Sends a full page (the layout around `body`), with the flash message named by `?done=`. */
export function render(
  web: Web,
  request: FastifyRequest,
  reply: FastifyReply,
  title: string,
  body: SafeHtml,
  status = 200,
  options: { refreshSeconds?: number; refreshUrl?: string } = {},
): FastifyReply {
  const state = stateOf(request);
  const done = (request.query as Record<string, unknown> | undefined)?.done;
  return reply
    .status(status)
    .type("text/html; charset=utf-8")
    .header("cache-control", "no-store")
    .send(
      layout({
        title: `${title} · ${web.deps.services.config.name}`,
        body,
        viewer: state.viewer,
        csrf: state.csrf,
        strings: web.t,
        lang: web.lang,
        communityPath: web.communityPath,
        flash: typeof done === "string" ? done : null,
        refreshSeconds: options.refreshSeconds,
        refreshUrl: options.refreshUrl,
      }),
    );
}

/** After a successful POST: back to a page (303, so a reload does not post again) with a message key. */
export function done(reply: FastifyReply, path: string, message: string): FastifyReply {
  const [base = "", hash] = path.split("#");
  const query = `${base.includes("?") ? "&" : "?"}done=${encodeURIComponent(message)}`;
  return reply.redirect(`${base}${query}${hash ? `#${hash}` : ""}`, 303);
}

export function requireCoordinatorViewer(request: FastifyRequest): Viewer {
  const v = stateOf(request).viewer;
  if (v.kind === "admin" || (v.kind === "member" && v.coordinator)) return v;
  if (v.kind === "anon") throw HttpProblem.of("unauthorized", "Log in first.");
  throw HttpProblem.of("forbidden", "Only the community's coordinators (or the bootstrap admin) see this page.");
}

export function requireMemberViewer(request: FastifyRequest) {
  const v = stateOf(request).viewer;
  if (v.kind === "member" && v.member.status === "active") return v.member;
  if (v.kind === "anon") throw HttpProblem.of("unauthorized", "Log in first.");
  throw HttpProblem.of("forbidden", "These pages are for the community's active members.");
}

export function requireDriverViewer(request: FastifyRequest) {
  const v = stateOf(request).viewer;
  if (v.kind === "driver") return v.driver;
  if (v.kind === "anon") throw HttpProblem.of("unauthorized", "Log in first.");
  throw HttpProblem.of("forbidden", "These pages are for drivers.");
}
