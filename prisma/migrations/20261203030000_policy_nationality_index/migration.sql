-- CreateIndex
CREATE INDEX "policy_nationality_idx" ON "policy"("nationality");
