import { ChangeDirection } from '../../src/common/enums';
import { changeDirection, type Strictness } from '../../src/policy/policy.direction';

const rule = (status: Strictness['status'], visaRequirement: Strictness['visaRequirement'] = null, maxStayDays: number | null = null): Strictness => ({
  status,
  visaRequirement,
  maxStayDays,
});

describe('changeDirection', () => {
  it('is NEW for a first version', () => {
    expect(changeDirection(null, rule('CLOSED'))).toBe(ChangeDirection.NEW);
  });

  it('follows the status first, from OPEN (least strict) to CLOSED', () => {
    const order = ['OPEN', 'FACILITATED', 'CONDITIONAL', 'RESTRICTED', 'CLOSED'] as const;
    for (let i = 0; i < order.length - 1; i += 1) {
      expect(changeDirection(rule(order[i]!), rule(order[i + 1]!))).toBe(ChangeDirection.STRICTER);
      expect(changeDirection(rule(order[i + 1]!), rule(order[i]!))).toBe(ChangeDirection.LOOSER);
    }
    // The status decides even when the visa requirement moves the other way.
    expect(changeDirection(rule('RESTRICTED', 'VISA_FREE'), rule('OPEN', 'VISA_REQUIRED'))).toBe(ChangeDirection.LOOSER);
  });

  it('then the visa requirement, when both versions state one', () => {
    expect(changeDirection(rule('CONDITIONAL', 'VISA_FREE'), rule('CONDITIONAL', 'E_VISA'))).toBe(ChangeDirection.STRICTER);
    expect(changeDirection(rule('CONDITIONAL', 'VISA_REQUIRED'), rule('CONDITIONAL', 'VISA_ON_ARRIVAL'))).toBe(ChangeDirection.LOOSER);
    expect(changeDirection(rule('RESTRICTED', 'VISA_REQUIRED'), rule('RESTRICTED', 'NO_ADMISSION'))).toBe(ChangeDirection.STRICTER);
    expect(changeDirection(rule('OPEN', null, 30), rule('OPEN', 'VISA_REQUIRED', 30))).toBe(ChangeDirection.UNCHANGED);
  });

  it('then the permitted stay: shorter is stricter, longer is looser', () => {
    expect(changeDirection(rule('OPEN', 'VISA_FREE', 90), rule('OPEN', 'VISA_FREE', 30))).toBe(ChangeDirection.STRICTER);
    expect(changeDirection(rule('OPEN', 'VISA_FREE', 30), rule('OPEN', 'VISA_FREE', 90))).toBe(ChangeDirection.LOOSER);
    expect(changeDirection(rule('OPEN', 'VISA_FREE', null), rule('OPEN', 'VISA_FREE', 30))).toBe(ChangeDirection.UNCHANGED);
  });

  it('is UNCHANGED when nothing comparable moved', () => {
    expect(changeDirection(rule('RESTRICTED', 'VISA_REQUIRED'), rule('RESTRICTED', 'VISA_REQUIRED'))).toBe(ChangeDirection.UNCHANGED);
  });
});
