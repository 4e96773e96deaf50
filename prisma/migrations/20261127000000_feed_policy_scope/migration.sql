-- AlterTable
ALTER TABLE "feed_entry" ADD COLUMN     "category" "PolicyCategory",
ADD COLUMN     "status" "PolicyStatus";

