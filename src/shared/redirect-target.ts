// Where a page may send the browser after log-in: only somewhere on this site.
// Browsers drop tabs and newlines from URLs and read "\" as "/", so
// "/\t/evil.example" or "/\evil.example" become "//evil.example", another
// site. The target is therefore resolved the way a browser would, against
// APP_URL, and kept only when it stays on APP_URL's origin.

const DEFAULT_AFTER_LOGIN = "/account";

const MAX_TARGET_LENGTH = 2048;

/** C0 and C1 controls (tab, newline, NUL…), DEL, and the backslash. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this pattern's purpose
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\\]/;

/**
 * The path (with query and fragment) to go to after log-in, or `fallback`
 * when `next` is missing, malformed, or would leave APP_URL's origin.
 */
export function sameSiteRedirectTarget(next: unknown, appUrl: string, fallback = DEFAULT_AFTER_LOGIN): string {
  if (typeof next !== "string" || !next.startsWith("/") || next.length > MAX_TARGET_LENGTH) return fallback;
  if (UNSAFE_CHARACTERS.test(next)) return fallback;
  let own: URL;
  let target: URL;
  try {
    own = new URL(appUrl);
    target = new URL(next, own);
  } catch {
    return fallback;
  }
  if (target.origin !== own.origin) return fallback;
  // "/.//evil.example" resolves to the path "//evil.example": followed as a
  // path it would be protocol-relative again.
  if (target.pathname.startsWith("//")) return fallback;
  return `${target.pathname}${target.search}${target.hash}`;
}
