// Seed 000's Users API: every /api/user/* endpoint, from one route table.
import { serveRoutes } from "@/server/http/json-routes";
import { SEED_000_BASE, seed000NotFound, seed000Routes } from "@/server/http/seed-000-api";
import { services } from "@/server/services/instance";

export const dynamic = "force-dynamic";

const handler = serveRoutes(SEED_000_BASE, seed000Routes, seed000NotFound, services);
export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
