import { randomUUID } from 'node:crypto';

/**
 * A new request id (a UUID). Node builds randomUUID's text by concatenation, so V8 keeps it as a
 * tree of some twenty string pieces (about 650 bytes) until something flattens it; a socket keeps
 * its id for its lifetime, so it is copied once into one flat string (about 60 bytes).
 */
export function newRequestId(): string {
  return Buffer.from(randomUUID(), 'latin1').toString('latin1');
}
