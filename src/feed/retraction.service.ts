import { z } from 'zod';
import { ConflictError, NotFoundError } from '../common/errors';
import { FeedKind, RecordType } from '../common/enums';
import { parseInput, requiredText } from '../common/validation';
import type { FeedEntry, Policy, Prisma, PrismaClient } from '../generated/prisma/client';
import type { FeedPublisher } from './feed.publisher';
import { commitWithFeed } from './feed.commit';
import type { NewFeedEntry } from './feed.writer';

type Tx = Prisma.TransactionClient;

const retractInput = z.object({ id: z.uuid('must be the id of a policy, statement or event'), reason: requiredText(1000) });

/**
 * Marks a record found to be wrong as retracted. Nothing is deleted: the
 * record stays readable by id and in the feed, with the reason. A retracted
 * policy version drops out of its history: the version before it takes over
 * its period, and the version after it points back past it.
 */
export class RetractionService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly publisher: FeedPublisher,
  ) {}

  async retract(rawId: string, rawReason: string): Promise<FeedEntry> {
    const { id, reason } = parseInput(retractInput, { id: rawId, reason: rawReason }, '');
    const { entry } = await commitWithFeed(this.prisma, this.publisher, async (tx) => {
      const feed = (await this.retractPolicy(tx, id, reason)) ?? (await this.retractStatement(tx, id, reason)) ?? (await this.retractEvent(tx, id, reason));
      if (!feed) throw new NotFoundError('No policy, statement or event has id', id);
      return { result: {}, feed };
    });
    return entry;
  }

  private async retractPolicy(tx: Tx, id: string, reason: string): Promise<NewFeedEntry | null> {
    const found = await tx.policy.findUnique({ where: { id } });
    if (!found) return null;
    await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', `policy:${found.countryCode}/${found.nationality}/${found.category}`);
    const policy = (await tx.policy.findUniqueOrThrow({ where: { id } })) as Policy;
    assertNotRetracted(policy.retractedAt, id);
    const now = new Date();
    await tx.policy.update({ where: { id }, data: { retractedAt: now, retractionReason: reason } });
    const next = await tx.policy.findFirst({ where: { previousId: id, retractedAt: null } });
    if (next) await tx.policy.update({ where: { id: next.id }, data: { previousId: policy.previousId } });
    if (policy.previousId) {
      await tx.policy.update({ where: { id: policy.previousId }, data: { effectiveTo: policy.effectiveTo } });
    }
    return {
      kind: FeedKind.RETRACTION,
      nationality: policy.nationality,
      countryCodes: [policy.countryCode],
      retractedType: RecordType.POLICY,
      retractedId: id,
      category: policy.category,
      reason,
    };
  }

  private async retractStatement(tx: Tx, id: string, reason: string): Promise<NewFeedEntry | null> {
    const statement = await tx.statement.findUnique({ where: { id } });
    if (!statement) return null;
    assertNotRetracted(statement.retractedAt, id);
    await tx.statement.update({ where: { id }, data: { retractedAt: new Date(), retractionReason: reason } });
    return {
      kind: FeedKind.RETRACTION,
      countryCodes: statement.countryCode ? [statement.countryCode] : [],
      retractedType: RecordType.STATEMENT,
      retractedId: id,
      reason,
    };
  }

  private async retractEvent(tx: Tx, id: string, reason: string): Promise<NewFeedEntry | null> {
    const event = await tx.event.findUnique({ where: { id }, include: { countries: true } });
    if (!event) return null;
    assertNotRetracted(event.retractedAt, id);
    await tx.event.update({ where: { id }, data: { retractedAt: new Date(), retractionReason: reason } });
    return {
      kind: FeedKind.RETRACTION,
      countryCodes: event.countries.map((c) => c.countryCode),
      retractedType: RecordType.EVENT,
      retractedId: id,
      reason,
    };
  }
}

function assertNotRetracted(retractedAt: Date | null, id: string): void {
  if (retractedAt) throw new ConflictError(`${id} was already retracted on ${retractedAt.toISOString()}`);
}
