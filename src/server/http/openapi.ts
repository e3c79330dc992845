// The OpenAPI 3.1 document of the plain HTTP APIs, generated from the same
// route tables (and so the same Zod schemas) that serve them, with zod-openapi.
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from "zod-openapi";
import type { JsonRoute } from "./json-routes";
import { SEED_000_BASE, seed000Routes } from "./seed-000-api";
import { SEED_002_BASE, seed002Routes } from "./seed-002-api";

/** HTTP status of each appCode a route may answer (docs/errors.md agrees; a test checks). */
export const STATUS_OF: Record<string, string> = {
  VALIDATION_FAILED: "400",
  TEACHER_TOKEN_INVALID: "400",
  TOKEN_INVALID: "400",
  TOKEN_EXPIRED: "400",
  INVALID_CREDENTIALS: "401",
  SESSION_INVALID: "401",
  EMAIL_NOT_VERIFIED: "403",
  WRONG_PASSWORD: "403",
  NOT_PERMITTED: "403",
  SELF_REPORT_SPAMMER: "403",
  CROSS_SITE_REQUEST: "403",
  USER_NOT_FOUND: "404",
  EMAIL_TAKEN: "409",
  LAST_ADMIN: "409",
  RATE_LIMITED: "429",
  SERVICE_UNAVAILABLE: "503",
  OVERLOADED: "503",
};

function operation(r: JsonRoute, tag: string): ZodOpenApiOperationObject {
  const byStatus = new Map<string, string[]>();
  for (const code of [...r.errors, "SERVICE_UNAVAILABLE"]) {
    const status = STATUS_OF[code] ?? "400";
    byStatus.set(status, [...new Set([...(byStatus.get(status) ?? []), code])]);
  }
  const responses: Record<string, NonNullable<ZodOpenApiOperationObject["responses"]>["200"]> = {
    "200": { description: "Success", content: { "application/json": { schema: r.output } } },
  };
  for (const [status, codes] of [...byStatus].sort()) {
    responses[status] = {
      description: `Error: ${codes.join(", ")} (see docs/errors.md)`,
      content: { "application/json": { schema: r.errorBody } },
    };
  }
  return {
    tags: [tag],
    summary: r.summary,
    ...(r.description ? { description: r.description } : {}),
    ...(r.auth === "cookie-or-bearer" || r.auth === "presented-token" ? { security: [{ sessionCookie: [] }, { bearer: [] }] } : {}),
    ...(r.input ? { requestBody: { required: true, content: { "application/json": { schema: r.input } } } } : {}),
    responses: responses as ZodOpenApiOperationObject["responses"],
  };
}

function paths(base: string, routes: JsonRoute[], tag: string): ZodOpenApiPathsObject {
  const out: ZodOpenApiPathsObject = {};
  for (const r of routes) {
    const path = `${base}${r.path}`;
    out[path] = { ...out[path], [r.method.toLowerCase()]: operation(r, tag) };
  }
  return out;
}

let cached: ReturnType<typeof createDocument> | undefined;

export function openApiDocument() {
  cached ??= createDocument({
    openapi: "3.1.0",
    info: {
      title: "Accounts API",
      version: "1.0.0",
      description:
        "User accounts for schools and learning platforms. Two plain JSON APIs, both served by the same services as the app's own tRPC API at /api/trpc: the Users API of seed 000 under /api/user (session by cookie or Bearer token) and the User API of seed 002 under /user (session token in the body). Every error names a stable appCode, listed in docs/errors.md.",
    },
    tags: [
      { name: "Users API (seed 000)", description: "Answers {status: 'success', data} or {status: 'error', error: {code, message}}." },
      { name: "User API (seed 002)", description: "Answers {error: null, …} or {error: appCode, …}." },
    ],
    components: {
      securitySchemes: {
        sessionCookie: { type: "apiKey", in: "cookie", name: "session", description: "`__Host-session` when served over https." },
        bearer: { type: "http", scheme: "bearer", description: "The session token." },
      },
    },
    paths: {
      ...paths(SEED_000_BASE, seed000Routes, "Users API (seed 000)"),
      ...paths(SEED_002_BASE, seed002Routes, "User API (seed 002)"),
    },
  });
  return cached;
}
