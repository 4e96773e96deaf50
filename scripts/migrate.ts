import { migrate } from '../src/db/migrate';

/** `npm run db:migrate`: applies pending migrations to DATABASE_URL. */
async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is not set (the embedded database is migrated by npm start itself)');
    process.exit(1);
  }
  const applied = await migrate(url);
  console.log(applied.length > 0 ? `applied: ${applied.join(', ')}` : 'no pending migrations');
}

void main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
