import { AppError, BadUserInputError, ConflictError, NotFoundError } from '../common/errors';
import { notBeforeCurrent, stalePrevious } from '../policy/policy.versioning';

/**
 * The SQLSTATE of a write function's refusal (bw_refuse in prisma/migrations/20261203050000_write_functions):
 * the rule is the message, its facts a JSON DETAIL naming the field relative to the input.
 */
export const REFUSAL_SQLSTATE = 'BW001';

interface Facts {
  field?: string;
  id?: string;
  currentId?: string | null;
  expectedId?: string;
  currentFrom?: string;
  retractedAt?: string;
  countryCode?: string;
  nationality?: string;
  category?: string;
}

/**
 * A write function's refusal as the API's error, the same code, message and extensions the TypeScript
 * write path threw before the writes moved into SQL; `root` is the input's path (`input`). Null for any
 * other error. The one place a refusal from SQL is mapped.
 */
export function refusalOf(error: unknown, root: string): AppError | null {
  const { code, message, detail } = pgError(error);
  if (code !== REFUSAL_SQLSTATE || typeof message !== 'string') return null;
  const facts = JSON.parse(typeof detail === 'string' ? detail : '{}') as Facts;
  const field = `${root ? `${root}.` : ''}${facts.field ?? ''}`;
  switch (message) {
    case 'stale-previous':
      return stalePrevious(field, { countryCode: facts.countryCode!, nationality: facts.nationality!, category: facts.category! }, facts.currentId ?? null, facts.expectedId!);
    case 'not-before-current':
      return notBeforeCurrent(field, new Date(`${facts.currentFrom!}T00:00:00Z`));
    case 'unknown-statement':
      return new BadUserInputError(field, `no statement has id ${facts.id}`);
    case 'unknown-policy':
      return new BadUserInputError(field, `no policy has id ${facts.id}`);
    case 'already-retracted':
      return new ConflictError(`${facts.id} was already retracted on ${new Date(facts.retractedAt!).toISOString()}`);
    case 'not-found':
      return new NotFoundError('No policy, statement or event has id', facts.id!);
    default:
      return null;
  }
}

/** pg's error fields, from pg itself or from under Prisma's driver-adapter wrapper (tests write through both). */
function pgError(error: unknown): { code?: unknown; message?: unknown; detail?: unknown } {
  const direct = error as { code?: unknown; message?: unknown; detail?: unknown; meta?: { driverAdapterError?: { cause?: Record<string, unknown> } } } | null;
  if (direct?.code === REFUSAL_SQLSTATE) return direct;
  const cause = direct?.meta?.driverAdapterError?.cause;
  if (cause?.originalCode === REFUSAL_SQLSTATE) return { code: REFUSAL_SQLSTATE, message: cause.originalMessage, detail: cause.detail };
  return {};
}
