import type { AddEventInputValue } from '../event/add-event.input';
import type { PolicyChangeInputValue } from '../policy/policy-change.input';
import type { AddStatementInputValue } from '../statement/add-statement.input';
import type { EventState, StatementState, VersionState } from './record-state';

/**
 * What makes two records the same, for the importer. Policies: the version's
 * substance (not its sources or dating notes, which differ between the
 * snapshots that observe one unchanged rule). Statements: speaker, time and
 * words. Events: title and day.
 */
export function samePolicyContent(policy: VersionState, input: PolicyChangeInputValue): boolean {
  return (
    policy.status === input.status &&
    policy.visaRequirement === input.visaRequirement &&
    policy.maxStayDays === input.maxStayDays &&
    policy.title === input.title &&
    (policy.summary ?? null) === input.summary
  );
}

export function policyKey(ref: { countryCode: string; nationality: string; category: string }): string {
  return `${ref.countryCode}/${ref.nationality}/${ref.category}`;
}

export function statementKey(statement: { speaker: string; saidAt: Date; text: string }): string {
  return JSON.stringify([statement.speaker, statement.saidAt.getTime(), statement.text]);
}

export function eventKey(event: { title: string; occurredOn: Date }): string {
  return JSON.stringify([event.title, event.occurredOn.getTime()]);
}

export function sameStatement(statement: StatementState, input: AddStatementInputValue): boolean {
  return (
    statement.speakerRole === input.speakerRole &&
    statement.countryCode === input.countryCode &&
    statement.medium === input.medium &&
    statement.language === input.language &&
    statement.verification === input.verification
  );
}

export function sameEvent(event: EventState, input: AddEventInputValue): boolean {
  return (
    event.kind === input.kind &&
    (event.description ?? null) === input.description &&
    event.countryCode === input.countryCode &&
    event.figureValue === (input.figure?.value ?? null) &&
    event.verification === input.verification
  );
}
