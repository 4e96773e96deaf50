/**
 * What the map's colours and marks mean. The colours are Okabe and Ito's palette for colour-blind
 * readers ("Color Universal Design", 2008), from looser to stricter; test/unit/map-palette.test.ts
 * checks that every pair stays apart under simulated protanopia, deuteranopia and tritanopia. An
 * entry restriction is never shown by colour alone: it is hatched and outlined.
 */
export const VISA_REQUIREMENTS = ['VISA_FREE', 'VISA_ON_ARRIVAL', 'ETA', 'E_VISA', 'VISA_REQUIRED', 'NO_ADMISSION'] as const;
export type VisaRequirement = (typeof VISA_REQUIREMENTS)[number];
export type Requirement = VisaRequirement | 'NO_DATA';

export const COLOURS: Record<Requirement, string> = {
  VISA_FREE: '#009E73', // bluish green
  VISA_ON_ARRIVAL: '#56B4E9', // sky blue
  ETA: '#0072B2', // blue
  E_VISA: '#F0E442', // yellow
  VISA_REQUIRED: '#E69F00', // orange
  NO_ADMISSION: '#D55E00', // vermillion
  NO_DATA: '#DDDDDD',
};

export const LABELS: Record<Requirement, string> = {
  VISA_FREE: 'Visa-free',
  VISA_ON_ARRIVAL: 'Visa on arrival',
  ETA: 'Electronic travel authorisation',
  E_VISA: 'E-visa',
  VISA_REQUIRED: 'Visa required',
  NO_ADMISSION: 'No admission',
  NO_DATA: 'No data',
};

export const RESTRICTION_LABEL = 'Entry restricted or closed beyond the visa rule';

/** Statuses of an ENTRY policy that the map marks: the Baltic, Polish and Finnish bans of 2022 are RESTRICTED. */
export const MARKED_ENTRY_STATUSES: readonly string[] = ['RESTRICTED', 'CLOSED'];

export function requirementOf(visa: { visaRequirement: string | null } | null | undefined): Requirement {
  const value = visa?.visaRequirement;
  return value && (VISA_REQUIREMENTS as readonly string[]).includes(value) ? (value as VisaRequirement) : 'NO_DATA';
}

/** The ENTRY version that restricts entry beyond the visa rule, if one is in force. */
export function entryRestriction<P extends { category: string; status: string }>(policies: readonly P[]): P | null {
  return policies.find((policy) => policy.category === 'ENTRY' && MARKED_ENTRY_STATUSES.includes(policy.status)) ?? null;
}
