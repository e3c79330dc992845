// A readable reference of /api/openapi.json, rendered by Swagger UI served
// from our own origin (swagger-ui-dist from npm): it works offline.
export const dynamic = "force-static";

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Accounts API reference</title>
  <link rel="stylesheet" href="/api/docs/swagger-ui.css">
  <style>
    body { margin: 0; } .topbar { display: none; }
    /* On a phone a tag's description goes below its name, not in a column of single words. */
    @media (max-width: 600px) {
      .swagger-ui .opblock-tag { flex-wrap: wrap; }
      .swagger-ui .opblock-tag small { order: 3; flex: 1 0 100%; padding: 0 0 10px; }
    }
  </style>
</head>
<body>
  <div id="api-reference"></div>
  <script src="/api/docs/swagger-ui-bundle.js"></script>
  <script src="/api/docs/init.js"></script>
</body>
</html>`;

export function GET() {
  return new Response(page, { headers: { "content-type": "text/html; charset=utf-8" } });
}
