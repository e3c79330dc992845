// The Chromium the browser tests run: CHROMIUM_PATH when set, else the
// system's (Debian's package, which works offline), else Playwright's own
// download. `npm test` runs this file before its production build, so that a
// machine with neither is told what to install before, not after, the build.
import fs from "node:fs";
import path from "node:path";
import { chromium } from "@playwright/test";

const SYSTEM_PATHS = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

/** The executable to launch; undefined means Playwright's own. */
export function chromiumExecutable(): string | undefined {
  return process.env.CHROMIUM_PATH || SYSTEM_PATHS.find((p) => fs.existsSync(p));
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const chosen = chromiumExecutable();
  const playwrights = chromium.executablePath();
  if (chosen && fs.existsSync(chosen)) {
    console.log(`Chromium: ${chosen}${process.env.CHROMIUM_PATH ? " (CHROMIUM_PATH)" : ""}`);
  } else if (!chosen && fs.existsSync(playwrights)) {
    console.log(`Chromium: Playwright's own, ${playwrights}`);
  } else {
    console.error(
      chosen
        ? `CHROMIUM_PATH=${chosen}: no such file.`
        : [
            "No Chromium for the browser tests: none at /usr/bin/chromium, and Playwright's own is not downloaded.",
            "Install one, then run npm test again:",
            "  npx playwright install chromium      (downloads Playwright's build)",
            "  sudo apt-get install chromium        (Debian/Ubuntu's package; works offline once installed)",
          ].join("\n"),
    );
    process.exit(1);
  }
}
