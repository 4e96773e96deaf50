-- AlterTable
ALTER TABLE "policy_source" ADD COLUMN     "position" SMALLINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "statement_source" ADD COLUMN     "position" SMALLINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "event_source" ADD COLUMN     "position" SMALLINT NOT NULL DEFAULT 0;

