/**
 * Every command that sends a field block refuses fields an endpoint MUST NOT
 * generate (RFC 9113 §8.2, §8.3) with a user error, and sends nothing.
 */
import { decodeFrames, Pair, POST, REQUEST } from './helpers';

const INJECTED: Array<[string, string]> = [['x-a', 'b\r\nx-injected: 1']];

describe('outgoing field blocks are checked before they leave', () => {
  it('request(), respond(), informational(), trailers() and push() throw a user error naming the field, and send nothing', () => {
    const p = new Pair();
    p.pump();
    expect(() => p.client.request([...REQUEST, ...INJECTED], { endStream: true })).toThrow(/invalid header fields: invalid character 0xd in the value of x-a/);
    expect(() => p.client.request([...REQUEST, ['connection', 'close']], { endStream: true })).toThrow(/connection-specific field connection/);
    expect(decodeFrames(p.client.takeOutput())).toEqual([]);
    const s = p.client.request(POST);
    expect(() => p.client.trailers(s, [[':path', '/']])).toThrow(/pseudo-header :path in trailers/);
    expect(() => p.client.trailers(s, [['x-t', 'a\nb']])).toThrow(/invalid character 0xa/);
    p.client.trailers(s, [['x-t', 'ok']]);
    p.pump();
    const served = p.s.headers[0]!.stream;
    expect(() => p.server.informational(served, [[':status', '103'], ...INJECTED])).toThrow(/invalid header fields/);
    expect(() => p.server.push(served, [...REQUEST, ['upgrade', 'h2c']])).toThrow(/connection-specific field upgrade/);
    expect(() => p.server.respond(served, [[':status', '200'], ['X-Upper', '1']])).toThrow(/invalid field name/);
    expect(() => p.server.respond(served, [[':status', '200'], [':path', '/']])).toThrow(/not allowed in a response/);
    expect(decodeFrames(p.server.takeOutput())).toEqual([]);
    // The stream is untouched: a valid answer still goes.
    p.server.respond(served, [[':status', '200']], { endStream: true });
    p.pump();
    expect(p.c.headers.map((h) => h.fields[0])).toEqual([[':status', '200']]);
  });
});
