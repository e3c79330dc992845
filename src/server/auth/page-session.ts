// The session of a page request (server components), from its cookie.
import "server-only";
import { cookies, headers } from "next/headers";
import { AppError } from "../app-error";
import { sessionCookieName } from "./session-cookie";
import { validateSession, type ValidSession } from "../services/sessions";
import { services } from "../services/instance";

/** The signed-in user's session, or null when there is none (or it ended). */
export async function pageSession(): Promise<ValidSession | null> {
  const s = services();
  const jar = await cookies();
  let token = jar.get(sessionCookieName(s.config.APP_URL))?.value ?? null;
  if (!token) {
    const auth = (await headers()).get("authorization");
    token = auth?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? null;
  }
  if (!token) return null;
  try {
    return await validateSession(s, token);
  } catch (error) {
    if (error instanceof AppError && error.appCode === "SESSION_INVALID") return null;
    throw error;
  }
}
