import type { TestNode } from "./test-app.js";

/** A minimal cookie-keeping client over `inject`, posting forms as a browser would. */
export class FormClient {
  cookie = "";
  constructor(readonly node: TestNode) {}

  async get(url: string) {
    const r = await this.node.app.inject({ method: "GET", url, headers: { accept: "text/html", ...(this.cookie ? { cookie: this.cookie } : {}) } });
    this.keep(r.headers["set-cookie"]);
    return r;
  }

  async post(url: string, fields: Record<string, string>) {
    const r = await this.node.app.inject({
      method: "POST",
      url,
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html", ...(this.cookie ? { cookie: this.cookie } : {}) },
      payload: new URLSearchParams(fields).toString(),
    });
    this.keep(r.headers["set-cookie"]);
    return r;
  }

  /** GETs a page and returns the CSRF token of its first form. */
  async csrf(url: string): Promise<string> {
    const r = await this.get(url);
    const m = /name="_csrf" value="([^"]+)"/.exec(r.body);
    if (!m?.[1]) throw new Error(`no CSRF field on ${url} (${r.statusCode})`);
    return m[1];
  }

  async login(fields: Record<string, string>) {
    return this.post("/login", { ...fields, _csrf: await this.csrf("/login") });
  }

  private keep(header: string | string[] | number | undefined) {
    const first = Array.isArray(header) ? header[0] : header;
    if (typeof first === "string") this.cookie = first.split(";")[0] ?? "";
  }
}
