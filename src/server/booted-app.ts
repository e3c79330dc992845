// What the server entry started (boot.ts), for the code Next.js runs in the
// same process: pages, route handlers and instrumentation.ts. Next.js bundles
// its own copies of our modules, so the one place both sides see is
// globalThis (which also outlives development reloads).
import { type Config, setBootedConfig } from "@/env";
import type { Services } from "./services/service-container";

export type BootedApp = { config: Config; services: Services };

const KEY = Symbol.for("accounts.booted-app");
type Holder = { [KEY]?: BootedApp };

/** Said wherever the app finds itself started some other way. */
export const START_WITH_THE_ENTRY =
  "This app runs only through its server entry, which applies migrations, starts the mail and pruning workers, " +
  "records client addresses and sets the security headers: start it with `npm start` (after `npm run build`) " +
  "or `npm run dev`, not with `next start` or `next dev`.";

export function setBootedApp(app: BootedApp | undefined): void {
  (globalThis as Holder)[KEY] = app;
  setBootedConfig(app?.config);
}

/** The running app, or undefined when the server entry did not start this process. */
export function bootedApp(): BootedApp | undefined {
  return (globalThis as Holder)[KEY];
}

/** Ends a process that the server entry did not start, saying how to start the app. */
export function stopUnlessBooted(): void {
  if (bootedApp()) return;
  console.error(`[accounts] ${START_WITH_THE_ENTRY}`);
  process.exit(1);
}
