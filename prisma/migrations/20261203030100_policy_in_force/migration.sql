-- AlterTable
-- Versions that take effect from the day after this migration on are announced on their first day; those
-- already in force when it ran were news before the feed had the kind, so a first start does not flood
-- the feed with them (src/feed/in-force.writer.ts).
ALTER TABLE "deployment" ADD COLUMN     "in_force_since" DATE NOT NULL DEFAULT ((now() AT TIME ZONE 'UTC'::text))::date;

-- One in-force item per policy version, whatever the number of instances: the writers queue on the
-- policy's lock and look first (the feed's numbers stay gapless); this index is the last word.
CREATE UNIQUE INDEX "feed_entry_in_force_once" ON "feed_entry" ("policy_id") WHERE "kind" = 'POLICY_IN_FORCE';

-- The versions recorded ahead of time (their first day after the day they were recorded), the only ones
-- the scheduler looks at: a small index, however long the history.
CREATE INDEX "policy_ahead_of_time" ON "policy" ("effective_from") WHERE "effective_from" > ("recorded_at" AT TIME ZONE 'UTC')::date;
