import type { FastifyError, FastifyInstance } from "fastify";
import {
  HttpProblem,
  type InvalidParam,
  makeProblem,
  PROBLEM_CONTENT_TYPE,
  PROBLEM_TYPES,
  type Problem,
  validationProblem,
} from "../lib/problem.js";

/**
 * Every error leaves as RFC 9457 problem+json: validation failures name each
 * field; 5xx bodies say nothing about internals (the log has the details).
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HttpProblem, request, reply) => {
    let problem: Problem;
    if (error instanceof HttpProblem) {
      problem = error.problem;
    } else if (error.validation) {
      problem = validationProblem(error.validation.map((v) => toInvalidParam(v, error.validationContext)));
    } else if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      problem = makeProblem("payloadTooLarge", error.message);
    } else if (error.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
      problem = makeProblem("unsupportedMediaType", error.message);
    } else if (error.code === "FST_ERR_CTP_EMPTY_JSON_BODY" || error.code === "FST_ERR_CTP_INVALID_JSON_BODY" || (error.statusCode === 400 && error instanceof SyntaxError)) {
      problem = validationProblem([{ name: "body", reason: "is not valid JSON" }]);
    } else if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      const kind = (Object.keys(PROBLEM_TYPES) as (keyof typeof PROBLEM_TYPES)[]).find(
        (k) => PROBLEM_TYPES[k].status === error.statusCode,
      );
      problem = kind ? makeProblem(kind, error.message) : { ...makeProblem("validation", error.message), status: error.statusCode };
    } else {
      request.log.error({ err: error }, "request failed");
      problem = makeProblem("internal", "Something went wrong on this node. The administrator can find details in its log.");
    }
    return reply
      .status(problem.status)
      .type(PROBLEM_CONTENT_TYPE)
      .send({ ...problem, instance: request.url });
  });

  app.setNotFoundHandler((request, reply) => {
    return reply
      .status(404)
      .type(PROBLEM_CONTENT_TYPE)
      .send({ ...makeProblem("notFound", `No such resource: ${request.method} ${request.url}`), instance: request.url });
  });

  app.get("/problems/:slug", { schema: { hide: true } }, async (request, reply) => {
    const { slug } = request.params as { slug: string };
    const entry = Object.values(PROBLEM_TYPES).find((t) => t.slug === slug);
    if (!entry) throw HttpProblem.of("notFound", `No problem type ${slug}`);
    return reply.type("text/plain; charset=utf-8").send(`${entry.title} (HTTP ${entry.status}).`);
  });
}

interface AjvError {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

/** Turns an AJV error into the field's dotted path and a plain reason. */
function toInvalidParam(v: AjvError, context: string | undefined): InvalidParam {
  const segments = v.instancePath.split("/").filter(Boolean);
  if (v.keyword === "required" && typeof v.params.missingProperty === "string") segments.push(v.params.missingProperty);
  if (v.keyword === "additionalProperties" && typeof v.params.additionalProperty === "string") {
    segments.push(v.params.additionalProperty);
    return { name: join(context, segments), reason: "is not a known field" };
  }
  const reason = v.keyword === "required" ? "is required" : (v.message ?? "is invalid");
  return { name: join(context, segments), reason };
}

function join(context: string | undefined, segments: string[]): string {
  const path = segments.join(".");
  if (context === "body") return path || "body";
  return path ? `${context}.${path}` : (context ?? "request");
}
