import { html, page, type SafeHtml } from "./html.js";
import type { Viewer } from "./sessions.js";
import type { Strings } from "./strings.js";

export interface LayoutInput {
  readonly title: string;
  readonly body: SafeHtml;
  readonly viewer: Viewer;
  readonly csrf: string;
  readonly strings: Strings;
  /** `<html lang>`: the language of `strings`. */
  readonly lang?: string;
  readonly communityPath: string;
  /** A message key from the strings table (never text from the query string). */
  readonly flash?: string | null;
  /** Reload the page by itself (a planning round's progress, without JavaScript). */
  readonly refreshSeconds?: number;
  /** Where the reload goes (a URL with a #fragment would only scroll, not reload, in Chromium). */
  readonly refreshUrl?: string;
}

/** The frame around every page: skip link, navigation for who is logged in, the message after an action. */
export function layout(input: LayoutInput): string {
  const { viewer, strings: t } = input;
  const nav: SafeHtml[] = [html`<a href="${input.communityPath}">${t.navCommunity}</a>`, html`<a href="/map">${t.navMap}</a>`];
  if (viewer.kind === "admin" || (viewer.kind === "member" && viewer.coordinator)) nav.push(html`<a href="/admin">${t.navDashboard}</a>`);
  if (viewer.kind === "member") nav.push(html`<a href="/me">${t.navMember}</a>`);
  if (viewer.kind === "driver") nav.push(html`<a href="/driver">${t.navDriver}</a>`);
  const account =
    viewer.kind === "anon"
      ? html`<a href="/login">${t.navLogin}</a>`
      : html`<form method="post" action="/logout">${csrfField(input.csrf)}<button type="submit">${t.navLogout}</button></form>`;
  const flashText = input.flash && input.flash in t.flash ? t.flash[input.flash as keyof Strings["flash"]] : null;
  const body = html`<a class="skip" href="#main">${t.skipToContent}</a>
<header class="site"><nav aria-label="${t.navLabel}">${nav} ${account}</nav></header>
<main id="main">
${flashText ? html`<p class="flash" role="status">${flashText}</p>` : ""}
${input.body}
</main>`;
  return page(input.title, body, { lang: input.lang, stylesheet: "/assets/style.css", refreshSeconds: input.refreshSeconds, refreshUrl: input.refreshUrl });
}

export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

/** A POST form with its CSRF field; forms work without JavaScript. */
export function postForm(action: string, csrf: string, content: SafeHtml, options: { className?: string; label?: string } = {}): SafeHtml {
  return html`<form method="post" action="${action}" class="${options.className ?? "stack"}"${options.label ? html` aria-label="${options.label}"` : ""}>${csrfField(csrf)}${content}</form>`;
}

/** A labelled input; every input on every page goes through here or has its own <label>. */
export function field(id: string, label: string, input: SafeHtml, hint?: string): SafeHtml {
  return html`<div><label for="${id}">${label}${hint ? html` <span class="hint">${hint}</span>` : ""}</label>${input}</div>`;
}

export function when(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "";
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
