// The JSON APIs under plain `next start` (src/server/http/next-api-route.ts).
export { GET, POST, PUT, PATCH, DELETE } from "@/server/http/next-api-route";

export const dynamic = "force-dynamic";
