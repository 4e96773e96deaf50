import type { Prisma } from '../generated/prisma/client';
import type { SourceInputValue } from '../common/validation';

type Tx = Prisma.TransactionClient;

/**
 * Ensures a source row per URL (the natural key: a URL already known keeps
 * its first title) and returns their ids in input order.
 */
export async function ensureSources(tx: Tx, sources: readonly SourceInputValue[]): Promise<string[]> {
  await tx.source.createMany({
    data: sources.map((source) => ({
      url: source.url,
      title: source.title,
      publisher: source.publisher ?? null,
      publishedAt: source.publishedAt ?? null,
      retrievedAt: source.retrievedAt ?? null,
    })),
    skipDuplicates: true,
  });
  const rows = await tx.source.findMany({ where: { url: { in: sources.map((s) => s.url) } }, select: { id: true, url: true } });
  const idByUrl = new Map(rows.map((row) => [row.url, row.id]));
  return [...new Set(sources.map((source) => idByUrl.get(source.url)!))];
}
