import fc from 'fast-check';
import { ErrorCode } from '../../../src/protocol/error-code';
import { FrameFlag, FrameType } from '../../../src/protocol/frames/frame-type';
import {
  closedBy,
  frameStreamInput,
  isClosed,
  Outcome,
  Role,
  STREAM_EVENT_COUNT,
  STREAM_INPUT_COUNT,
  STREAM_STATE_COUNT,
  StreamEvent,
  StreamInput,
  streamInput,
  streamInputName,
  StreamState,
  StreamStateMachine,
  streamStateName,
  transition,
  transitionError,
} from '../../../src/protocol/streams';

/*
 * The expected table, written independently of the implementation as one
 * matrix per (role, direction). Columns are the events in StreamEvent order:
 *   H  = HEADERS          HE = HEADERS+END_STREAM   D = DATA   DE = DATA+END_STREAM
 *   PP = PUSH_PROMISE (associated stream)   RSV = PUSH_PROMISE (promised stream)
 *   RST = RST_STREAM      PRI = PRIORITY           WU = WINDOW_UPDATE
 * Cells: a state name = legal, move there; `=` legal, stay; `ign` ignore (stay);
 * `S:SC` stream error STREAM_CLOSED; `C:PE`/`C:SC` connection error
 * PROTOCOL_ERROR/STREAM_CLOSED; `U:PE`/`U:SC` user error (refused command).
 */
const COLUMNS = 'H HE D DE PP RSV RST PRI WU';

const STATE_KEYS: Record<string, StreamState> = {
  idle: StreamState.IDLE,
  rl: StreamState.RESERVED_LOCAL,
  rr: StreamState.RESERVED_REMOTE,
  open: StreamState.OPEN,
  hcl: StreamState.HALF_CLOSED_LOCAL,
  hcr: StreamState.HALF_CLOSED_REMOTE,
  cES: StreamState.CLOSED_END_STREAM,
  cLR: StreamState.CLOSED_LOCAL_RESET,
  cRR: StreamState.CLOSED_REMOTE_RESET,
  cF: StreamState.CLOSED_FORGOTTEN,
  cI: StreamState.CLOSED_IMPLICIT,
};

const CLOSED_SEND = 'U:SC U:SC U:SC U:SC U:PE U:PE ign  =    ign';

const EXPECTED: Record<'client' | 'server', Record<'send' | 'recv', Record<string, string>>> = {
  server: {
    recv: {
      //     H     HE    D     DE    PP    RSV   RST   PRI  WU
      idle: 'open  hcr   C:PE  C:PE  C:PE  C:PE  C:PE  =    C:PE',
      rl: '  C:PE  C:PE  C:PE  C:PE  C:PE  C:PE  cRR   =    =',
      rr: '  hcl   cES   C:PE  C:PE  C:PE  C:PE  cRR   =    C:PE',
      open: '=     hcr   =     hcr   C:PE  C:PE  cRR   =    =',
      hcl: ' =     cES   =     cES   C:PE  C:PE  cRR   =    =',
      hcr: ' S:SC  S:SC  S:SC  S:SC  C:PE  C:PE  cRR   =    =',
      cES: ' C:SC  C:SC  S:SC  S:SC  C:PE  C:PE  ign   =    ign',
      cLR: ' ign   ign   ign   ign   C:PE  C:PE  ign   =    ign',
      cRR: ' S:SC  S:SC  S:SC  S:SC  C:PE  C:PE  ign   =    S:SC',
      cF: '  S:SC  S:SC  S:SC  S:SC  C:PE  C:PE  ign   =    ign',
      cI: '  C:PE  C:PE  C:PE  C:PE  C:PE  C:PE  C:PE  =    C:PE',
    },
    send: {
      idle: 'U:PE  U:PE  U:PE  U:PE  U:PE  rl    U:PE  =    U:PE',
      rl: '  hcr   cES   U:PE  U:PE  U:PE  U:PE  cLR   =    U:PE',
      rr: '  U:PE  U:PE  U:PE  U:PE  U:PE  U:PE  cLR   =    =',
      open: '=     hcl   =     hcl   =     U:PE  cLR   =    =',
      hcl: ' U:SC  U:SC  U:SC  U:SC  U:PE  U:PE  cLR   =    =',
      hcr: ' =     cES   =     cES   =     U:PE  cLR   =    =',
      cES: CLOSED_SEND,
      cLR: CLOSED_SEND,
      cRR: CLOSED_SEND,
      cF: CLOSED_SEND,
      cI: CLOSED_SEND,
    },
  },
  client: {
    recv: {
      idle: 'C:PE  C:PE  C:PE  C:PE  C:PE  rr    C:PE  =    C:PE',
      rl: '  C:PE  C:PE  C:PE  C:PE  C:PE  C:PE  cRR   =    =',
      rr: '  hcl   cES   C:PE  C:PE  C:PE  C:PE  cRR   =    C:PE',
      open: '=     hcr   =     hcr   =     C:PE  cRR   =    =',
      hcl: ' =     cES   =     cES   =     C:PE  cRR   =    =',
      hcr: ' S:SC  S:SC  S:SC  S:SC  C:PE  C:PE  cRR   =    =',
      cES: ' C:SC  C:SC  S:SC  S:SC  C:PE  C:PE  ign   =    ign',
      cLR: ' ign   ign   ign   ign   ign   C:PE  ign   =    ign',
      cRR: ' S:SC  S:SC  S:SC  S:SC  C:PE  C:PE  ign   =    S:SC',
      cF: '  S:SC  S:SC  S:SC  S:SC  ign   C:PE  ign   =    ign',
      cI: '  C:PE  C:PE  C:PE  C:PE  C:PE  C:PE  C:PE  =    C:PE',
    },
    send: {
      idle: 'open  hcl   U:PE  U:PE  U:PE  U:PE  U:PE  =    U:PE',
      rl: '  hcr   cES   U:PE  U:PE  U:PE  U:PE  cLR   =    U:PE',
      rr: '  U:PE  U:PE  U:PE  U:PE  U:PE  U:PE  cLR   =    =',
      open: '=     hcl   =     hcl   U:PE  U:PE  cLR   =    =',
      hcl: ' U:SC  U:SC  U:SC  U:SC  U:PE  U:PE  cLR   =    =',
      hcr: ' =     cES   =     cES   U:PE  U:PE  cLR   =    =',
      cES: CLOSED_SEND,
      cLR: CLOSED_SEND,
      cRR: CLOSED_SEND,
      cF: CLOSED_SEND,
      cI: CLOSED_SEND,
    },
  },
};

interface Expected {
  outcome: Outcome;
  next: StreamState;
  code: number;
}

function parseCell(cell: string, state: StreamState): Expected {
  if (cell === '=') return { outcome: Outcome.OK, next: state, code: 0 };
  if (cell === 'ign') return { outcome: Outcome.IGNORE, next: state, code: 0 };
  if (cell in STATE_KEYS) return { outcome: Outcome.OK, next: STATE_KEYS[cell]!, code: 0 };
  const [kind, code] = cell.split(':');
  const codeNum = code === 'PE' ? ErrorCode.PROTOCOL_ERROR : code === 'SC' ? ErrorCode.STREAM_CLOSED : NaN;
  switch (kind) {
    case 'S':
      return {
        outcome: Outcome.STREAM_ERROR,
        next: isClosed(state) ? state : StreamState.CLOSED_LOCAL_RESET,
        code: codeNum,
      };
    case 'C':
      return { outcome: Outcome.CONNECTION_ERROR, next: state, code: codeNum };
    case 'U':
      return { outcome: Outcome.USER_ERROR, next: state, code: codeNum };
  }
  throw new Error(`bad cell ${cell}`);
}

const cases: [string, Role, 'send' | 'recv', StreamState, number, Expected][] = [];
for (const [roleName, role] of [
  ['client', Role.CLIENT],
  ['server', Role.SERVER],
] as const) {
  for (const dir of ['send', 'recv'] as const) {
    for (const [key, row] of Object.entries(EXPECTED[roleName][dir])) {
      const cells = row.trim().split(/\s+/);
      const state = STATE_KEYS[key]!;
      cells.forEach((cell, event) => {
        const name = `${roleName} ${dir} ${COLUMNS.split(' ')[event]!} in ${streamStateName(state)} → ${cell}`;
        cases.push([name, role, dir, state, event, parseCell(cell, state)]);
      });
    }
  }
}

describe('stream transition table (RFC 9113 §5.1): every role × state × input', () => {
  test('the expected matrices cover every cell exactly once', () => {
    expect(cases).toHaveLength(2 * STREAM_STATE_COUNT * STREAM_INPUT_COUNT);
  });

  test.each(cases)('%s', (_name, role, dir, state, event, expected) => {
    const input = streamInput(event as StreamEvent, dir === 'recv');
    const t = transition(role, state, input);
    expect({ outcome: t.outcome, next: t.next, code: t.code }).toEqual(expected);
    expect(t.rule).toMatch(/^(RFC 7540 )?§\d/);
    expect(Object.isFrozen(t)).toBe(true);
  });
});

describe('hand-written cases', () => {
  const S = StreamState;
  const I = StreamInput;

  test('§5.1 half-closed (remote): DATA received → stream error STREAM_CLOSED, then closed as a local reset', () => {
    // "If an endpoint receives additional frames, other than WINDOW_UPDATE, PRIORITY, or RST_STREAM,
    //  for a stream that is in this state, it MUST respond with a stream error of type STREAM_CLOSED."
    const m = new StreamStateMachine(Role.SERVER, S.HALF_CLOSED_REMOTE);
    const t = m.apply(I.RECV_DATA, 5);
    expect(t.outcome).toBe(Outcome.STREAM_ERROR);
    expect(t.code).toBe(ErrorCode.STREAM_CLOSED);
    expect(m.state).toBe(S.CLOSED_LOCAL_RESET);
    expect(m.closedBy).toBe('localReset');
    expect(m.closedAt).toBe(5);
    const err = transitionError(t, 7, S.HALF_CLOSED_REMOTE, I.RECV_DATA);
    expect(err.scope).toBe('stream');
    expect(err.streamId).toBe(7);
    expect(err.codeName).toBe('STREAM_CLOSED');
    expect(err.kind).toBe('protocol');
  });

  test('§5.1 half-closed (remote): WINDOW_UPDATE, PRIORITY and RST_STREAM are still allowed', () => {
    for (const input of [I.RECV_WINDOW_UPDATE, I.RECV_PRIORITY]) {
      expect(transition(Role.SERVER, S.HALF_CLOSED_REMOTE, input)).toMatchObject({ outcome: Outcome.OK, next: S.HALF_CLOSED_REMOTE });
    }
    expect(transition(Role.SERVER, S.HALF_CLOSED_REMOTE, I.RECV_RST_STREAM).next).toBe(S.CLOSED_REMOTE_RESET);
  });

  test('§5.1 idle: anything but HEADERS or PRIORITY received → connection PROTOCOL_ERROR', () => {
    const t = transition(Role.SERVER, S.IDLE, I.RECV_DATA);
    const err = transitionError(t, 3, S.IDLE, I.RECV_DATA);
    expect(err.scope).toBe('connection');
    expect(err.code).toBe(ErrorCode.PROTOCOL_ERROR);
    expect(err.message).toContain('recv DATA on stream 3 in state idle');
  });

  test('§5.1 closed: after we sent RST_STREAM, in-flight frames are ignored (minimal processing)', () => {
    // "An endpoint that sends a RST_STREAM frame on a stream that is in the "open" or "half-closed (local)"
    //  state could receive any type of frame ... MUST minimally process and then discard any frames"
    const m = new StreamStateMachine(Role.CLIENT, S.OPEN);
    m.apply(I.SEND_RST_STREAM, 10);
    for (const input of [I.RECV_HEADERS, I.RECV_DATA_END_STREAM, I.RECV_WINDOW_UPDATE, I.RECV_RST_STREAM, I.RECV_PUSH_PROMISE]) {
      expect(m.apply(input, 11).outcome).toBe(Outcome.IGNORE);
    }
    expect(m.state).toBe(S.CLOSED_LOCAL_RESET);
    expect(m.closedAt).toBe(10);
  });

  test('§5.1 closed: after the peer reset, its further frames are stream errors, but never RST for RST (§5.4.2)', () => {
    const m = new StreamStateMachine(Role.SERVER, S.OPEN);
    m.apply(I.RECV_RST_STREAM, 1);
    expect(m.closedBy).toBe('remoteReset');
    expect(m.apply(I.RECV_DATA, 2)).toMatchObject({ outcome: Outcome.STREAM_ERROR, code: ErrorCode.STREAM_CLOSED });
    expect(m.apply(I.RECV_RST_STREAM, 2).outcome).toBe(Outcome.IGNORE);
    expect(m.state).toBe(S.CLOSED_REMOTE_RESET); // a closed stream keeps its first reason
  });

  test('§5.1 closed: after END_STREAM both ways, WINDOW_UPDATE/RST races are ignored, DATA is STREAM_CLOSED', () => {
    const m = new StreamStateMachine(Role.CLIENT, S.IDLE);
    m.apply(I.SEND_HEADERS_END_STREAM, 0);
    expect(m.state).toBe(S.HALF_CLOSED_LOCAL);
    m.apply(I.RECV_HEADERS, 1);
    m.apply(I.RECV_DATA_END_STREAM, 2);
    expect(m.closedBy).toBe('endStream');
    expect(m.apply(I.RECV_WINDOW_UPDATE, 3).outcome).toBe(Outcome.IGNORE);
    expect(m.apply(I.RECV_RST_STREAM, 3).outcome).toBe(Outcome.IGNORE);
    expect(m.apply(I.RECV_DATA, 3)).toMatchObject({ outcome: Outcome.STREAM_ERROR, code: ErrorCode.STREAM_CLOSED });
    expect(m.apply(I.RECV_HEADERS, 3)).toMatchObject({ outcome: Outcome.CONNECTION_ERROR, code: ErrorCode.STREAM_CLOSED });
  });

  test('§5.1.1: HEADERS on an id the peer skipped → connection PROTOCOL_ERROR (h2spec 5.1.1 #2)', () => {
    expect(transition(Role.SERVER, S.CLOSED_IMPLICIT, I.RECV_HEADERS)).toMatchObject({
      outcome: Outcome.CONNECTION_ERROR,
      code: ErrorCode.PROTOCOL_ERROR,
    });
  });

  test('§5.1 push: server reserves, sends HEADERS → half-closed (remote); client mirrors it', () => {
    const server = new StreamStateMachine(Role.SERVER);
    expect(server.apply(I.SEND_RESERVE, 0).next).toBe(S.RESERVED_LOCAL);
    expect(server.apply(I.SEND_HEADERS, 0).next).toBe(S.HALF_CLOSED_REMOTE);
    expect(server.apply(I.SEND_DATA_END_STREAM, 0).next).toBe(S.CLOSED_END_STREAM);
    const client = new StreamStateMachine(Role.CLIENT);
    expect(client.apply(I.RECV_RESERVE, 0).next).toBe(S.RESERVED_REMOTE);
    expect(client.apply(I.RECV_HEADERS, 0).next).toBe(S.HALF_CLOSED_LOCAL);
    expect(client.apply(I.RECV_DATA_END_STREAM, 0).next).toBe(S.CLOSED_END_STREAM);
  });

  test('§8.4: a server receiving PUSH_PROMISE → connection PROTOCOL_ERROR; a client cannot push (user error)', () => {
    expect(transition(Role.SERVER, S.OPEN, I.RECV_PUSH_PROMISE).outcome).toBe(Outcome.CONNECTION_ERROR);
    const t = transition(Role.CLIENT, S.OPEN, I.SEND_PUSH_PROMISE);
    expect(t.outcome).toBe(Outcome.USER_ERROR);
    const err = transitionError(t, 1, S.OPEN, I.SEND_PUSH_PROMISE);
    expect(err.kind).toBe('user');
    expect(err.streamId).toBe(1);
  });

  test('sending DATA after END_STREAM is a user error, not a protocol error', () => {
    const m = new StreamStateMachine(Role.CLIENT, S.OPEN);
    m.apply(I.SEND_DATA_END_STREAM, 0);
    const t = m.apply(I.SEND_DATA, 0);
    expect(t.outcome).toBe(Outcome.USER_ERROR);
    expect(m.state).toBe(S.HALF_CLOSED_LOCAL);
  });
});

describe('input helpers', () => {
  test('frameStreamInput maps frames and END_STREAM to inputs', () => {
    expect(frameStreamInput(FrameType.HEADERS, FrameFlag.END_STREAM | FrameFlag.END_HEADERS, true)).toBe(
      StreamInput.RECV_HEADERS_END_STREAM,
    );
    expect(frameStreamInput(FrameType.HEADERS, FrameFlag.END_HEADERS, false)).toBe(StreamInput.SEND_HEADERS);
    expect(frameStreamInput(FrameType.DATA, FrameFlag.END_STREAM, false)).toBe(StreamInput.SEND_DATA_END_STREAM);
    expect(frameStreamInput(FrameType.DATA, FrameFlag.PADDED, true)).toBe(StreamInput.RECV_DATA);
    expect(frameStreamInput(FrameType.PUSH_PROMISE, 0, true)).toBe(StreamInput.RECV_PUSH_PROMISE);
    expect(frameStreamInput(FrameType.RST_STREAM, 0, true)).toBe(StreamInput.RECV_RST_STREAM);
    expect(frameStreamInput(FrameType.PRIORITY, 0, true)).toBe(StreamInput.RECV_PRIORITY);
    expect(frameStreamInput(FrameType.WINDOW_UPDATE, 0, false)).toBe(StreamInput.SEND_WINDOW_UPDATE);
    for (const t of [FrameType.CONTINUATION, FrameType.SETTINGS, FrameType.PING, FrameType.GOAWAY, 0xff]) {
      expect(frameStreamInput(t, 0, true)).toBe(-1);
    }
  });

  test('names', () => {
    expect(streamInputName(StreamInput.RECV_DATA_END_STREAM)).toBe('recv DATA+END_STREAM');
    expect(streamInputName(StreamInput.SEND_RESERVE)).toBe('send PUSH_PROMISE (promised stream)');
    expect(streamStateName(StreamState.HALF_CLOSED_LOCAL)).toBe('half-closed (local)');
    expect(streamStateName(99)).toBe('unknown state 99');
    expect(closedBy(StreamState.OPEN)).toBeUndefined();
    expect(closedBy(StreamState.CLOSED_IMPLICIT)).toBe('neverOpened');
    expect(STREAM_EVENT_COUNT * 2).toBe(STREAM_INPUT_COUNT);
  });
});

describe('random input sequences (fast-check)', () => {
  const role = fc.constantFrom(Role.CLIENT, Role.SERVER);
  const start = fc.integer({ min: 0, max: STREAM_STATE_COUNT - 1 }).map((s) => s as StreamState);
  const inputs = fc.array(
    fc.integer({ min: 0, max: STREAM_INPUT_COUNT - 1 }).map((i) => i as StreamInput),
    { maxLength: 60 },
  );

  test('never throw, always a valid state, errors that refuse do not move, closed stays closed', () => {
    fc.assert(
      fc.property(role, start, inputs, (r, s, seq) => {
        const m = new StreamStateMachine(r, s);
        let wasClosed = isClosed(s);
        let firstClosedAt: number | undefined;
        seq.forEach((input, now) => {
          const before = m.state;
          const t = m.apply(input, now);
          expect(Number.isInteger(m.state) && m.state >= 0 && m.state < STREAM_STATE_COUNT).toBe(true);
          if (t.outcome === Outcome.CONNECTION_ERROR || t.outcome === Outcome.USER_ERROR || t.outcome === Outcome.IGNORE) {
            expect(m.state).toBe(before);
          }
          if (t.outcome !== Outcome.OK) expect(t.code === 0).toBe(t.outcome === Outcome.IGNORE);
          if (wasClosed) {
            expect(isClosed(m.state)).toBe(true);
            expect(closedBy(m.state)).toBe(closedBy(before)); // the first reason is kept
          }
          if (!wasClosed && isClosed(m.state)) firstClosedAt = now;
          wasClosed = isClosed(m.state);
          // transitionError never throws for an error outcome
          if (t.outcome >= Outcome.STREAM_ERROR) transitionError(t, 1, before, input);
        });
        if (firstClosedAt !== undefined) expect(m.closedAt).toBe(firstClosedAt);
      }),
      { numRuns: 2000 },
    );
  });

  test('only legal (OK) transitions drive an idle stream to a non-closed state from another', () => {
    fc.assert(
      fc.property(role, inputs, (r, seq) => {
        const m = new StreamStateMachine(r);
        for (const input of seq) {
          const before = m.state;
          const t = m.apply(input, 0);
          if (m.state !== before && !isClosed(m.state)) expect(t.outcome).toBe(Outcome.OK);
        }
        // states never reached by transitions
        expect([StreamState.CLOSED_FORGOTTEN, StreamState.CLOSED_IMPLICIT]).not.toContain(m.state);
      }),
      { numRuns: 1000 },
    );
  });
});
