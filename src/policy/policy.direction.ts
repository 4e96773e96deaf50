import { ChangeDirection, PolicyStatus, VisaRequirement } from '../common/enums';

/** Least strict first. */
const STATUS_ORDER: readonly PolicyStatus[] = [
  PolicyStatus.OPEN,
  PolicyStatus.FACILITATED,
  PolicyStatus.CONDITIONAL,
  PolicyStatus.RESTRICTED,
  PolicyStatus.CLOSED,
];

/** Least strict first: needing nothing, then paperwork at the border, then before travel, then no entry. */
const VISA_ORDER: readonly VisaRequirement[] = [
  VisaRequirement.VISA_FREE,
  VisaRequirement.VISA_ON_ARRIVAL,
  VisaRequirement.ETA,
  VisaRequirement.E_VISA,
  VisaRequirement.VISA_REQUIRED,
  VisaRequirement.NO_ADMISSION,
];

export interface Strictness {
  status: PolicyStatus;
  visaRequirement: VisaRequirement | null;
  maxStayDays: number | null;
}

/**
 * NEW without a previous version; otherwise compares the status, then the
 * visa requirement, then the permitted stay (longer is looser). The importer's
 * planner uses this; the API's write function uses its SQL twin,
 * bw_change_direction (prisma/migrations/20261203050000_write_functions), and
 * test/integration/versioning-rules.test.ts checks on generated cases that they agree.
 */
export function changeDirection(previous: Strictness | null, next: Strictness): ChangeDirection {
  if (!previous) return ChangeDirection.NEW;
  const byStatus = STATUS_ORDER.indexOf(next.status) - STATUS_ORDER.indexOf(previous.status);
  if (byStatus !== 0) return byStatus > 0 ? ChangeDirection.STRICTER : ChangeDirection.LOOSER;
  if (previous.visaRequirement && next.visaRequirement) {
    const byVisa = VISA_ORDER.indexOf(next.visaRequirement) - VISA_ORDER.indexOf(previous.visaRequirement);
    if (byVisa !== 0) return byVisa > 0 ? ChangeDirection.STRICTER : ChangeDirection.LOOSER;
  }
  if (previous.maxStayDays !== null && next.maxStayDays !== null && previous.maxStayDays !== next.maxStayDays) {
    return next.maxStayDays < previous.maxStayDays ? ChangeDirection.STRICTER : ChangeDirection.LOOSER;
  }
  return ChangeDirection.UNCHANGED;
}
