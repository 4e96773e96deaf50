// Prisma 6.19 CLI on the Rust-free path: the WebAssembly schema engine runs
// through the pg driver adapter, so no native engine is downloaded.
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

// `prisma generate` tries to download a native query engine when the
// datasource URL does not resolve, so give it one even when nothing is set.
process.env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/borderwatch';
const connectionString = process.env.DATABASE_URL;

export default defineConfig({
  schema: 'prisma/schema.prisma',
  experimental: { adapter: true },
  engine: 'js',
  // A short idle timeout: the CLI never closes the pool, which would hold it open for
  // the 10 s idle timeout after the command is done.
  adapter: async () => new PrismaPg({ connectionString, idleTimeoutMillis: 100 }),
});
