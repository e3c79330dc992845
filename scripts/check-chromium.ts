// Says which Chromium the browser tests will run, or, when there is none,
// what to install. `npm test` runs it before its production build, so that
// a machine without one is told before the build, not after it.
import fs from "node:fs";
import { chromium } from "@playwright/test";
import { chromiumExecutable } from "./chromium";

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
          "  sudo apt-get install chromium        (Debian's package; works offline once installed)",
        ].join("\n"),
  );
  process.exit(1);
}
