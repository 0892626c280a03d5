import type { Federation, RequestContext, Context } from "@fedify/fedify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from "fastify";
import type { NodeServices } from "../federation/context.js";

/** The Fastify instance with TypeBox schemas typing each handler's request. */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** What HTTP handlers get: the node's services and a way to reach the federation. */
export interface HttpDeps {
  readonly services: NodeServices;
  readonly federation: Federation<NodeServices>;
  /** A Fedify context for work outside a federation request (sending, looking up). */
  context(): Context<NodeServices>;
}

export type { RequestContext };
