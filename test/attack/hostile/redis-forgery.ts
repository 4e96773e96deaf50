import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { loadConfig } from '../../../src/config/config';
import { Topic } from '../../../src/pubsub/topics';
import type { Rng } from '../rng';
import type { Hostile, HostileContext } from './common';

/** Not JSON, JSON of the wrong shape, numbers that do not parse, sizes and depths that hurt. */
const MALFORMED: ReadonlyArray<(rng: Rng) => string> = [
  () => 'not json',
  () => '',
  () => '{',
  () => 'null',
  () => '[]',
  () => '42',
  () => '"a string"',
  () => '{}',
  () => JSON.stringify({ seq: 'abc' }),
  () => JSON.stringify({ seq: null, kind: 'POLICY_CHANGE' }),
  () => JSON.stringify({ seq: '1e309' }),
  () => JSON.stringify({ seq: '-5', countryCodes: 'FI' }),
  () => JSON.stringify({ seq: '99999999999999999999999', committedAt: 'not a date' }),
  () => JSON.stringify({ seq: { $gt: 0 } }),
  () => JSON.stringify({ __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } }),
  () => `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
  (rng) => JSON.stringify({ seq: '1', pad: rng.text(1_000_000) }),
];

/**
 * Issue 11 item 4: whoever can reach Redis publishes on the instances' channel
 * (`<REDIS_PREFIX>:feed`): malformed messages; well-formed forged ones with the next sequence
 * number (a copy of the last genuine message, seq + 1, about other countries); and messages of
 * "another deployment" sharing the Redis with the default prefix (sequence numbers near ours,
 * another deployment id). None may crash an instance, reach a subscriber or displace an entry:
 * the honest subscribers' comparison with PostgreSQL is what shows it.
 */
export const redisForgery: Hostile = {
  name: 'redis-forgery',
  what: 'malformed, forged (next seq) and foreign (another deployment) messages PUBLISHed on <REDIS_PREFIX>:feed',
  modes: ['cluster'],
  async run(ctx, report, life) {
    const rng = ctx.rng.fork('redis-forgery');
    const prefix = ctx.deployment.env.REDIS_PREFIX ?? loadConfig({}).redisPrefix;
    const channel = `${prefix}:${Topic.FEED}`;
    const options = { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 500, enableOfflineQueue: false };
    const listener = new Redis(ctx.deployment.redis!.url, { ...options, enableOfflineQueue: true, maxRetriesPerRequest: null });
    const publisher = new Redis(ctx.deployment.redis!.url, options);
    for (const connection of [listener, publisher]) connection.on('error', () => undefined);
    const ours = new Set<string>();
    let genuine: Record<string, unknown> | null = null;
    let genuineCount = 0;
    listener.on('message', (_channel: string, message: string) => {
      if (ours.has(message)) return;
      try {
        const parsed = JSON.parse(message) as unknown;
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
          genuine = parsed as Record<string, unknown>;
          genuineCount += 1;
        }
      } catch {
        // not one of the instances'
      }
    });
    try {
      await Promise.all([listener.connect(), publisher.connect()]).catch(() => undefined);
      await listener.subscribe(channel).catch(() => undefined);
      let turn = 0;
      while (life.active) {
        turn += 1;
        const variant = turn % 3;
        let message: string;
        let what: string;
        if (variant === 0 || !genuine) {
          message = rng.pick(MALFORMED)(rng);
          what = 'malformed';
        } else {
          // A deep copy of the last genuine message, wherever its format keeps the sequence number and the deployment.
          const template = JSON.parse(JSON.stringify(genuine)) as Record<string, unknown>;
          const seq = BigInt(String(findKey(template, 'seq') ?? 0));
          if (variant === 1) {
            // Forged: the next number (or one far ahead), everything else genuine, its deployment id too.
            setKey(template, 'seq', String(seq + (rng.chance(0.8) ? 1n : 1_000n)));
            setKey(template, 'countryCodes', ['EE', 'FI']);
            setKey(template, 'committedAt', new Date().toISOString());
            what = 'forged next seq';
          } else {
            // Foreign: another deployment's numbering and id, on the default channel.
            setKey(template, 'seq', String(seq + BigInt(rng.int(1, 3))));
            if (!replaceDeployment(template)) template.deployment = randomUUID();
            what = 'foreign deployment';
          }
          message = JSON.stringify(template);
        }
        ours.add(message);
        if (ours.size > 1_000) ours.delete(ours.values().next().value!);
        try {
          await publisher.publish(channel, message);
          report.outcomes.add(`published ${what}`);
        } catch {
          report.outcomes.add(`publish failed (${what}; Redis down)`);
        }
        report.actions += 1;
        await life.sleep(250);
      }
      report.notes.push(`learnt the message format from ${genuineCount} genuine messages; last: ${JSON.stringify(genuine).slice(0, 160)}`);
      report.notes.push(`the instances counted: ${(await rejectedCounts(ctx)).join(', ') || 'no rejection metric'}`);
    } finally {
      listener.disconnect();
      publisher.disconnect();
    }
  },
};

/** The value of the first `key` found, depth first (a message's format may nest it). */
function findKey(value: unknown, key: string): unknown {
  if (!value || typeof value !== 'object') return undefined;
  if (key in value) return (value as Record<string, unknown>)[key];
  for (const inner of Object.values(value)) {
    const found = findKey(inner, key);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Sets `key` wherever it is found (keeping numbers as numbers); false if it is nowhere. */
function setKey(value: unknown, key: string, to: unknown): boolean {
  if (!value || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  if (key in record) {
    record[key] = typeof record[key] === 'number' && typeof to === 'string' ? Number(to) : to;
    return true;
  }
  return Object.values(record).some((inner) => setKey(inner, key, to));
}

/** Every string under a key that names a deployment or an origin gets another deployment's id. */
function replaceDeployment(value: unknown): boolean {
  if (!value || typeof value !== 'object') return false;
  let replaced = false;
  for (const [key, inner] of Object.entries(value)) {
    if (/deploy|origin|instance|source/i.test(key) && typeof inner === 'string') {
      (value as Record<string, unknown>)[key] = randomUUID();
      replaced = true;
    } else if (replaceDeployment(inner)) replaced = true;
  }
  return replaced;
}

/** `borderwatch_bus_messages_rejected_total` by instance and reason, from /metrics. */
async function rejectedCounts(ctx: HostileContext): Promise<string[]> {
  const counts: string[] = [];
  for (const instance of ctx.deployment.live()) {
    try {
      const text = await (await fetch(instance.url.replace(/\/graphql$/, '/metrics'), { signal: AbortSignal.timeout(5_000) })).text();
      for (const match of text.matchAll(/^borderwatch_bus_messages_rejected_total\{reason="(\w+)"\} (\d+)/gm)) counts.push(`${instance.slot} ${match[1]} ${match[2]}`);
    } catch {
      counts.push(`${instance.slot} /metrics unanswered`);
    }
  }
  return counts;
}
