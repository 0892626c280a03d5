import type { Federation } from "@fedify/fedify";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../config.js";
import type { NodeServices } from "./context.js";

export const ACTIVITY_CONTENT_TYPES = ["application/activity+json", "application/ld+json"];

/**
 * Puts Fedify in front of Fastify's router. GET/HEAD go to Fedify first; when
 * Fedify has no such resource, or the client wants HTML, the request falls
 * through to Fastify (so an actor URL serves a page to browsers). Inbox POSTs
 * reach Fedify with the exact bytes received, which the Digest header covers.
 */
export function registerFederationBridge(
  app: FastifyInstance,
  federation: Federation<NodeServices>,
  services: NodeServices,
): void {
  app.addContentTypeParser(ACTIVITY_CONTENT_TYPES, { parseAs: "buffer" }, (_req, body, done) => done(null, body));

  // Recognised by identity, not status. Fedify logs every response it makes,
  // at error level from 500 up: a 5xx sentinel wrote an error line for every
  // page and API request. Below 400 it is an info line, which logging.ts drops
  // (Fastify logs the request itself).
  const fallThrough = new Response(null, { status: 204 });
  app.addHook("onRequest", async (request, reply) => {
    if (request.method !== "GET" && request.method !== "HEAD") return;
    const response = await federation.fetch(toFetchRequest(request, services.config), {
      contextData: services,
      onNotFound: () => fallThrough,
      onNotAcceptable: () => fallThrough,
    });
    if (response === fallThrough) return;
    await sendFetchResponse(reply, response);
  });

  const inbox = async (request: FastifyRequest, reply: FastifyReply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.from(JSON.stringify(request.body ?? null));
    const response = await federation.fetch(toFetchRequest(request, services.config, body), { contextData: services });
    await sendFetchResponse(reply, response);
  };
  app.post("/inbox", inbox);
  app.post("/actors/:identifier/inbox", inbox);
}

/**
 * The URL a signature covers is the one the sender used: our public origin,
 * or what a trusted reverse proxy says it was.
 */
function publicUrl(request: FastifyRequest, config: Config): URL {
  if (config.trustProxy) {
    const proto = header(request, "x-forwarded-proto")?.split(",")[0]?.trim();
    const host = header(request, "x-forwarded-host")?.split(",")[0]?.trim() ?? header(request, "host");
    if (proto && host) return new URL(request.url, `${proto}://${host}`);
  }
  return new URL(request.url, config.origin);
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v.join(", ") : v;
}

function toFetchRequest(request: FastifyRequest, config: Config, body?: Buffer): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return new Request(publicUrl(request, config), {
    method: request.method,
    headers,
    body: body === undefined ? undefined : new Uint8Array(body),
  });
}

async function sendFetchResponse(reply: FastifyReply, response: Response): Promise<void> {
  reply.status(response.status);
  response.headers.forEach((value, name) => {
    reply.header(name, value);
  });
  const body = Buffer.from(await response.arrayBuffer());
  await reply.send(body);
}
