-- A reader asking for one nationality (GraphQL feed, /feed.atom, /feed.json, a subscription's replay) reads
-- its items and the nationality-free ones (statements, events) through this index, whatever the size of the
-- feed: the seed alone adds a hundred thousand historical versions of 199 nationalities. The country filter
-- has its GIN index on country_codes since the first migration.
-- CreateIndex
CREATE INDEX "feed_entry_nationality_seq_idx" ON "feed_entry"("nationality", "seq");
