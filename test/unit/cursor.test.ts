import { createHmac } from 'node:crypto';
import { CursorCodec } from '../../src/common/cursor';
import { BadUserInputError } from '../../src/common/errors';

const codec = new CursorCodec('unit-test-secret');

/** What the codec signs, to build cursors it would never emit itself. */
function signed(body: string, secret = 'unit-test-secret'): string {
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url').slice(0, 16)}`;
}

function refusal(cursor: string, list = 'policies', field?: string): BadUserInputError {
  try {
    codec.decode(cursor, list, field);
  } catch (error) {
    expect(error).toBeInstanceOf(BadUserInputError);
    return error as BadUserInputError;
  }
  throw new Error(`accepted ${cursor}`);
}

describe('CursorCodec', () => {
  it('gives back the position it encoded, strings and numbers alike', () => {
    const position = ['2022-09-19T00:00:00.000Z', 'c0ffee00-0000-4000-8000-000000000000', 42];
    expect(codec.decode(codec.encode('policies', position), 'policies')).toEqual(position);
    expect(codec.decode(codec.encode('feed', []), 'feed')).toEqual([]);
  });

  it('emits URL-safe text: base64url and a dot', () => {
    expect(codec.encode('statements', ['ÅÄÖ?/+=', 1])).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{16}$/);
  });

  it('refuses an edited body, an edited signature, extra parts and missing parts', () => {
    const cursor = codec.encode('policies', ['2022-09-19T00:00:00.000Z', 'a']);
    const [body, signature] = cursor.split('.') as [string, string];
    const otherBody = Buffer.from(JSON.stringify(['policies', '2099-01-01T00:00:00.000Z', 'a'])).toString('base64url');
    expect(refusal(`${otherBody}.${signature}`).reason).toContain('edited');
    expect(refusal(`${body}.${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`).reason).toContain('edited');
    expect(refusal(`${cursor}.more`).reason).toContain('not a valid cursor');
    expect(refusal(body).reason).toContain('not a valid cursor');
    expect(refusal('').reason).toContain('not a valid cursor');
  });

  it('refuses a cursor signed with another secret, as another instance with another CURSOR_SECRET would sign it', () => {
    expect(refusal(new CursorCodec('another-secret').encode('policies', ['x'])).reason).toContain('not a valid cursor');
  });

  it('refuses a cursor of another list, saying which', () => {
    const error = refusal(codec.encode('statements', ['2022-09-19T00:00:00.000Z', 'a']), 'policies');
    expect(error.reason).toBe('this cursor belongs to another list (statements), not policies');
  });

  it('refuses a signed body that is not JSON, not a list, or holds other than strings and numbers', () => {
    const b64 = (text: string) => Buffer.from(text).toString('base64url');
    expect(refusal(signed(b64('{not json'))).reason).toBe('not a valid cursor');
    expect(refusal(signed(b64('{"list":"policies"}'))).reason).toBe('not a valid cursor');
    expect(refusal(signed(b64('["policies",{"a":1}]'))).reason).toBe('not a valid cursor');
    expect(refusal(signed(b64('["policies",null]'))).reason).toBe('not a valid cursor');
  });

  it('names the argument: after by default, or the one given', () => {
    expect(refusal('x').extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(refusal('x', 'feed', 'since').extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'since' });
    expect(refusal('x', 'feed', 'since').message).toMatch(/^since: /);
  });
});
