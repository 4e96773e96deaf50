import { randomUUID } from 'node:crypto';
import { AppError, BadUserInputError } from '../common/errors';
import type { SourceInputValue } from '../common/validation';
import type { AddEventInputValue } from '../event/add-event.input';
import type { NewFeedEntry } from '../feed/feed.writer';
import { changeDirection } from '../policy/policy.direction';
import { feedEntryFor } from '../policy/policy-change.service';
import { statementFeedEntry } from '../statement/statement-write.service';
import { eventFeedEntry, involved } from '../event/event-write.service';
import { appendVersion } from '../policy/policy.versioning';
import type { PolicyChangeInputValue } from '../policy/policy-change.input';
import type { AddStatementInputValue } from '../statement/add-statement.input';
import type { BatchState, Keyed, VersionState } from './record-state';
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
  /** Rows matching a retracted record: left retracted, not created again. */
  retracted: Tally;
  rejected: Array<{ item: ParsedRow; error: AppError }>;
}

type Outcome = { created: true; feed: NewFeedEntry } | { created: false; retracted: boolean };

const UNCHANGED: Outcome = { created: false, retracted: false };
const RETRACTED: Outcome = { created: false, retracted: true };

/**
 * Decides each row of a batch against the state read for it, in row order,
 * updating that state as it goes so later rows see earlier ones. The rules are
 * those of the write functions (src/policy/policy.versioning.ts): a new version
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
    retracted: emptyTally(),
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
        (outcome.retracted ? plan.retracted : plan.unchanged)[item.kind] += 1;
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
 * already there. A row equal to a retracted version that said so for its date
 * (no other version started between that one and the row's date) was found
 * wrong once: it stays out. Otherwise it becomes a new version, which must not
 * start before the current one.
 */
function planPolicy(input: PolicyChangeInputValue, state: BatchState, plan: BatchPlan, createdIds: Set<string>): Outcome {
  const key = policyKey(input);
  const versions = state.versions.get(key) ?? [];
  state.versions.set(key, versions);
  const day = input.effectiveFrom.getTime();
  const inForce = versions.findLast((v) => v.effectiveFrom.getTime() <= day && (v.effectiveTo === null || v.effectiveTo.getTime() >= day));
  if (inForce && samePolicyContent(inForce, input)) return UNCHANGED;
  if (retractedSays(input, day, versions, state.retractedVersions.get(key) ?? [])) return RETRACTED;
  const head = versions.find((v) => v.effectiveTo === null) ?? null;
  const policy: NewPolicy = {
    id: randomUUID(),
    ...appendVersion(head, input, 'policy.effectiveFrom'),
    effectiveTo: null,
    sources: input.sources,
  };
  if (head && !createdIds.has(head.id)) plan.closes.set(head.id, input.effectiveFrom);
  versions.push(policy);
  createdIds.add(policy.id);
  plan.policies.push(policy);
  return { created: true, feed: feedEntryFor({ policy, previous: head, direction: changeDirection(head, policy) }) };
}

/** Whether a retracted version with the row's content held on `day`: it started then or before, and no other version since. */
function retractedSays(input: PolicyChangeInputValue, day: number, live: readonly VersionState[], retracted: readonly VersionState[]): boolean {
  const starts = [...live, ...retracted].map((v) => v.effectiveFrom.getTime());
  return retracted.some((v) => {
    const from = v.effectiveFrom.getTime();
    return from <= day && samePolicyContent(v, input) && !starts.some((start) => start > from && start <= day);
  });
}

function planStatement(input: AddStatementInputValue, item: ParsedRow & { kind: 'statement' }, state: BatchState, plan: BatchPlan): Outcome {
  const key = statementKey(input);
  const existing = state.statements.get(key);
  if (existing) {
    const known = matchKeyed(existing, (record) => sameStatement(record, input), 'statement');
    if (known) return known;
  }
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
  state.statements.set(key, { live: input, retracted: existing?.retracted ?? [] });
  plan.statements.push({ id, input, relatedPolicyIds: [...new Set(relatedPolicyIds)] });
  return { created: true, feed: statementFeedEntry({ id, countryCode: input.countryCode }) };
}

function planEvent(input: AddEventInputValue, state: BatchState, plan: BatchPlan): Outcome {
  const key = eventKey(input);
  const existing = state.events.get(key);
  if (existing) {
    const known = matchKeyed(existing, (record) => sameEvent(record, input), 'event');
    if (known) return known;
  }
  const id = randomUUID();
  const countryCodes = involved(input);
  state.events.set(key, { live: { ...input, figureValue: input.figure?.value ?? null }, retracted: existing?.retracted ?? [] });
  plan.events.push({ id, input, countryCodes });
  return { created: true, feed: eventFeedEntry({ event: { id }, countryCodes }) };
}

/**
 * A row whose natural key is taken: unchanged when the live record has its
 * details; left out when a retracted record has them (it was found wrong);
 * refused when only the live record differs. Null when only retracted records
 * with other details hold the key: the row is the correction, to be created.
 */
function matchKeyed<T>(keyed: Keyed<T>, same: (record: T) => boolean, kind: RecordKind): Outcome | null {
  if (keyed.live && same(keyed.live)) return UNCHANGED;
  if (keyed.retracted.some(same)) return RETRACTED;
  if (keyed.live) {
    throw new BadUserInputError(kind, `a ${kind} with the same natural key exists with other details; retract it before importing a corrected one`);
  }
  return null;
}
