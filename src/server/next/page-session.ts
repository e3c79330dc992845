// The session of a page request (server components), from its cookie.
import "server-only";
import { headers } from "next/headers";
import { AppError } from "../app-error";
import { sessionTokenFrom } from "../auth/session-cookie";
import { type ValidSession, validateSession } from "../services/sessions";
import { services } from "./page-services";

/** The signed-in user's session, or null when there is none (or it ended). */
export async function pageSession(): Promise<ValidSession | null> {
  const s = services();
  const token = sessionTokenFrom(await headers(), s.config.APP_URL);
  if (!token) return null;
  try {
    return await validateSession(s, token);
  } catch (error) {
    if (error instanceof AppError && error.appCode === "SESSION_INVALID") return null;
    throw error;
  }
}
