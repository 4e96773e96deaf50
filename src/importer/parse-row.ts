import { BadUserInputError } from '../common/errors';
import { parseIsoDate } from '../common/dates';
import { DEFAULT_NATIONALITY } from '../common/nationality';
import type { AddEventInputValue } from '../event/add-event.input';
import type { EventWriteService } from '../event/event-write.service';
import type { PolicyChangeInputValue } from '../policy/policy-change.input';
import type { PolicyChangeService } from '../policy/policy-change.service';
import type { AddStatementInputValue } from '../statement/add-statement.input';
import type { StatementWriteService } from '../statement/statement-write.service';
import type { ImportRow } from './import.types';

export interface ImporterServices {
  policies: PolicyChangeService;
  statements: StatementWriteService;
  events: EventWriteService;
}

/** A statement's link to a policy version, by natural key. */
export interface PolicyRef {
  countryCode: string;
  nationality: string;
  category: string;
  effectiveFrom: Date;
}

interface Common {
  row: ImportRow;
  /** Position in the input: ties on `when` keep file order. */
  index: number;
  /** When the record applies: rows are applied in this order, since a history can only be appended to. */
  when: Date;
}

export type ParsedRow =
  | (Common & { kind: 'policy'; input: PolicyChangeInputValue })
  | (Common & { kind: 'statement'; input: AddStatementInputValue; refs: PolicyRef[] })
  | (Common & { kind: 'event'; input: AddEventInputValue });

/** Validates a row with the mutations' own rules; throws BadUserInputError naming the field. */
export function parseRow(services: ImporterServices, row: ImportRow, index: number): ParsedRow {
  if (row.problem) throw new BadUserInputError(row.problem.field, row.problem.reason);
  switch (row.kind) {
    case 'policy': {
      const input = services.policies.parse({ ...row.data, expectedPreviousId: null }, row.kind);
      return { kind: 'policy', row, index, when: input.effectiveFrom, input };
    }
    case 'statement': {
      const { relatedPolicies, ...data } = row.data;
      const input = services.statements.parse({ ...data, relatedPolicyIds: [] }, row.kind);
      const refs = parseRefs(relatedPolicies);
      refs.forEach((ref, i) => services.policies.assertNationality(ref.nationality, `statement.relatedPolicies.${i}.nationality`));
      // A statement about a policy version goes in after that version.
      const latest = Math.max(input.saidAt.getTime(), ...refs.map((ref) => ref.effectiveFrom.getTime()));
      return { kind: 'statement', row, index, when: new Date(latest), input, refs };
    }
    case 'event': {
      const input = services.events.parse(row.data, row.kind);
      return { kind: 'event', row, index, when: input.occurredOn, input };
    }
  }
}

function parseRefs(value: unknown): PolicyRef[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new BadUserInputError('statement.relatedPolicies', 'must be a list');
  return value.map((ref: unknown, index) => {
    const r = (ref ?? {}) as Partial<Record<keyof PolicyRef, unknown>>;
    const field = `statement.relatedPolicies.${index}`;
    if (typeof r.countryCode !== 'string' || typeof r.category !== 'string' || typeof r.effectiveFrom !== 'string') {
      throw new BadUserInputError(field, 'must give countryCode, category and effectiveFrom');
    }
    if (r.nationality != null && typeof r.nationality !== 'string') throw new BadUserInputError(`${field}.nationality`, 'must be a string');
    return {
      countryCode: r.countryCode,
      category: r.category,
      nationality: typeof r.nationality === 'string' ? r.nationality : DEFAULT_NATIONALITY,
      effectiveFrom: parseIsoDate(r.effectiveFrom, `${field}.effectiveFrom`),
    };
  });
}
