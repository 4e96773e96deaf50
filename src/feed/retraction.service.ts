import { z } from 'zod';
import { ConflictError, NotFoundError } from '../common/errors';
import { FeedKind, RecordType } from '../common/enums';
import { parseInput, requiredText } from '../common/validation';
import type { FeedEntry, Policy, Prisma, PrismaClient } from '../generated/prisma/client';
import type { FeedPublisher } from './feed.publisher';
import { lockInOrder, policyLock } from '../db/locks';
import { commitWithFeed } from './feed.commit';
import type { NewFeedEntry } from './feed.writer';
import { StatementTable } from '../generated/model';

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
    // The policy's writers queue here: the versions around this one cannot move while it is unlinked.
    await lockInOrder(tx, [policyLock(found)]);
    const policy = (await tx.policy.findUniqueOrThrow({ where: { id } })) as Policy;
    assertNotRetracted(policy.retractedAt, id);
    await tx.policy.update({ where: { id }, data: { retractedAt: new Date(), retractionReason: reason } });
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
    const [statement] = await retractRow<{ countryCode: string | null }>(tx, 'statement', id, reason, `${StatementTable.columns.countryCode} AS "countryCode"`);
    if (!statement) return refuseIfFound(await tx.statement.findUnique({ where: { id }, select: { retractedAt: true } }), id);
    return {
      kind: FeedKind.RETRACTION,
      countryCodes: statement.countryCode ? [statement.countryCode] : [],
      retractedType: RecordType.STATEMENT,
      retractedId: id,
      reason,
    };
  }

  private async retractEvent(tx: Tx, id: string, reason: string): Promise<NewFeedEntry | null> {
    const [event] = await retractRow<{ countryCodes: string[] }>(
      tx,
      'event',
      id,
      reason,
      '(SELECT coalesce(array_agg(ec.country_code ORDER BY ec.country_code), ARRAY[]::varchar[]) FROM event_country ec WHERE ec.event_id = event.id) AS "countryCodes"',
    );
    if (!event) return refuseIfFound(await tx.event.findUnique({ where: { id }, select: { retractedAt: true } }), id);
    return {
      kind: FeedKind.RETRACTION,
      countryCodes: event.countryCodes,
      retractedType: RecordType.EVENT,
      retractedId: id,
      reason,
    };
  }
}

/**
 * Retracts a statement or event only if nobody has yet, in one statement: of
 * two concurrent retractions the second waits for the first's row lock, then
 * finds the row retracted and changes nothing (no second feed item, the first
 * reason kept). No row back: unknown id, or retracted already.
 */
function retractRow<T>(tx: Tx, table: 'statement' | 'event', id: string, reason: string, returning: string): Promise<T[]> {
  return tx.$queryRawUnsafe<T[]>(
    `UPDATE ${table} SET retracted_at = now(), retraction_reason = $2 WHERE id = $1::uuid AND retracted_at IS NULL RETURNING ${returning}`,
    id,
    reason,
  );
}

/** After a retraction that changed nothing: CONFLICT when the record exists (so it was retracted already), else not this kind. */
function refuseIfFound(found: { retractedAt: Date | null } | null, id: string): null {
  if (found) assertNotRetracted(found.retractedAt, id);
  return null;
}

function assertNotRetracted(retractedAt: Date | null, id: string): void {
  if (retractedAt) throw new ConflictError(`${id} was already retracted on ${retractedAt.toISOString()}`);
}
