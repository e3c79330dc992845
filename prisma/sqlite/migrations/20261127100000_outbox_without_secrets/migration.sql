-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_OutboxEmail" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "userId" TEXT,
    "params" TEXT,
    "expiresAt" DATETIME,
    "subject" TEXT,
    "text" TEXT,
    "html" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" DATETIME,
    "lastError" TEXT,
    "providerId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" DATETIME,
    CONSTRAINT "OutboxEmail_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_OutboxEmail" ("attempts", "createdAt", "html", "id", "kind", "lastError", "lockedUntil", "nextAttemptAt", "providerId", "sentAt", "status", "subject", "text", "to") SELECT "attempts", "createdAt", "html", "id", "kind", "lastError", "lockedUntil", "nextAttemptAt", "providerId", "sentAt", "status", "subject", "text", "to" FROM "OutboxEmail";
DROP TABLE "OutboxEmail";
ALTER TABLE "new_OutboxEmail" RENAME TO "OutboxEmail";
CREATE INDEX "OutboxEmail_status_nextAttemptAt_idx" ON "OutboxEmail"("status", "nextAttemptAt");
CREATE INDEX "OutboxEmail_status_sentAt_idx" ON "OutboxEmail"("status", "sentAt");
CREATE INDEX "OutboxEmail_to_createdAt_idx" ON "OutboxEmail"("to", "createdAt");
CREATE INDEX "OutboxEmail_userId_idx" ON "OutboxEmail"("userId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;


-- Mail delivered before this version kept its body, live links included: drop
-- it. Pending mail keeps its composed body until the worker delivers it.
UPDATE "OutboxEmail" SET "text" = NULL, "html" = NULL WHERE "status" = 'sent';
