-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "PolicyCategory" AS ENUM ('ENTRY', 'VISA', 'RESIDENCE', 'WORK', 'ASYLUM', 'TRANSIT', 'DOCUMENTS');

-- CreateEnum
CREATE TYPE "PolicyStatus" AS ENUM ('OPEN', 'FACILITATED', 'CONDITIONAL', 'RESTRICTED', 'CLOSED');

-- CreateEnum
CREATE TYPE "VisaRequirement" AS ENUM ('VISA_FREE', 'VISA_ON_ARRIVAL', 'ETA', 'E_VISA', 'VISA_REQUIRED', 'NO_ADMISSION');

-- CreateEnum
CREATE TYPE "StatementMedium" AS ENUM ('TWEET', 'PRESS_RELEASE', 'SPEECH', 'INTERVIEW', 'OTHER');

-- CreateEnum
CREATE TYPE "EventKind" AS ENUM ('ANNEXATION', 'INVASION', 'MOBILIZATION', 'ATTACK', 'MIGRATION', 'BORDER', 'DIPLOMACY', 'OTHER');

-- CreateEnum
CREATE TYPE "FigureQualifier" AS ENUM ('EXACTLY', 'ABOUT', 'MORE_THAN', 'LESS_THAN', 'UP_TO');

-- CreateEnum
CREATE TYPE "Verification" AS ENUM ('VERIFIED', 'PARTLY_VERIFIED', 'UNVERIFIED');

-- CreateEnum
CREATE TYPE "TimePrecision" AS ENUM ('DAY', 'MINUTE');

-- CreateEnum
CREATE TYPE "FeedKind" AS ENUM ('POLICY_CHANGE', 'STATEMENT', 'EVENT', 'RETRACTION');

-- CreateEnum
CREATE TYPE "ChangeDirection" AS ENUM ('NEW', 'STRICTER', 'LOOSER', 'UNCHANGED');

-- CreateEnum
CREATE TYPE "RecordType" AS ENUM ('POLICY', 'STATEMENT', 'EVENT');

-- CreateEnum
CREATE TYPE "TokenRole" AS ENUM ('EDITOR');

-- CreateTable
CREATE TABLE "country" (
    "code" VARCHAR(2) NOT NULL,
    "alpha3" VARCHAR(3) NOT NULL,
    "numeric" VARCHAR(3),
    "name" TEXT NOT NULL,
    "region" TEXT,
    "subregion" TEXT,
    "is_eu" BOOLEAN NOT NULL DEFAULT false,
    "is_schengen" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "country_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "source" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "url" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "publisher" TEXT,
    "published_at" DATE,
    "retrieved_at" TIMESTAMPTZ(3),

    CONSTRAINT "source_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "policy" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "country_code" VARCHAR(2) NOT NULL,
    "nationality" VARCHAR(2) NOT NULL DEFAULT 'RU',
    "category" "PolicyCategory" NOT NULL,
    "status" "PolicyStatus" NOT NULL,
    "visa_requirement" "VisaRequirement",
    "max_stay_days" INTEGER,
    "title" TEXT NOT NULL,
    "summary" TEXT,
    "effective_from" DATE NOT NULL,
    "effective_to" DATE,
    "changed_after" DATE,
    "announced_at" DATE,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "previous_id" UUID,
    "verification" "Verification" NOT NULL DEFAULT 'VERIFIED',
    "retracted_at" TIMESTAMPTZ(3),
    "retraction_reason" TEXT,

    CONSTRAINT "policy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "statement" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "speaker" TEXT NOT NULL,
    "speaker_role" TEXT,
    "country_code" VARCHAR(2),
    "said_at" TIMESTAMPTZ(3) NOT NULL,
    "said_at_precision" "TimePrecision" NOT NULL DEFAULT 'DAY',
    "text" TEXT NOT NULL,
    "language" VARCHAR(16) NOT NULL DEFAULT 'en',
    "medium" "StatementMedium" NOT NULL,
    "reply_to_id" UUID,
    "verification" "Verification" NOT NULL DEFAULT 'VERIFIED',
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retracted_at" TIMESTAMPTZ(3),
    "retraction_reason" TEXT,

    CONSTRAINT "statement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "event" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "title" TEXT NOT NULL,
    "description" TEXT,
    "kind" "EventKind" NOT NULL,
    "occurred_on" DATE NOT NULL,
    "country_code" VARCHAR(2),
    "figure_value" DECIMAL(20,4),
    "figure_unit" TEXT,
    "figure_qualifier" "FigureQualifier",
    "verification" "Verification" NOT NULL DEFAULT 'VERIFIED',
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retracted_at" TIMESTAMPTZ(3),
    "retraction_reason" TEXT,

    CONSTRAINT "event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "policy_source" (
    "policy_id" UUID NOT NULL,
    "source_id" UUID NOT NULL,

    CONSTRAINT "policy_source_pkey" PRIMARY KEY ("policy_id","source_id")
);

-- CreateTable
CREATE TABLE "statement_source" (
    "statement_id" UUID NOT NULL,
    "source_id" UUID NOT NULL,

    CONSTRAINT "statement_source_pkey" PRIMARY KEY ("statement_id","source_id")
);

-- CreateTable
CREATE TABLE "event_source" (
    "event_id" UUID NOT NULL,
    "source_id" UUID NOT NULL,

    CONSTRAINT "event_source_pkey" PRIMARY KEY ("event_id","source_id")
);

-- CreateTable
CREATE TABLE "event_country" (
    "event_id" UUID NOT NULL,
    "country_code" VARCHAR(2) NOT NULL,

    CONSTRAINT "event_country_pkey" PRIMARY KEY ("event_id","country_code")
);

-- CreateTable
CREATE TABLE "statement_policy" (
    "statement_id" UUID NOT NULL,
    "policy_id" UUID NOT NULL,

    CONSTRAINT "statement_policy_pkey" PRIMARY KEY ("statement_id","policy_id")
);

-- CreateTable
CREATE TABLE "feed_entry" (
    "seq" BIGINT NOT NULL,
    "kind" "FeedKind" NOT NULL,
    "nationality" VARCHAR(2),
    "country_codes" VARCHAR(2)[],
    "policy_id" UUID,
    "previous_policy_id" UUID,
    "direction" "ChangeDirection",
    "statement_id" UUID,
    "event_id" UUID,
    "retracted_type" "RecordType",
    "retracted_id" UUID,
    "reason" TEXT,
    "committed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "feed_entry_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "feed_counter" (
    "id" INTEGER NOT NULL,
    "value" BIGINT NOT NULL,

    CONSTRAINT "feed_counter_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_token" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "role" "TokenRole" NOT NULL,
    "hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_token_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "country_alpha3_key" ON "country"("alpha3");

-- CreateIndex
CREATE INDEX "country_region_idx" ON "country"("region");

-- CreateIndex
CREATE UNIQUE INDEX "source_url_key" ON "source"("url");

-- CreateIndex
CREATE INDEX "policy_country_code_nationality_category_effective_from_idx" ON "policy"("country_code", "nationality", "category", "effective_from");

-- CreateIndex
CREATE INDEX "policy_effective_from_idx" ON "policy"("effective_from");

-- CreateIndex
CREATE INDEX "policy_previous_id_idx" ON "policy"("previous_id");

-- CreateIndex
CREATE INDEX "statement_country_code_said_at_idx" ON "statement"("country_code", "said_at");

-- CreateIndex
CREATE INDEX "statement_said_at_idx" ON "statement"("said_at");

-- CreateIndex
CREATE INDEX "event_occurred_on_idx" ON "event"("occurred_on");

-- CreateIndex
CREATE INDEX "event_country_code_occurred_on_idx" ON "event"("country_code", "occurred_on");

-- CreateIndex
CREATE INDEX "policy_source_source_id_idx" ON "policy_source"("source_id");

-- CreateIndex
CREATE INDEX "statement_source_source_id_idx" ON "statement_source"("source_id");

-- CreateIndex
CREATE INDEX "event_source_source_id_idx" ON "event_source"("source_id");

-- CreateIndex
CREATE INDEX "event_country_country_code_idx" ON "event_country"("country_code");

-- CreateIndex
CREATE INDEX "statement_policy_policy_id_idx" ON "statement_policy"("policy_id");

-- CreateIndex
CREATE INDEX "feed_entry_kind_seq_idx" ON "feed_entry"("kind", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "api_token_name_key" ON "api_token"("name");

-- CreateIndex
CREATE UNIQUE INDEX "api_token_hash_key" ON "api_token"("hash");

-- AddForeignKey
ALTER TABLE "policy" ADD CONSTRAINT "policy_country_code_fkey" FOREIGN KEY ("country_code") REFERENCES "country"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "policy" ADD CONSTRAINT "policy_previous_id_fkey" FOREIGN KEY ("previous_id") REFERENCES "policy"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "statement" ADD CONSTRAINT "statement_country_code_fkey" FOREIGN KEY ("country_code") REFERENCES "country"("code") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "statement" ADD CONSTRAINT "statement_reply_to_id_fkey" FOREIGN KEY ("reply_to_id") REFERENCES "statement"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "event" ADD CONSTRAINT "event_country_code_fkey" FOREIGN KEY ("country_code") REFERENCES "country"("code") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "policy_source" ADD CONSTRAINT "policy_source_policy_id_fkey" FOREIGN KEY ("policy_id") REFERENCES "policy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "policy_source" ADD CONSTRAINT "policy_source_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "source"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "statement_source" ADD CONSTRAINT "statement_source_statement_id_fkey" FOREIGN KEY ("statement_id") REFERENCES "statement"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "statement_source" ADD CONSTRAINT "statement_source_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "source"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "event_source" ADD CONSTRAINT "event_source_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "event"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "event_source" ADD CONSTRAINT "event_source_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "source"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "event_country" ADD CONSTRAINT "event_country_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "event"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "event_country" ADD CONSTRAINT "event_country_country_code_fkey" FOREIGN KEY ("country_code") REFERENCES "country"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "statement_policy" ADD CONSTRAINT "statement_policy_statement_id_fkey" FOREIGN KEY ("statement_id") REFERENCES "statement"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "statement_policy" ADD CONSTRAINT "statement_policy_policy_id_fkey" FOREIGN KEY ("policy_id") REFERENCES "policy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Constraints the Prisma schema language cannot express. They make the
-- database itself refuse an inconsistent history, whatever code writes to it.

ALTER TABLE "country" ADD CONSTRAINT "country_code_format" CHECK ("code" ~ '^[A-Z]{2}$');
ALTER TABLE "policy" ADD CONSTRAINT "policy_nationality_format" CHECK ("nationality" ~ '^[A-Z]{2}$');
ALTER TABLE "policy" ADD CONSTRAINT "policy_effective_range" CHECK ("effective_to" IS NULL OR "effective_to" >= "effective_from");
ALTER TABLE "policy" ADD CONSTRAINT "policy_changed_after_before_from" CHECK ("changed_after" IS NULL OR "changed_after" < "effective_from");
ALTER TABLE "policy" ADD CONSTRAINT "policy_max_stay_positive" CHECK ("max_stay_days" IS NULL OR "max_stay_days" > 0);
ALTER TABLE "event" ADD CONSTRAINT "event_figure_unit" CHECK (("figure_value" IS NULL) = ("figure_unit" IS NULL));

-- A version is replaced at most once, and each (country, nationality,
-- category) has one first version and one open version, so two concurrent
-- edits of the same policy cannot both win.
CREATE UNIQUE INDEX "policy_one_successor" ON "policy"("previous_id") WHERE "previous_id" IS NOT NULL AND "retracted_at" IS NULL;
CREATE UNIQUE INDEX "policy_one_first_version" ON "policy"("country_code", "nationality", "category") WHERE "previous_id" IS NULL AND "retracted_at" IS NULL;
CREATE UNIQUE INDEX "policy_one_open_version" ON "policy"("country_code", "nationality", "category") WHERE "effective_to" IS NULL AND "retracted_at" IS NULL;

CREATE INDEX "feed_entry_country_codes_idx" ON "feed_entry" USING GIN ("country_codes");

-- The single row of the feed counter: its row lock orders feed entries by commit.
INSERT INTO "feed_counter" ("id", "value") VALUES (1, 0);
