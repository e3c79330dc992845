// The JSON APIs the edge answers itself, without Next.js's router (an API
// call is then our code and one query): tRPC under /api/trpc, seed 000's
// Users API under /api/user, seed 002's User API under /user, and the
// OpenAPI document describing the seeds' APIs.
import type { Services } from "../services/service-container";
import { trpcApi } from "./trpc-api";
import type { JsonApi } from "./edge";
import { errorAnswer, jsonAnswer } from "./json-answer";
import { routeTableApi } from "./json-routes";
import { openApiDocument } from "./openapi";
import { SEED_000_BASE, seed000NotFound, seed000Routes } from "./seed-000-api";
import { SEED_002_BASE, seed002NotFound, seed002Routes } from "./seed-002-api";

const OPENAPI_PATH = "/api/openapi.json";

/** GET /api/openapi.json; its errors (a wrong method) as {error: appCode, message}. */
const openApiDocumentApi = (appUrl: string): JsonApi => ({
  owns: (pathname) => pathname === OPENAPI_PATH,
  methodsAt: () => ["GET"],
  handle: async () => jsonAnswer(200, openApiDocument(appUrl)),
  errorAnswer: (error) => errorAnswer(error, { error: error.appCode, message: error.message }),
});

export function jsonApis(services: Services): JsonApi[] {
  return [
    trpcApi(services),
    openApiDocumentApi(services.config.APP_URL),
    routeTableApi(SEED_000_BASE, seed000Routes, seed000NotFound, services),
    routeTableApi(SEED_002_BASE, seed002Routes, seed002NotFound, services),
  ];
}
