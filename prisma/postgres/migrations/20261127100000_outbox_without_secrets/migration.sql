-- AlterTable
ALTER TABLE "OutboxEmail" ADD COLUMN     "expiresAt" TIMESTAMP(3),
ADD COLUMN     "params" TEXT,
ADD COLUMN     "userId" TEXT,
ALTER COLUMN "subject" DROP NOT NULL,
ALTER COLUMN "text" DROP NOT NULL,
ALTER COLUMN "html" DROP NOT NULL;

-- CreateIndex
CREATE INDEX "OutboxEmail_status_sentAt_idx" ON "OutboxEmail"("status", "sentAt");

-- CreateIndex
CREATE INDEX "OutboxEmail_userId_idx" ON "OutboxEmail"("userId");

-- AddForeignKey
ALTER TABLE "OutboxEmail" ADD CONSTRAINT "OutboxEmail_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Mail delivered before this version kept its body, live links included: drop
-- it. Pending mail keeps its composed body until the worker delivers it.
UPDATE "OutboxEmail" SET "text" = NULL, "html" = NULL WHERE "status" = 'sent';
