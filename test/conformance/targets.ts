/**
 * The servers the conformance suite runs against, and `describeTargets`,
 * which runs a section's tests once per target (one `describe` each), with one
 * server per file and target and every raw peer closed after each test.
 *
 * Every target serves the same three resources:
 * - `small` (`/`): 200 with a short body ({@link SMALL_BODY}); HEAD gets no body.
 * - `large` (`/large`): 200 with {@link LARGE_SIZE} octets, so a client that
 *   keeps its window small holds the server mid-response (the server is BUSY).
 * - `echo` (`/echo`): 200 whose body is the request body, streamed back as it
 *   is read — where the target can ({@link TargetFeatures}).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main';
import { serve } from '../../src/rx/serve';
import type { IncomingStream } from '../../src/rx/rx-stream';
import { closeAllPeers, FrameType, SettingId, type ConnectOptions, type RawPeer } from './raw-peer';

export const SMALL_BODY = 'hello from rx-http2\n';
export const LARGE_CHUNK = 16384;
export const LARGE_CHUNKS = 16;
export const LARGE_SIZE = LARGE_CHUNK * LARGE_CHUNKS;
/** MAX_CONCURRENT_STREAMS the reactive target announces (§5.1.2 needs a finite one). */
export const MAX_CONCURRENT = 100;

/** Octet `i` of the large body. */
export const largeByte = (i: number): number => (i * 31 + 7) & 0xff;

/** The large body, for comparing. */
export function largeBody(): Buffer {
  const b = Buffer.alloc(LARGE_SIZE);
  for (let i = 0; i < LARGE_SIZE; i++) b[i] = largeByte(i);
  return b;
}

/** A listening server of one target. */
export interface RunningServer {
  readonly port: number;
  close(): Promise<void>;
}

/** What a target's resources do beyond plain HTTP/2, for the few cases that need it. */
export interface TargetFeatures {
  /** `POST /echo` answers with the request body (else those cases are skipped). */
  readonly echo: boolean;
  /** `POST /` never reads the request body, so its octets keep the connection window (else those cases are skipped). */
  readonly ignoresBody: boolean;
}

/** A server implementation under test. */
export interface Target {
  readonly name: string;
  readonly features: TargetFeatures;
  /** Why the target cannot run here (then its tests are skipped, and this is printed). */
  readonly unavailable?: string;
  start(): Promise<RunningServer>;
}

async function* slowLargeBody(): AsyncGenerator<Uint8Array> {
  for (let c = 0; c < LARGE_CHUNKS; c++) {
    const chunk = Buffer.alloc(LARGE_CHUNK);
    for (let i = 0; i < LARGE_CHUNK; i++) chunk[i] = largeByte(c * LARGE_CHUNK + i);
    yield chunk;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** The handler of the reactive target. */
async function handle(stream: IncomingStream): Promise<void> {
  switch (stream.path) {
    case '/echo':
      await stream.respond({ ':status': 200, 'content-type': 'application/octet-stream' }, stream.body);
      return;
    case '/large':
      await stream.respond({ ':status': 200, 'content-type': 'application/octet-stream' }, slowLargeBody());
      return;
    default:
      if (stream.method === 'HEAD') await stream.respond({ ':status': 200, 'content-length': String(SMALL_BODY.length) });
      else await stream.respond({ ':status': 200, 'content-type': 'text/plain' }, SMALL_BODY);
  }
}

/** `serve()` of the reactive API with the handler above. */
export const reactiveTarget: Target = {
  name: 'serve()',
  features: { echo: true, ignoresBody: true },
  async start() {
    const server = await serve({ host: '127.0.0.1', settings: [[SettingId.MAX_CONCURRENT_STREAMS, MAX_CONCURRENT]] });
    // Streams reset by the client (or by a stream error) make respond()/the body fail: that is the test's point.
    server.streams$.subscribe((stream) => void handle(stream).catch(() => undefined));
    return { port: server.address.port, close: () => server.close() };
  },
};

/**
 * The `rx-http2 serve` command, run in-process through the CLI's `main(argv)`
 * (exactly what `bin/rx-http2.js` runs), serving a temporary directory with
 * the same resources: `index.html` is {@link SMALL_BODY} (served for `/`),
 * `large` is the large body. It is a static file server: `POST /echo` gets
 * 405 (no echo), and request bodies are read and dropped.
 */
export const cliTarget: Target = {
  name: 'rx-http2 serve',
  features: { echo: false, ignoresBody: false },
  async start() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rx-http2-conformance-'));
    fs.writeFileSync(path.join(dir, 'index.html'), SMALL_BODY);
    fs.writeFileSync(path.join(dir, 'large'), largeBody());
    let errors = '';
    const stdout = new Writable({ write: (_chunk, _enc, done) => done() });
    const stderr = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        errors += chunk.toString();
        done();
      },
    });
    const run = await main(['serve', dir, '--host', '127.0.0.1', '--port', '0', '--quiet'], { stdout, stderr, cwd: dir });
    if (run.url === undefined) throw new Error(`rx-http2 serve did not start: ${errors}`);
    return {
      port: Number(new URL(run.url).port),
      close: async () => {
        await run.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

export const TARGETS: readonly Target[] = [reactiveTarget, cliTarget];

/** `it` when `target` has `feature`, else `it.skip` (the case needs what the resource does, not just HTTP/2). */
export function itWith(target: Target, feature: keyof TargetFeatures): jest.It {
  return target.features[feature] ? it : it.skip;
}

/**
 * Runs `body` once per target: `server()` is the running server of the
 * current target. Unavailable targets are skipped, with a console message.
 */
export function describeTargets(title: string, body: (server: () => RunningServer, target: Target) => void): void {
  for (const target of TARGETS) {
    if (target.unavailable !== undefined) {
      // One plain line per file (console.warn would add a stack trace to each).
      process.stderr.write(`[conformance] ${title}: target "${target.name}" skipped: ${target.unavailable}\n`);
      describe.skip(`${title} [${target.name}: skipped, ${target.unavailable}]`, () => {
        it('is skipped', () => undefined);
      });
      continue;
    }
    describe(`${title} [${target.name}]`, () => {
      let running: RunningServer | undefined;
      beforeAll(async () => {
        running = await target.start();
      });
      afterEach(() => closeAllPeers());
      afterAll(async () => {
        closeAllPeers();
        await running?.close();
      });
      body(() => {
        if (running === undefined) throw new Error(`target ${target.name} did not start`);
        return running;
      }, target);
    });
  }
}

// ---------------------------------------------------------------------------
// A busy server: responses in flight, blocked by our flow-control windows.


/** Our SETTINGS_INITIAL_WINDOW_SIZE while keeping the server busy: it sends this much of each large body, then waits. */
export const BUSY_WINDOW = 4096;

/** Connect options for a busy scenario: a small stream window and no automatic WINDOW_UPDATEs. */
export const BUSY: ConnectOptions = { settings: [[SettingId.INITIAL_WINDOW_SIZE, BUSY_WINDOW]], autoWindow: false };

/**
 * Opens `GET /large` (END_STREAM) on each of `ids` and waits until each has a
 * DATA frame in flight: the server is mid-response on every one of them and
 * blocked by our stream windows (the peer must be connected with {@link BUSY}).
 */
export async function startBusy(peer: RawPeer, ids: number[]): Promise<void> {
  peer.send(...ids.map((id) => peer.headers(id, peer.request('/large'), { endStream: true })));
  for (const id of ids) {
    await peer.expectFrame((f) => f.unknown !== true && f.type === FrameType.DATA && f.streamId === id && f.data.length > 0, `DATA in flight on stream ${id}`);
  }
}

/** Gives the busy streams all the credit they need and checks that each completes with the whole large body. */
export async function finishBusy(peer: RawPeer, ids: number[]): Promise<void> {
  peer.autoWindow = true;
  peer.send(peer.windowUpdate(0, LARGE_SIZE * ids.length), ...ids.map((id) => peer.windowUpdate(id, LARGE_SIZE)));
  const expected = largeBody();
  for (const id of ids) {
    const res = await peer.expectResponseComplete(id);
    expect(res.status).toBe('200');
    expect(res.body.equals(expected)).toBe(true);
  }
}
