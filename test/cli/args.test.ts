import { flag, listOption, parseArgs, parsePort, stringOption, UsageError, type OptionSpec } from '../../src/cli/args';
import { parseGetArgs, parseHeader } from '../../src/cli/get';
import { parseServeArgs, DEFAULT_HOST, DEFAULT_IDLE_TIMEOUT_S, DEFAULT_PORT } from '../../src/cli/serve-command';

const specs: OptionSpec[] = [
  { name: 'output', short: 'o', value: true },
  { name: 'header', short: 'H', value: true, repeat: true },
  { name: 'silent', short: 's' },
  { name: 'insecure', short: 'k' },
];

describe('parseArgs', () => {
  it('reads long and short options, with the value in the same word or the next, and positionals anywhere', () => {
    const a = parseArgs(['a', '--output', 'f', '-H', 'x: 1', '-Hy: 2', '--header=z: 3', 'b', '-o=g'], specs);
    expect(a.positionals).toEqual(['a', 'b']);
    expect(listOption(a, 'header')).toEqual(['x: 1', 'y: 2', 'z: 3']);
    expect(stringOption(a, 'output')).toBe('=g'); // -o takes the rest of its word, as getopt does
  });

  it('groups boolean short flags; -- ends the options; a lone - is a positional', () => {
    const a = parseArgs(['-sk', '--', '--not-an-option', '-'], specs);
    expect(flag(a, 'silent') && flag(a, 'insecure')).toBe(true);
    expect(a.positionals).toEqual(['--not-an-option', '-']);
    expect(parseArgs(['-'], specs).positionals).toEqual(['-']);
  });

  it.each([
    [['--foo'], 'unknown option --foo'],
    [['-z'], 'unknown option -z'],
    [['--output'], 'option --output needs a value'],
    [['-o'], 'option -o needs a value'],
    [['--silent=yes'], 'option --silent takes no value'],
  ])('%j → UsageError %s', (argv, message) => {
    expect(() => parseArgs(argv, specs, 'get')).toThrow(new UsageError(message));
    try {
      parseArgs(argv, specs, 'get');
    } catch (e) {
      expect((e as UsageError).command).toBe('get');
    }
  });

  it('parsePort accepts 0-65535 only', () => {
    expect(parsePort('0')).toBe(0);
    expect(parsePort('65535')).toBe(65535);
    for (const bad of ['65536', '-1', '80a', '', '1e3', ' 80']) expect(() => parsePort(bad)).toThrow(UsageError);
  });
});

describe('serve arguments', () => {
  it('defaults: current directory, port 8080 on 127.0.0.1, h2c', () => {
    expect(parseServeArgs([])).toEqual({ dir: '.', port: DEFAULT_PORT, host: DEFAULT_HOST, tls: false, cert: undefined, key: undefined, quiet: false, idleTimeout: DEFAULT_IDLE_TIMEOUT_S });
    expect(DEFAULT_PORT).toBe(8080);
    expect(DEFAULT_IDLE_TIMEOUT_S).toBe(120);
  });

  it('--cert/--key imply --tls and go together', () => {
    expect(parseServeArgs(['site', '-p', '0', '--host', '::', '--cert', 'c.pem', '--key', 'k.pem', '-q'])).toEqual({
      dir: 'site',
      port: 0,
      host: '::',
      tls: true,
      cert: 'c.pem',
      key: 'k.pem',
      quiet: true,
      idleTimeout: DEFAULT_IDLE_TIMEOUT_S,
    });
    expect(() => parseServeArgs(['--cert', 'c.pem'])).toThrow('--cert and --key go together');
    expect(() => parseServeArgs(['a', 'b'])).toThrow('one directory only');
    expect(() => parseServeArgs(['--port', 'http'])).toThrow("invalid port 'http'");
    expect(parseServeArgs(['--help'])).toBe('help');
  });

  it('--idle-timeout: seconds, 0 for never; anything else is a usage error', () => {
    expect(parseServeArgs(['--idle-timeout', '0'])).toMatchObject({ idleTimeout: 0 });
    expect(parseServeArgs(['--idle-timeout', '2.5'])).toMatchObject({ idleTimeout: 2.5 });
    for (const bad of ['-1', 'soon', '1e3', '']) expect(() => parseServeArgs(['--idle-timeout', bad])).toThrow(`invalid --idle-timeout '${bad}'`);
  });
});

describe('get arguments', () => {
  it('builds the request: pseudo-headers from the URL, -X, -H (host → :authority), default user-agent and accept', () => {
    const r = parseGetArgs(['https://example.test:8443/a/b?c=d', '-X', 'put', '-H', 'X-Thing:  v ', '-H', 'host: other', '-k', '--ca', 'ca.pem', '-f', '-s', '-o', 'out']);
    if (r === 'help') throw new Error('help');
    expect(r.method).toBe('PUT');
    expect(r.fields).toEqual([
      [':method', 'PUT'],
      [':scheme', 'https'],
      [':authority', 'other'],
      [':path', '/a/b?c=d'],
      ['x-thing', 'v'],
      ['user-agent', 'rx-http2'],
      ['accept', '*/*'],
    ]);
    expect(r).toMatchObject({ insecure: true, ca: 'ca.pem', fail: true, silent: true, output: 'out', data: undefined });
  });

  it('--data implies POST; @file and @- name a file and stdin', () => {
    expect(parseGetArgs(['http://h/', '-d', 'x=1'])).toMatchObject({ method: 'POST', data: { text: 'x=1' } });
    expect(parseGetArgs(['http://h/', '--data', '@body.bin', '-X', 'PATCH'])).toMatchObject({ method: 'PATCH', data: { file: 'body.bin' } });
    expect(parseGetArgs(['http://h/', '--data=@-'])).toMatchObject({ data: { file: '-' } });
  });

  it('refuses what it cannot do', () => {
    expect(() => parseGetArgs([])).toThrow('get: missing <url>');
    expect(() => parseGetArgs(['http://a/', 'http://b/'])).toThrow('one URL only');
    expect(() => parseGetArgs(['not a url'])).toThrow("invalid URL 'not a url'");
    expect(() => parseGetArgs(['ftp://h/'])).toThrow('must be http:// or https://');
    expect(() => parseGetArgs(['http://h/', '-X', 'GE T'])).toThrow('invalid method');
    expect(() => parseGetArgs(['http://h/', '-H', 'novalue'])).toThrow("bad header 'novalue'");
    expect(() => parseGetArgs(['http://h/', '--data', '@'])).toThrow('get: --data @ needs a file name (@- reads stdin)');
  });

  it('refuses connection-specific header fields, and te other than trailers (RFC 9113 §8.2.2)', () => {
    for (const field of ['Connection: close', 'keep-alive: timeout=5', 'proxy-connection: keep-alive', 'Transfer-Encoding: chunked', 'upgrade: websocket']) {
      const name = field.slice(0, field.indexOf(':')).toLowerCase();
      expect(() => parseGetArgs(['http://h/', '-H', field])).toThrow(new UsageError(`get: -H '${name}': a connection-specific header field, not allowed in HTTP/2 (RFC 9113 §8.2.2)`));
    }
    expect(() => parseGetArgs(['http://h/', '-H', 'te: gzip'])).toThrow("get: -H 'te: gzip': in HTTP/2, te may only be 'trailers' (RFC 9113 §8.2.2)");
    expect(parseGetArgs(['http://h/', '-H', 'TE: trailers'])).toMatchObject({ fields: expect.arrayContaining([['te', 'trailers']]) });
  });

  it('parseHeader keeps the leading colon of a pseudo-header and splits at the first colon after it', () => {
    expect(parseHeader(':path: /x:y')).toEqual([':path', '/x:y']);
    expect(parseHeader('Accept: text/html')).toEqual(['accept', 'text/html']);
    expect(parseHeader('x-empty:')).toEqual(['x-empty', '']);
    expect(() => parseHeader(': v')).toThrow(UsageError);
  });
});
