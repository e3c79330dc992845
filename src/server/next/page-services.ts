// The process's services for pages: those the server entry created (boot.ts).
import "server-only";
import { bootedApp, START_WITH_THE_ENTRY } from "../booted-app";
import type { Services } from "../services/service-container";

export function services(): Services {
  const app = bootedApp();
  if (!app) throw new Error(START_WITH_THE_ENTRY);
  return app.services;
}
