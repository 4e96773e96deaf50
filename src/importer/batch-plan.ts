import { randomUUID } from 'node:crypto';
import { AppError, BadUserInputError } from '../common/errors';
import type { SourceInputValue } from '../common/validation';
import type { AddEventInputValue } from '../event/add-event.input';
import type { NewFeedEntry } from '../feed/feed.writer';
import { changeDirection } from '../policy/policy.direction';
import { feedEntryFor } from '../policy/policy-change.service';
import { statementFeedEntry } from '../statement/statement-write.service';
import { eventFeedEntry } from '../event/event-write.service';
import { assertAppendable, newVersionFields } from '../policy/policy.version';
import type { PolicyChangeInputValue } from '../policy/policy-change.input';
import type { AddStatementInputValue } from '../statement/add-statement.input';
import type { BatchState, VersionState } from './batch-state';
import { emptyTally, type RecordKind, type Tally } from './import.types';
import { eventKey, policyKey, samePolicyContent, sameEvent, sameStatement, statementKey } from './natural-keys';
import type { ParsedRow } from './parse-row';

export interface NewPolicy extends VersionState {
  changedAfter: Date | null;
  announcedAt: Date | null;
  verification: PolicyChangeInputValue['verification'];
  previousId: string | null;
  sources: SourceInputValue[];
}

export interface NewStatement {
  id: string;
  input: AddStatementInputValue;
  relatedPolicyIds: string[];
}

export interface NewEvent {
  id: string;
  input: AddEventInputValue;
  countryCodes: string[];
}

/** Everything one batch writes, decided in memory before any write. */
export interface BatchPlan {
  /** Versions already in the database that the batch closes: id to effectiveTo. */
  closes: Map<string, Date>;
  policies: NewPolicy[];
  statements: NewStatement[];
  events: NewEvent[];
  /** In row order: the feed numbers them in this order. */
  feed: NewFeedEntry[];
  created: Tally;
  unchanged: Tally;
  rejected: Array<{ item: ParsedRow; error: AppError }>;
}

type Outcome = { created: true; feed: NewFeedEntry } | { created: false };

/**
 * Decides each row of a batch against the state read for it, in row order,
 * updating that state as it goes so later rows see earlier ones. The rules are
 * those of PolicyChangeService.recordIn and the write services: a new version
 * closes the open one and must not start before it; natural keys find what is
 * already there.
 */
export function planBatch(batch: readonly ParsedRow[], state: BatchState): BatchPlan {
  const plan: BatchPlan = {
    closes: new Map(),
    policies: [],
    statements: [],
    events: [],
    feed: [],
    created: emptyTally(),
    unchanged: emptyTally(),
    rejected: [],
  };
  const createdIds = new Set<string>();
  for (const item of batch) {
    try {
      const outcome = planRow(item, state, plan, createdIds);
      if (outcome.created) {
        plan.feed.push(outcome.feed);
        plan.created[item.kind] += 1;
      } else {
        plan.unchanged[item.kind] += 1;
      }
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      plan.rejected.push({ item, error });
    }
  }
  return plan;
}

function planRow(item: ParsedRow, state: BatchState, plan: BatchPlan, createdIds: Set<string>): Outcome {
  switch (item.kind) {
    case 'policy':
      return planPolicy(item.input, state, plan, createdIds);
    case 'statement':
      return planStatement(item.input, item, state, plan);
    case 'event':
      return planEvent(item.input, state, plan);
  }
}

/**
 * A row equal to the version in force on its date (or starting on it) is
 * already there. Otherwise it becomes a new version, which must not start
 * before the current one.
 */
function planPolicy(input: PolicyChangeInputValue, state: BatchState, plan: BatchPlan, createdIds: Set<string>): Outcome {
  const key = policyKey(input);
  const versions = state.versions.get(key) ?? [];
  state.versions.set(key, versions);
  const day = input.effectiveFrom.getTime();
  const inForce = versions.findLast((v) => v.effectiveFrom.getTime() <= day && (v.effectiveTo === null || v.effectiveTo.getTime() >= day));
  if (inForce && samePolicyContent(inForce, input)) return { created: false };
  const head = versions.find((v) => v.effectiveTo === null) ?? null;
  assertAppendable(head, input.effectiveFrom, 'policy.effectiveFrom');
  const policy: NewPolicy = {
    id: randomUUID(),
    ...newVersionFields(input, head?.id ?? null),
    effectiveTo: null,
    sources: input.sources,
  };
  if (head) {
    head.effectiveTo = input.effectiveFrom;
    if (!createdIds.has(head.id)) plan.closes.set(head.id, input.effectiveFrom);
  }
  versions.push(policy);
  createdIds.add(policy.id);
  plan.policies.push(policy);
  return { created: true, feed: feedEntryFor({ policy, previous: head, direction: changeDirection(head, policy) }) };
}

function planStatement(input: AddStatementInputValue, item: ParsedRow & { kind: 'statement' }, state: BatchState, plan: BatchPlan): Outcome {
  const key = statementKey(input);
  const existing = state.statements.get(key);
  if (existing) return unchangedOrConflict(sameStatement(existing, input), 'statement');
  if (input.replyToId && !state.statementIds.has(input.replyToId)) {
    throw new BadUserInputError('statement.replyToId', `no statement has id ${input.replyToId}`);
  }
  const relatedPolicyIds = item.refs.map((ref, index) => {
    const version = state.versions.get(policyKey(ref))?.find((v) => v.effectiveFrom.getTime() === ref.effectiveFrom.getTime());
    if (!version) {
      throw new BadUserInputError(`statement.relatedPolicies.${index}`, 'no policy version matches this country, category and effectiveFrom');
    }
    return version.id;
  });
  const id = randomUUID();
  state.statements.set(key, input);
  plan.statements.push({ id, input, relatedPolicyIds: [...new Set(relatedPolicyIds)] });
  return { created: true, feed: statementFeedEntry({ id, countryCode: input.countryCode }) };
}

function planEvent(input: AddEventInputValue, state: BatchState, plan: BatchPlan): Outcome {
  const key = eventKey(input);
  const existing = state.events.get(key);
  if (existing) return unchangedOrConflict(sameEvent(existing, input), 'event');
  const id = randomUUID();
  // The place where it happened always counts among the countries involved (as EventWriteService.addIn).
  const countryCodes = [...new Set([...(input.countryCode ? [input.countryCode] : []), ...input.countryCodes])];
  state.events.set(key, { ...input, figureValue: input.figure?.value ?? null });
  plan.events.push({ id, input, countryCodes });
  return { created: true, feed: eventFeedEntry({ event: { id }, countryCodes }) };
}

function unchangedOrConflict(same: boolean, kind: RecordKind): Outcome {
  if (same) return { created: false };
  throw new BadUserInputError(kind, `a ${kind} with the same natural key exists with other details; retract it before importing a corrected one`);
}
