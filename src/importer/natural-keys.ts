import { BadUserInputError } from '../common/errors';
import type { AddEventInputValue } from '../event/add-event.input';
import type { Event, Policy, Prisma, Statement } from '../generated/prisma/client';
import type { PolicyChangeInputValue } from '../policy/policy-change.input';
import type { AddStatementInputValue } from '../statement/add-statement.input';
import type { PolicyRef } from './importer';

type Tx = Prisma.TransactionClient;

/**
 * What makes two records the same, for the importer. Policies: the version's
 * substance (not its sources or dating notes, which differ between the
 * snapshots that observe one unchanged rule). Statements: speaker, time and
 * words. Events: title and day.
 */
export function samePolicyContent(policy: Policy, input: PolicyChangeInputValue): boolean {
  return (
    policy.status === input.status &&
    policy.visaRequirement === input.visaRequirement &&
    policy.maxStayDays === input.maxStayDays &&
    policy.title === input.title &&
    (policy.summary ?? null) === input.summary
  );
}

export function findStatement(tx: Tx, input: AddStatementInputValue): Promise<Statement | null> {
  return tx.statement.findFirst({ where: { speaker: input.speaker, saidAt: input.saidAt, text: input.text, retractedAt: null } });
}

export function sameStatement(statement: Statement, input: AddStatementInputValue): boolean {
  return (
    statement.speakerRole === input.speakerRole &&
    statement.countryCode === input.countryCode &&
    statement.medium === input.medium &&
    statement.language === input.language &&
    statement.verification === input.verification
  );
}

export function findEvent(tx: Tx, input: AddEventInputValue): Promise<Event | null> {
  return tx.event.findFirst({ where: { title: input.title, occurredOn: input.occurredOn, retractedAt: null } });
}

export function sameEvent(event: Event, input: AddEventInputValue): boolean {
  return (
    event.kind === input.kind &&
    (event.description ?? null) === input.description &&
    event.countryCode === input.countryCode &&
    (event.figureValue === null ? null : Number(event.figureValue)) === (input.figure?.value ?? null) &&
    event.verification === input.verification
  );
}

/** Policy ids for references by natural key (country, nationality, category, effectiveFrom). */
export async function resolvePolicyRefs(tx: Tx, refs: readonly PolicyRef[]): Promise<string[]> {
  const ids: string[] = [];
  for (const [index, ref] of refs.entries()) {
    const policy = await tx.policy.findFirst({
      where: {
        countryCode: ref.countryCode,
        nationality: ref.nationality,
        category: ref.category as Policy['category'],
        effectiveFrom: ref.effectiveFrom,
        retractedAt: null,
      },
      select: { id: true },
    });
    if (!policy) {
      throw new BadUserInputError(`statement.relatedPolicies.${index}`, 'no policy version matches this country, category and effectiveFrom');
    }
    ids.push(policy.id);
  }
  return ids;
}
