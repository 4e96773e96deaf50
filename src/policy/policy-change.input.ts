import { z } from 'zod';
import { PolicyCategory, PolicyStatus, Verification, VisaRequirement } from '../common/enums';
import { DEFAULT_NATIONALITY } from '../common/nationality';
import { calendarDate, countryCode, optionalText, requiredText, sourcesInput } from '../common/validation';

/** The rules for a new policy version, shared by the mutation and the importer. */
export const policyChangeInput = z
  .object({
    countryCode,
    nationality: countryCode.nullish().transform((value) => value ?? DEFAULT_NATIONALITY),
    category: z.enum(PolicyCategory),
    status: z.enum(PolicyStatus),
    visaRequirement: z.enum(VisaRequirement).nullish().transform((value) => value ?? null),
    maxStayDays: z.number().int().min(1, 'must be at least 1').max(3650, 'must be at most 3650').nullish().transform((v) => v ?? null),
    title: requiredText(200),
    summary: optionalText(4000),
    effectiveFrom: calendarDate,
    changedAfter: calendarDate.nullish().transform((value) => value ?? null),
    announcedAt: calendarDate.nullish().transform((value) => value ?? null),
    verification: z.enum(Verification).nullish().transform((value) => value ?? Verification.VERIFIED),
    sources: sourcesInput,
    expectedPreviousId: z.uuid('must be a policy id').nullish().transform((value) => value ?? null),
  })
  .superRefine((input, ctx) => {
    if (input.changedAfter && input.changedAfter >= input.effectiveFrom) {
      ctx.addIssue({ code: 'custom', path: ['changedAfter'], message: 'must be before effectiveFrom' });
    }
  });

export type PolicyChangeInputValue = z.output<typeof policyChangeInput>;
