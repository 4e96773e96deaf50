import { z } from 'zod';
import { StatementMedium, TimePrecision, Verification } from '../common/enums';
import { countryCode, instant, optionalText, requiredText, sourcesInput } from '../common/validation';

/** The rules for a new statement, shared by the mutation and the importer. */
export const addStatementInput = z.object({
  speaker: requiredText(200),
  speakerRole: optionalText(300),
  countryCode: countryCode.nullish().transform((value) => value ?? null),
  saidAt: instant,
  saidAtPrecision: z.enum(TimePrecision).nullish().transform((value) => value ?? TimePrecision.DAY),
  text: requiredText(10_000),
  language: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 language tag such as "en" or "lt"')
    .nullish()
    .transform((value) => value ?? 'en'),
  medium: z.enum(StatementMedium),
  replyToId: z.uuid('must be a statement id').nullish().transform((value) => value ?? null),
  relatedPolicyIds: z.array(z.uuid('must be a policy id')).max(50).nullish().transform((value) => [...new Set(value ?? [])]),
  verification: z.enum(Verification).nullish().transform((value) => value ?? Verification.VERIFIED),
  sources: sourcesInput,
});

export type AddStatementInputValue = z.output<typeof addStatementInput>;
