// Runs in Next.js's process when it starts. The app runs only through its
// server entry (src/server/boot.ts, started by `npm start` and `npm run dev`),
// which starts the workers, records each client's address and sets the
// security headers. Plain `next start` or `next dev` would serve pages and
// route handlers without any of that, so such a start stops here, saying how
// to start the app. (`next build` does not run this.)
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") (await import("./server/booted-app")).stopUnlessBooted();
}
