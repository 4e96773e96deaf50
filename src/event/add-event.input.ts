import { z } from 'zod';
import { EventKind, FigureQualifier, Verification } from '../common/enums';
import { calendarDate, countryCode, optionalText, requiredText, sourcesInput } from '../common/validation';

export const figureInput = z.object({
  value: z.number().finite('must be a finite number'),
  unit: requiredText(100),
  qualifier: z.enum(FigureQualifier).nullish().transform((value) => value ?? null),
});

/** The rules for a new event, shared by the mutation and the importer. */
export const addEventInput = z.object({
  title: requiredText(300),
  description: optionalText(10_000),
  kind: z.enum(EventKind),
  occurredOn: calendarDate,
  countryCode: countryCode.nullish().transform((value) => value ?? null),
  countryCodes: z.array(countryCode).max(50, 'must list at most 50 countries').nullish().transform((value) => value ?? []),
  figure: figureInput.nullish().transform((value) => value ?? null),
  verification: z.enum(Verification).nullish().transform((value) => value ?? Verification.VERIFIED),
  sources: sourcesInput,
});

export type AddEventInputValue = z.output<typeof addEventInput>;
