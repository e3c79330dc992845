// What the transports tell the services about a request.

/**
 * Where a request came from, recorded on sessions and used by rate limits;
 * `deviceCookie` is the browser's device cookie as sent (auth/device-cookie.ts).
 */
export type RequestMeta = { ip: string | null; userAgent: string | null; deviceCookie: string | null };
