import { ErrorCode } from '../../../src/protocol/error-code';
import { MAX_STREAM_ID, Role, StreamIds, StreamState } from '../../../src/protocol/streams';

describe('stream identifiers (RFC 9113 §5.1.1)', () => {
  test('clients open odd ids, servers even ids, in increasing order', () => {
    const client = new StreamIds(Role.CLIENT);
    expect([client.allocateLocal(), client.allocateLocal(), client.allocateLocal()]).toEqual([1, 3, 5]);
    expect(client.highestLocalId).toBe(5);
    const server = new StreamIds(Role.SERVER);
    expect(server.highestLocalId).toBe(0);
    expect([server.allocateLocal(), server.allocateLocal()]).toEqual([2, 4]);
    expect(client.isLocalId(3) && client.isRemoteId(2) && !client.isLocalId(0) && !client.isRemoteId(0)).toBe(true);
  });

  test('allocation stops at 2^31-1: "Stream identifiers cannot be reused"', () => {
    const ids = new StreamIds(Role.CLIENT);
    ids.nextLocalId = MAX_STREAM_ID - 2;
    expect(ids.allocateLocal()).toBe(MAX_STREAM_ID - 2);
    expect(ids.allocateLocal()).toBe(MAX_STREAM_ID);
    expect(ids.allocateLocal()).toBe(0);
    expect(ids.highestLocalId).toBe(MAX_STREAM_ID);
    expect(ids.stateOfInactive(MAX_STREAM_ID)).toBe(StreamState.CLOSED_FORGOTTEN);
  });

  test('a peer id with our parity → connection PROTOCOL_ERROR', () => {
    const server = new StreamIds(Role.SERVER);
    const err = server.acceptRemote(2)!;
    expect(err.scope).toBe('connection');
    expect(err.code).toBe(ErrorCode.PROTOCOL_ERROR);
    expect(server.acceptRemote(0)).toBeDefined();
  });

  test('"numerically greater than all streams that the initiating endpoint has opened" → else PROTOCOL_ERROR', () => {
    const server = new StreamIds(Role.SERVER);
    expect(server.acceptRemote(5)).toBeUndefined();
    expect(server.acceptRemote(5)?.code).toBe(ErrorCode.PROTOCOL_ERROR);
    expect(server.acceptRemote(3)?.code).toBe(ErrorCode.PROTOCOL_ERROR);
    expect(server.acceptRemote(7)).toBeUndefined();
    expect(server.highestRemoteId).toBe(7);
  });

  test('"The first use of a new stream identifier implicitly closes all streams in the idle state ... with a lower-valued identifier"', () => {
    const server = new StreamIds(Role.SERVER);
    expect(server.stateOfInactive(1)).toBe(StreamState.IDLE);
    server.acceptRemote(1);
    server.acceptRemote(7); // skips 3 and 5
    expect(server.stateOfInactive(3)).toBe(StreamState.CLOSED_IMPLICIT);
    expect(server.stateOfInactive(5)).toBe(StreamState.CLOSED_IMPLICIT);
    expect(server.stateOfInactive(1)).toBe(StreamState.CLOSED_FORGOTTEN); // opened, record dropped
    expect(server.stateOfInactive(9)).toBe(StreamState.IDLE);
    // our own ids: idle until we open them
    expect(server.stateOfInactive(2)).toBe(StreamState.IDLE);
    server.allocateLocal();
    expect(server.stateOfInactive(2)).toBe(StreamState.CLOSED_FORGOTTEN);
  });

  test('a client sees the server skip promised ids the same way', () => {
    const client = new StreamIds(Role.CLIENT);
    client.acceptRemote(6);
    expect(client.stateOfInactive(2)).toBe(StreamState.CLOSED_IMPLICIT);
    expect(client.stateOfInactive(4)).toBe(StreamState.CLOSED_IMPLICIT);
    expect(client.stateOfInactive(8)).toBe(StreamState.IDLE);
  });

  test('skipped ranges are bounded: the oldest are forgotten (handled leniently)', () => {
    const server = new StreamIds(Role.SERVER, { maxGaps: 4 });
    for (let id = 3; id < 3 + 4 * 100; id += 4) server.acceptRemote(id); // skips 1, 5, 9, …
    expect(server.gapCountRemembered).toBe(4);
    expect(server.stateOfInactive(1)).toBe(StreamState.CLOSED_FORGOTTEN);
    const lastSkipped = server.highestRemoteId - 2;
    expect(server.stateOfInactive(lastSkipped)).toBe(StreamState.CLOSED_IMPLICIT);
    const none = new StreamIds(Role.SERVER, { maxGaps: 0 });
    none.acceptRemote(9);
    expect(none.stateOfInactive(3)).toBe(StreamState.CLOSED_FORGOTTEN);
  });
});
