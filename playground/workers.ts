/**
 * Monaco (GraphiQL 5's editor) runs its language services in web workers.
 * The build bundles each worker into a file of its own next to the page and
 * passes their URLs in; nothing is fetched from another host (GraphiQL's own
 * `setup-workers/esm.sh` would load them from a CDN).
 */
declare const PLAYGROUND_WORKERS: { editor: string; json: string; graphql: string };

interface MonacoEnvironment {
  getWorker(workerId: string, label: string): Worker;
}

function workerUrl(label: string): string {
  if (label === 'json') return PLAYGROUND_WORKERS.json;
  if (label === 'graphql') return PLAYGROUND_WORKERS.graphql;
  return PLAYGROUND_WORKERS.editor;
}

(globalThis as unknown as { MonacoEnvironment: MonacoEnvironment }).MonacoEnvironment = {
  getWorker: (_workerId, label) => new Worker(workerUrl(label), { name: `monaco-${label}` }),
};
