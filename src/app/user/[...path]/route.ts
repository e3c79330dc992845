// Seed 002's User API: every /user/* endpoint, from one route table.
import { serveRoutes } from "@/server/http/json-routes";
import { SEED_002_BASE, seed002NotFound, seed002Routes } from "@/server/http/seed-002-api";
import { services } from "@/server/services/instance";

export const dynamic = "force-dynamic";

const handler = serveRoutes(SEED_002_BASE, seed002Routes, seed002NotFound, services);
export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
