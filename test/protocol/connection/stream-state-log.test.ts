/**
 * `Connection.watchStreamStates()` / `takeStreamStates()`: every RFC 9113 §5.1
 * transition of every stream, in order, handed over after the core call.
 */
import type { Connection } from '../../../src/protocol/connection';
import { StreamState, streamStateName } from '../../../src/protocol/streams';
import { ErrorCode, Pair, POST, REQUEST } from './helpers';

/** What `conn` recorded since the last take, as `id: state` lines. */
function taken(conn: Connection): string[] {
  return (conn.takeStreamStates() ?? []).map((c) => `${c.stream.id}: ${streamStateName(c.state)}`);
}

describe('stream state log', () => {
  it('records nothing until watched', () => {
    const p = new Pair();
    p.client.request(REQUEST, { endStream: true });
    p.pump();
    expect(p.client.takeStreamStates()).toBeUndefined();
    expect(p.server.takeStreamStates()).toBeUndefined();
  });

  it('a request with a body and its response: each side sees its own view of §5.1, in order', () => {
    const p = new Pair();
    expect(p.client.watchStreamStates()).toBe(0);
    p.server.watchStreamStates();
    p.s.onHeaders = (e) => p.server.respond(e.stream, [[':status', '200']]);
    const s = p.client.request(POST);
    expect(taken(p.client)).toEqual(['1: open']);
    p.pump();
    expect(taken(p.server)).toEqual(['1: open']);
    p.client.write(s, new Uint8Array(10), true);
    // DATA is framed when the output is taken: END_STREAM, and with it the transition, leaves then.
    expect(taken(p.client)).toEqual([]);
    p.move(p.client, p.server);
    expect(taken(p.client)).toEqual(['1: half-closed (local)']);
    expect(taken(p.server)).toEqual(['1: half-closed (remote)']);
    const served = p.s.headers[0]!.stream;
    p.server.write(served, new Uint8Array(5), true);
    p.pump();
    expect(taken(p.server)).toEqual(['1: closed (END_STREAM)']);
    expect(taken(p.client)).toEqual(['1: closed (END_STREAM)']);
    expect(p.client.takeStreamStates()).toBeUndefined();
  });

  it('a reset, a push and a request that waited for a stream slot', () => {
    const p = new Pair({}, { settings: [[3, 1]] });
    p.pump();
    p.client.watchStreamStates();
    p.server.watchStreamStates();
    const first = p.client.request(REQUEST, { endStream: true });
    const second = p.client.request(REQUEST, { endStream: true });
    expect(second.id).toBe(0);
    expect(taken(p.client)).toEqual(['1: half-closed (local)']);
    p.pump();
    const served = p.s.headers[0]!.stream;
    const pushed = p.server.push(served, [[':method', 'GET'], [':scheme', 'http'], [':authority', 'a'], [':path', '/p']]);
    p.server.reset(served, ErrorCode.CANCEL);
    expect(taken(p.server)).toEqual(['1: half-closed (remote)', '2: reserved (local)', '1: closed (reset by us)']);
    p.pump();
    // The slot freed: the waiting request starts (id 3) and ends its side at once.
    expect(taken(p.client)).toEqual(['2: reserved (remote)', '1: closed (reset by peer)', '3: half-closed (local)']);
    expect(first.state).toBe(StreamState.CLOSED_REMOTE_RESET);
    p.server.respond(pushed, [[':status', '200']], { endStream: true });
    expect(taken(p.server)).toContain('2: closed (END_STREAM)');
  });

  it('the seq a watcher starts from tells which changes its reading of `state` already includes', () => {
    const p = new Pair();
    p.client.watchStreamStates();
    p.client.request(REQUEST, { endStream: true });
    const seq = p.client.watchStreamStates();
    expect(seq).toBe(1);
    expect(p.client.takeStreamStates()!.map((c) => c.seq)).toEqual([1]);
  });
});
