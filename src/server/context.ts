import type { Loaders } from './loaders';

/** What every resolver receives, HTTP and WebSocket alike. Built once per request or subscription. */
export interface Context {
  requestId: string;
  loaders: Loaders;
}
