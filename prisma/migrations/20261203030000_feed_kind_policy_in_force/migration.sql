-- AlterEnum
-- On its own: a new enum value cannot be used in the transaction that adds it (the next migration does).
ALTER TYPE "FeedKind" ADD VALUE 'POLICY_IN_FORCE';
