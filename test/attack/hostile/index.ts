import type { Hostile } from './common';
import { filterLists } from './filter-lists';
import { forgedCursors } from './forged-cursors';
import { httpJunk } from './http-junk';
import { protocolAbuse } from './protocol-abuse';
import { redisForgery } from './redis-forgery';
import { replayStorm } from './replay-storm';
import { slowReader } from './slow-reader';
import { socketFlood } from './socket-flood';
import { sseAbuse } from './sse-abuse';
import { variables } from './variables';

/** Every hostile behaviour of the suite, in the report's order. */
export const HOSTILES: readonly Hostile[] = [replayStorm, protocolAbuse, variables, filterLists, socketFlood, slowReader, forgedCursors, redisForgery, httpJunk, sseAbuse];
