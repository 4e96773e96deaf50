-- CreateTable
CREATE TABLE "deployment" (
    "id" UUID NOT NULL,
    "secret" TEXT NOT NULL,

    CONSTRAINT "deployment_pkey" PRIMARY KEY ("id")
);

-- One row only: every instance on this database reads the same identity.
CREATE UNIQUE INDEX "deployment_one_row" ON "deployment" ((true));

-- Made here, once per database, from PostgreSQL's strong random source (gen_random_uuid: 122 random
-- bits each; two for the secret). A database that already ran older migrations gets its row now.
INSERT INTO "deployment" ("id", "secret")
VALUES (gen_random_uuid(), replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));
