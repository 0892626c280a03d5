import type { Language } from "../config.js";
import { MESSAGES_ES } from "./messages-es.js";

/**
 * A gettext-style catalog for one language, keyed by the English message:
 * whole messages, then templates. A template's groups are the values the
 * English text carried; `again` localizes a group that is itself a message
 * (a reason inside a reason), so composed messages read in one language.
 */
export interface MessageCatalog {
  readonly exact: Readonly<Record<string, string>>;
  readonly templates: readonly (readonly [RegExp, Template])[];
}

export type Template = (groups: readonly string[], again: (text: string) => string) => string;

// English has no catalog: the domain layer already speaks it.
const CATALOGS: Partial<Record<Language, MessageCatalog>> = { es: MESSAGES_ES };

/**
 * A domain or API message (problem detail, field reason, refusal) in the
 * page's language. The API keeps the English original; only pages call this,
 * and a message the catalog does not know is shown as it came.
 */
export function localizeMessage(text: string, lang: Language): string {
  const catalog = CATALOGS[lang];
  return catalog ? translate(catalog, text) : text;
}

function translate(catalog: MessageCatalog, text: string): string {
  const exact = Object.hasOwn(catalog.exact, text) ? catalog.exact[text] : undefined;
  if (exact !== undefined) return exact;
  for (const [pattern, template] of catalog.templates) {
    const m = pattern.exec(text);
    if (m) return template(m.slice(1), (inner) => translate(catalog, inner));
  }
  return text;
}
