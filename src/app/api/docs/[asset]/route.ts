// The files the API reference page needs: Swagger UI's bundle and styles,
// read from node_modules, and the few lines that start it.
import fs from "node:fs/promises";
import path from "node:path";

export const dynamic = "force-dynamic";

const INIT = `window.ui = SwaggerUIBundle({
  url: "/api/openapi.json",
  dom_id: "#api-reference",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
  tryItOutEnabled: false
});`;

const FILES: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
};

export async function GET(_req: Request, context: { params: Promise<{ asset: string }> }) {
  const { asset } = await context.params;
  const headers = { "cache-control": "public, max-age=3600" };
  if (asset === "init.js") {
    return new Response(INIT, { headers: { ...headers, "content-type": "text/javascript; charset=utf-8" } });
  }
  const type = FILES[asset];
  if (!type) return Response.json({ error: "NOT_FOUND" }, { status: 404 });
  const body = await fs.readFile(path.join(process.cwd(), "node_modules", "swagger-ui-dist", asset));
  return new Response(body, { headers: { ...headers, "content-type": type } });
}
