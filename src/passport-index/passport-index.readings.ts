import { PolicyStatus, VisaRequirement } from '../common/enums';

/** One passport's value for one destination in one snapshot, normalized. */
export interface Reading {
  visaRequirement: VisaRequirement;
  /** Visa-free days; null when the data set gives none. */
  maxStayDays: number | null;
  /** Values that are more than a requirement: a Covid-19 ban, Qatar's World Cup fan ID. */
  special: 'covid ban' | 'hayya' | null;
  /** The value exactly as the data set writes it. */
  raw: string;
  /** What a legacy notation means, said in the record so nobody has to guess. */
  notation: string | null;
}

/**
 * The data set changed notation twice (evidence in prisma/seed/passport-index/README.md):
 * - until 2019-12-17: codes 3 visa-free, 2 visa on arrival, 1 eTA, 0 visa required
 *   (README "Codes" table and its notebook: 3 - i over the lists com_c_vf, com_c_voa, com_c_eta);
 * - 2020-02-07 to 2020-05-09: day counts, VF, VR and the letters ETA and VOA, which its
 *   notebook wrote swapped ('ETA' for the visa-on-arrival list, 'VOA' for the eTA list);
 * - from 2020-11-19: the words used today. eTAs were counted as "e-visa" until the
 *   "eta" value appeared on 2025-01-12.
 * The same tables read every passport: nothing here depends on whose passport it is.
 */
const LETTERS_FROM = '2020-02-07';
const WORDS_FROM = '2020-11-19';
/** The first snapshots written in a new notation. */
export const NOTATION_CHANGES: readonly string[] = [LETTERS_FROM, WORDS_FROM];
export const ETA_CATEGORY_FROM = '2025-01-12';

const NUMERIC: Record<string, [VisaRequirement, string]> = {
  '3': [VisaRequirement.VISA_FREE, 'code 3 of the 2019 notation: visa-free travel, no day count'],
  '2': [VisaRequirement.VISA_ON_ARRIVAL, 'code 2 of the 2019 notation: visa on arrival'],
  '1': [VisaRequirement.E_VISA, 'code 1 of the 2019 notation: eTA (electronic travel authority) required, counted as "e-visa" from 2020-11-19'],
  '0': [VisaRequirement.VISA_REQUIRED, 'code 0 of the 2019 notation: visa required'],
};

const LETTERS: Record<string, [VisaRequirement, string]> = {
  VF: [VisaRequirement.VISA_FREE, '"VF" of the early-2020 notation: visa-free travel, no day count'],
  VR: [VisaRequirement.VISA_REQUIRED, '"VR" of the early-2020 notation: visa required'],
  // Swapped by the data set's own notebook; see the README of prisma/seed/passport-index.
  ETA: [VisaRequirement.VISA_ON_ARRIVAL, '"ETA" of the early-2020 notation, which its notebook wrote for the visa-on-arrival list (labels swapped): visa on arrival'],
  VOA: [VisaRequirement.E_VISA, '"VOA" of the early-2020 notation, which its notebook wrote for the eTA list (labels swapped): eTA, counted as "e-visa" from 2020-11-19'],
};

const WORDS: Record<string, VisaRequirement> = {
  'visa free': VisaRequirement.VISA_FREE,
  'visa on arrival': VisaRequirement.VISA_ON_ARRIVAL,
  eta: VisaRequirement.ETA,
  'e-visa': VisaRequirement.E_VISA,
  'visa required': VisaRequirement.VISA_REQUIRED,
  'no admission': VisaRequirement.NO_ADMISSION,
};

/**
 * Words that only some passports have, with what they mean. `EVW` is the United
 * Kingdom's Electronic Visa Waiver (Kuwait, Oman, Qatar and the UAE, 2020-11-19 to
 * 2021-11-21 only): an electronic authorisation, which the data set wrote `1` (eTA)
 * and `VOA` (eTA, swapped) before and `e-visa` after, so it reads like them.
 */
const RARE_WORDS: Record<string, [VisaRequirement, string]> = {
  EVW: [VisaRequirement.E_VISA, '"EVW" of the 2020-11-19 to 2021-11-21 snapshots: the United Kingdom\'s Electronic Visa Waiver, an electronic travel authorisation, counted as "e-visa" from 2021-12-14'],
};

/** Null for `-1` (the passport's own country); throws on a value nobody has mapped. */
export function readValue(raw: string, snapshot: string): Reading | null {
  if (raw === '-1') return null;
  const days = /^\d+$/.test(raw) ? Number(raw) : null;
  if (snapshot < LETTERS_FROM) {
    const code = NUMERIC[raw];
    if (code) return { visaRequirement: code[0], maxStayDays: null, special: null, raw, notation: code[1] };
  } else if (snapshot < WORDS_FROM) {
    const letter = LETTERS[raw];
    if (letter) return { visaRequirement: letter[0], maxStayDays: null, special: null, raw, notation: letter[1] };
    if (days !== null) return { visaRequirement: VisaRequirement.VISA_FREE, maxStayDays: days, special: null, raw, notation: null };
  } else {
    if (days !== null) return { visaRequirement: VisaRequirement.VISA_FREE, maxStayDays: days, special: null, raw, notation: null };
    const word = WORDS[raw];
    if (word) return { visaRequirement: word, maxStayDays: null, special: null, raw, notation: null };
    const rare = RARE_WORDS[raw];
    if (rare) return { visaRequirement: rare[0], maxStayDays: null, special: null, raw, notation: rare[1] };
    if (raw === 'covid ban') return { visaRequirement: VisaRequirement.NO_ADMISSION, maxStayDays: null, special: 'covid ban', raw, notation: null };
    if (raw === 'Hayya Entry Permit') return { visaRequirement: VisaRequirement.ETA, maxStayDays: null, special: 'hayya', raw, notation: null };
  }
  throw new Error(`passport index: unmapped value "${raw}" in the snapshot of ${snapshot}`);
}

export function sameReading(a: Reading, b: Reading): boolean {
  return a.visaRequirement === b.visaRequirement && a.maxStayDays === b.maxStayDays && a.special === b.special;
}

/** The project's coarse status for each requirement; the Hayya card made entry conditional on it. */
export function statusOf(reading: Reading): PolicyStatus {
  if (reading.special === 'hayya') return PolicyStatus.CONDITIONAL;
  switch (reading.visaRequirement) {
    case VisaRequirement.VISA_FREE:
      return PolicyStatus.OPEN;
    case VisaRequirement.VISA_ON_ARRIVAL:
    case VisaRequirement.ETA:
      return PolicyStatus.FACILITATED;
    case VisaRequirement.E_VISA:
    case VisaRequirement.VISA_REQUIRED:
      return PolicyStatus.CONDITIONAL;
    case VisaRequirement.NO_ADMISSION:
      return PolicyStatus.CLOSED;
  }
}

/** Titles depend on the content only, so the importer's equality check sees an unchanged rule as unchanged. */
export function titleOf(reading: Reading): string {
  if (reading.special === 'covid ban') return 'Entry banned for most travellers under Covid-19 rules';
  if (reading.special === 'hayya') return 'Entry only with a Hayya card, the FIFA World Cup 2022 fan ID';
  switch (reading.visaRequirement) {
    case VisaRequirement.VISA_FREE:
      return reading.maxStayDays === null ? 'Visa-free (length of stay not recorded)' : `Visa-free for ${reading.maxStayDays} days`;
    case VisaRequirement.VISA_ON_ARRIVAL:
      return 'Visa on arrival';
    case VisaRequirement.ETA:
      return 'Electronic travel authorisation (eTA) required';
    case VisaRequirement.E_VISA:
      return 'E-visa required';
    case VisaRequirement.VISA_REQUIRED:
      return 'Visa required';
    case VisaRequirement.NO_ADMISSION:
      return 'No admission';
  }
}
