import { Prisma } from '../../src/generated/prisma/client';
import { translateDatabaseError } from '../../src/db/errors';

/** A Prisma error on the driver-adapter path, shaped as @prisma/adapter-pg reports a pg failure. */
function adapterError(cause: Record<string, unknown>, code = 'P2010') {
  return new Prisma.PrismaClientKnownRequestError('Raw query failed.', {
    code,
    clientVersion: Prisma.prismaVersion.client,
    meta: { driverAdapterError: { name: 'DriverAdapterError', cause } },
  });
}

describe('translateDatabaseError', () => {
  it('turns a backend terminated inside a transaction (57P01 under P2010) into SERVICE_UNAVAILABLE', () => {
    const error = adapterError({ originalCode: '57P01', kind: 'postgres', code: '57P01', severity: 'FATAL', message: 'terminating connection due to administrator command' });
    expect(translateDatabaseError(error)?.extensions.code).toBe('SERVICE_UNAVAILABLE');
  });

  it('turns an unreachable database and a cancelled statement into SERVICE_UNAVAILABLE', () => {
    expect(translateDatabaseError(adapterError({ kind: 'DatabaseNotReachable' }))?.extensions.code).toBe('SERVICE_UNAVAILABLE');
    expect(translateDatabaseError(adapterError({ kind: 'postgres', code: '57014' }))?.message).toMatch(/took too long/);
    expect(translateDatabaseError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))?.extensions.code).toBe('SERVICE_UNAVAILABLE');
  });

  it('turns a unique-key violation into CONFLICT', () => {
    expect(translateDatabaseError(adapterError({}, 'P2002'))?.extensions.code).toBe('CONFLICT');
  });

  it('leaves other failures unexpected', () => {
    expect(translateDatabaseError(adapterError({ kind: 'postgres', code: '42P01', message: 'relation does not exist' }))).toBeNull();
    expect(translateDatabaseError(new TypeError('x is undefined'))).toBeNull();
  });
});
