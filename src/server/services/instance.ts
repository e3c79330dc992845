// The process-wide services, created on first use from the validated
// configuration. Kept on globalThis so that development reloads reuse them.
import "server-only";
import { config } from "@/env";
import { createServices, type Services } from "./context";

const holder = globalThis as unknown as { __accountsServices?: Services };

export function services(): Services {
  holder.__accountsServices ??= createServices(config());
  return holder.__accountsServices;
}
