// The process-wide services for pages and route files: those the server entry
// made, or created on first use from the validated configuration.
import "server-only";
import { config } from "@/env";
import { createServices, sharedServices, type Services } from "./context";

export function services(): Services {
  return sharedServices(() => createServices(config()));
}
