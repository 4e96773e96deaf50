import { registerEnumType } from 'type-graphql';
import {
  ChangeDirection,
  EventKind,
  FeedKind,
  FigureQualifier,
  PolicyCategory,
  PolicyStatus,
  RecordType,
  StatementMedium,
  TimePrecision,
  Verification,
  VisaRequirement,
} from '../generated/prisma/enums';

// The database enums are the GraphQL enums: one list of values, no mapping.
export {
  ChangeDirection,
  EventKind,
  FeedKind,
  FigureQualifier,
  PolicyCategory,
  PolicyStatus,
  RecordType,
  StatementMedium,
  TimePrecision,
  Verification,
  VisaRequirement,
};

registerEnumType(PolicyCategory, { name: 'PolicyCategory', description: 'What a policy governs.' });
registerEnumType(PolicyStatus, {
  name: 'PolicyStatus',
  description: 'Coarse openness for maps, from OPEN (least strict) to CLOSED (most strict).',
});
registerEnumType(VisaRequirement, { name: 'VisaRequirement', description: 'What a traveller needs before or at entry.' });
registerEnumType(StatementMedium, { name: 'StatementMedium' });
registerEnumType(EventKind, { name: 'EventKind' });
registerEnumType(FigureQualifier, {
  name: 'FigureQualifier',
  description: 'How a source qualifies a figure ("about", "more than"...), so it is never quoted more precisely than said.',
});
registerEnumType(Verification, {
  name: 'Verification',
  description: 'Whether the sources state the fact (VERIFIED), only part of it or weakly (PARTLY_VERIFIED), or not at all (UNVERIFIED).',
});
registerEnumType(TimePrecision, {
  name: 'TimePrecision',
  description: 'How much of a timestamp is known: DAY means only the date is, and the time part is 00:00 UTC.',
});
registerEnumType(FeedKind, {
  name: 'FeedKind',
  valuesConfig: {
    POLICY_IN_FORCE: { description: 'A version recorded ahead of time, on the first day (UTC) it is in force (PolicyInForce).' },
  },
});
registerEnumType(ChangeDirection, {
  name: 'ChangeDirection',
  description: 'How a policy version compares with the one it replaced.',
});
registerEnumType(RecordType, { name: 'RecordType' });
