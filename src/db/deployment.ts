import type { PrismaClient } from '../generated/prisma/client';

/** This database's identity (the `deployment` row its migration made), shared by every instance on it. */
export interface Deployment {
  /** Names the deployment on the Redis channels: not secret. */
  id: string;
  /** Signs pagination cursors unless CURSOR_SECRET is set. */
  secret: string;
}

export async function readDeployment(prisma: PrismaClient): Promise<Deployment> {
  const row = await prisma.deployment.findFirst({ select: { id: true, secret: true } });
  if (!row) throw new Error('the database has no deployment row (made by the migration 20261202180000_deployment): was it deleted?');
  return row;
}
