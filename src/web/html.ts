/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** Tagged template that escapes every interpolated value unless it is already `SafeHtml`. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? "";
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? "");
  });
  return new SafeHtml(out);
}

function render(v: unknown): string {
  if (v === null || v === undefined || v === false) return "";
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(render).join("");
  return escapeHtml(String(v));
}

export function page(title: string, body: SafeHtml, options: { lang?: string; stylesheet?: string; refreshSeconds?: number; refreshUrl?: string } = {}): string {
  return html`<!doctype html>
<html lang="${options.lang ?? "en"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
${options.refreshSeconds ? html`<meta http-equiv="refresh" content="${options.refreshSeconds}${options.refreshUrl ? `; url=${options.refreshUrl}` : ""}">` : ""}
${options.stylesheet ? html`<link rel="stylesheet" href="${options.stylesheet}">` : html`<style>
body{font-family:system-ui,sans-serif;max-width:48rem;margin:0 auto;padding:1rem;line-height:1.5;color:#1b1b1b;background:#fcfcf7}
a{color:#0b5d2a}h1,h2{line-height:1.2}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ccc}
.muted{color:#555}
</style>`}
</head>
<body>
${body}
</body>
</html>`.value;
}
