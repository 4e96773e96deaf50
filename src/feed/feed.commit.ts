import type { FeedEntry, Prisma, PrismaClient } from '../generated/prisma/client';
import type { FeedPublisher } from './feed.publisher';
import { appendFeedEntries, type NewFeedEntry } from './feed.writer';

export const WRITE_TX = { maxWait: 5_000, timeout: 20_000 } as const;

/**
 * Runs one write and its feed entry in a single transaction (the entry last,
 * so the feed counter is locked only at the end), then tells the publisher:
 * a change is never visible without its feed item, nor the reverse.
 */
export async function commitWithFeed<T extends object>(
  prisma: PrismaClient,
  publisher: FeedPublisher,
  write: (tx: Prisma.TransactionClient) => Promise<{ result: T; feed: NewFeedEntry }>,
): Promise<T & { entry: FeedEntry }> {
  const committed = await prisma.$transaction(async (tx) => {
    const { result, feed } = await write(tx);
    const [entry] = await appendFeedEntries(tx, [feed]);
    return { ...result, entry: entry! };
  }, WRITE_TX);
  publisher.committed([committed.entry]);
  return committed;
}
