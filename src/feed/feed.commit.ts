/**
 * The bounds of the interactive transactions that remain (the importer's batches, the in-force
 * writer's announcements). The API's writes are each one statement (bw_* write functions) and take none.
 */
export const WRITE_TX = { maxWait: 5_000, timeout: 20_000 } as const;
