import type { Lifetime } from '../clock';
import { classifyGraphQL } from '../documented';
import { HONEST_NET, HttpClient, loopback } from '../net';
import type { AckedWrite } from '../records';
import type { HonestContext } from './readers';
import { ADD_EVENT, ADD_STATEMENT, COUNTRIES_OF_INTEREST, RECORD_POLICY_CHANGE, RETRACT, seqOfCursor } from './queries';

/**
 * Below RATE_LIMIT_WRITES_PER_MINUTE (60 per address and instance): an editor at work, not a
 * flood. In cluster mode the writes alternate between the instances.
 */
export const EDITOR_INTERVAL_MS = 1_300;

const CATEGORIES = ['ENTRY', 'TRANSIT', 'VISA'] as const;
const STATUSES = ['OPEN', 'CONDITIONAL', 'RESTRICTED', 'CLOSED', 'FACILITATED'] as const;

/**
 * One editor with a token from `npm run token`, writing policy changes (now and then for another
 * nationality), statements and events, and retracting some of its own. Every acknowledged write
 * is kept with the feed entry it promises.
 */
export async function runEditor(ctx: HonestContext, acked: AckedWrite[], life: Lifetime): Promise<void> {
  const rng = ctx.rng.fork('editor');
  const http = new HttpClient(loopback(HONEST_NET, 5));
  const headers = { authorization: `Bearer ${ctx.deployment.token}` };
  const retractable: string[] = [];
  let n = 0;
  try {
    while (life.active) {
      const tick = Date.now();
      n += 1;
      const instance = ctx.deployment.pick(n);
      if (!instance) {
        await life.sleep(200);
        continue;
      }
      const today = new Date().toISOString().slice(0, 10);
      const source = { url: `https://example.org/attack-suite/${rng.seed}/${n}`, title: `Attack suite fixture ${n}`, publisher: 'Borderwatch attack suite' };
      const roll = rng.next();
      let operation: string;
      let body: { query: string; variables: Record<string, unknown> };
      if (roll < 0.6) {
        operation = 'recordPolicyChange';
        const input = {
          countryCode: rng.pick(COUNTRIES_OF_INTEREST),
          nationality: rng.chance(0.2) ? 'UA' : 'RU',
          category: rng.pick(CATEGORIES),
          status: rng.pick(STATUSES),
          title: `Attack suite change ${n}`,
          effectiveFrom: today,
          sources: [source],
        };
        body = { query: RECORD_POLICY_CHANGE, variables: { input } };
      } else if (roll < 0.78) {
        operation = 'addStatement';
        const input = { countryCode: rng.pick(COUNTRIES_OF_INTEREST), medium: 'SPEECH', saidAt: new Date().toISOString(), speaker: 'Attack suite editor', text: `Attack suite statement ${n}`, sources: [source] };
        body = { query: ADD_STATEMENT, variables: { input } };
      } else if (roll < 0.93 || retractable.length === 0) {
        operation = 'addEvent';
        const input = { countryCode: rng.pick(COUNTRIES_OF_INTEREST), countryCodes: [rng.pick(COUNTRIES_OF_INTEREST)], kind: 'BORDER', occurredOn: today, title: `Attack suite event ${n}`, sources: [source] };
        body = { query: ADD_EVENT, variables: { input } };
      } else {
        operation = 'retract';
        const id = retractable.splice(rng.int(0, retractable.length - 1), 1)[0]!;
        body = { query: RETRACT, variables: { id, reason: `Attack suite retraction ${n}` } };
      }
      const start = Date.now();
      const answer = await http.post(instance.url, body, headers);
      const classified = classifyGraphQL(answer);
      ctx.requests.push({
        kind: 'write',
        operation,
        slot: instance.slot,
        start,
        end: Date.now(),
        outcome: classified.outcome,
        ms: answer.ms,
        ...(classified.undocumented ? { detail: classified.undocumented } : {}),
      });
      if (classified.outcome === 'ok' && answer.ok) {
        const data = answer.json.data;
        const at = Date.now();
        if (operation === 'recordPolicyChange') {
          const change = data.recordPolicyChange;
          acked.push({ kind: 'POLICY_CHANGE', id: change.policy.id, seq: seqOfCursor(change.cursor), slot: instance.slot, at });
        } else if (operation === 'addStatement') {
          acked.push({ kind: 'STATEMENT', id: data.addStatement.id, slot: instance.slot, at });
          retractable.push(data.addStatement.id);
        } else if (operation === 'addEvent') {
          acked.push({ kind: 'EVENT', id: data.addEvent.id, slot: instance.slot, at });
          retractable.push(data.addEvent.id);
        } else {
          acked.push({ kind: 'RETRACTION', id: data.retract.target.id, slot: instance.slot, at });
        }
      }
      await life.sleep(Math.max(0, tick + EDITOR_INTERVAL_MS - Date.now()));
    }
  } finally {
    http.close();
  }
}
