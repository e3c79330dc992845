// argon2 maps fresh memory (19 MiB) for every hash and asks Linux for
// transparent huge pages. Where the kernel's setting is "never" (some
// database hosts turn them off) each hash faults in 4 KiB pages instead:
// measured on our 2-core machines, 73–93 ms per hash instead of 12–13 ms,
// and about a sixth of the log-in capacity. The server says so at start.
import fs from "node:fs";

export const TRANSPARENT_HUGE_PAGES = "/sys/kernel/mm/transparent_hugepage/enabled";

/** A warning when the kernel's setting (the file's text, e.g. "always [madvise] never") turns huge pages off. */
export function hugePagesWarning(setting: string | null): string | null {
  const chosen = setting?.match(/\[(\w+)\]/)?.[1];
  if (chosen !== "never") return null;
  return (
    "transparent huge pages are off (" +
    TRANSPARENT_HUGE_PAGES +
    " is [never]): each password hash will take several times longer; set it to madvise or always"
  );
}

/** The kernel's setting, or null where there is none to read (not Linux, or hidden). */
export function readHugePagesSetting(file = TRANSPARENT_HUGE_PAGES): string | null {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return null;
  }
}
