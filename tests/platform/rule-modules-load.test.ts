// Each rule module loads: its constants (the permission table, the rules'
// words, the limits) are built at import, so a mistake there is caught as a
// failing test here rather than as a file that cannot be collected.
// Imported inside the tests on purpose: nothing is imported at the top.
import { describe, expect, it } from "vitest";

const RULE_MODULES: Record<string, () => Promise<object>> = {
  "shared/permissions": () => import("@/shared/permissions"),
  "server/auth/rate-limits": () => import("@/server/auth/rate-limits"),
  "server/db/rate-limit-store": () => import("@/server/db/rate-limit-store"),
  "server/auth/session-cookie": () => import("@/server/auth/session-cookie"),
  "server/auth/device-cookie": () => import("@/server/auth/device-cookie"),
  "server/auth/secret-token": () => import("@/server/auth/secret-token"),
  "server/auth/request-origin": () => import("@/server/auth/request-origin"),
  "server/auth/password-policy": () => import("@/server/auth/password-policy"),
  "server/services/sessions": () => import("@/server/services/sessions"),
  "server/db/sessions": () => import("@/server/db/sessions"),
  "server/db/expired-sessions": () => import("@/server/db/expired-sessions"),
  "server/db/users": () => import("@/server/db/users"),
  "server/services/user-flags": () => import("@/server/services/user-flags"),
  "shared/second-factor-policy": () => import("@/shared/second-factor-policy"),
  "server/auth/totp": () => import("@/server/auth/totp"),
  "server/auth/recovery-codes": () => import("@/server/auth/recovery-codes"),
  "server/services/second-factor-proof": () => import("@/server/services/second-factor-proof"),
  "server/services/second-factor-login": () => import("@/server/services/second-factor-login"),
  "server/services/reauthentication": () => import("@/server/services/reauthentication"),
  "server/db/second-factors": () => import("@/server/db/second-factors"),
  "server/db/auth-challenges": () => import("@/server/db/auth-challenges"),
  "server/db/let-requests-in": () => import("@/server/db/let-requests-in"),
  "server/services/own-sessions": () => import("@/server/services/own-sessions"),
  "server/services/another-factor": () => import("@/server/services/another-factor"),
  "server/api/call-limits": () => import("@/server/api/call-limits"),
  "shared/schemas/free-text": () => import("@/shared/schemas/free-text"),
};

describe("the rule modules", () => {
  it.each(Object.keys(RULE_MODULES))("%s loads", async (name) => {
    expect(Object.keys(await RULE_MODULES[name]!()).length).toBeGreaterThan(0);
  });
});
