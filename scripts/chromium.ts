// The Chromium the browser tests run: CHROMIUM_PATH when set, else the
// system's (Debian's package, which works offline), else Playwright's own
// download (playwright.config.ts; scripts/check-chromium.ts).
import fs from "node:fs";

const SYSTEM_PATHS = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

/** The executable to launch; undefined means Playwright's own. */
export function chromiumExecutable(): string | undefined {
  return process.env.CHROMIUM_PATH || SYSTEM_PATHS.find((p) => fs.existsSync(p));
}
