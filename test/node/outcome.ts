/**
 * Helpers for differential tests against Node's own `node:http2`: what a call
 * produced (a value or an error), in a form that compares across realms.
 * (Jest runs tests in a vm context, so Node's errors are not `instanceof` the
 * test's `TypeError`: compare class names instead.)
 */
import { spawnSync } from 'node:child_process';
import { inspect } from 'node:util';

/** What a thrown error looks like to a user. */
export interface ErrorShape {
  threw: true;
  /** `err.constructor.name`: Node's errors report their base class. */
  ctor: string;
  name: string;
  code: unknown;
  message: string;
  /** Own enumerable keys, in order. */
  keys: string[];
  string: string;
  /** First line of `err.stack` (absent when compared without it, see {@link outcome}). */
  stackHead?: string;
  /** Extra own properties, inspected. */
  props: Record<string, string>;
}

/** A call's result: an error's shape or the value. */
export type Outcome = ErrorShape | { threw: false; value: unknown };

/**
 * The user-visible shape of an error, as JavaScript source so that the very
 * same code runs here and in the oracle child process.
 */
const errorShapeSource = `function errorShape(e) {
  const props = {};
  for (const key of Object.keys(e)) {
    if (key === 'code') continue;
    const v = e[key];
    // Errors (e.g. a cause) by their text: their stacks differ between runs.
    props[key] = Object.prototype.toString.call(v) === '[object Error]' ? String(v) : inspect(v);
  }
  return {
    threw: true,
    ctor: e.constructor.name,
    name: e.name,
    code: e.code,
    message: e.message,
    keys: Object.keys(e),
    string: String(e),
    stackHead: String(e.stack).split('\\n')[0],
    props,
  };
}`;

/** The user-visible shape of an error. */
// eslint-disable-next-line @typescript-eslint/no-implied-eval
export const errorShape = new Function('inspect', `return ${errorShapeSource}`)(inspect) as (e: unknown) => ErrorShape;

/**
 * Runs `fn` and describes the outcome. Buffers become hex strings and objects
 * keep their key order and prototype kind, so deep equality checks bytes,
 * order and null-prototype-ness.
 *
 * Pass `withStack: false` to compare with errors Node throws in this process:
 * under jest their stack header loses its `[CODE]` (jest replaces Node's
 * `prepareStackTrace`), so the stack header is compared only against the
 * oracle child process ({@link internalOutcomes}), a plain node.
 */
export function outcome(fn: () => unknown, withStack = true): Outcome {
  try {
    return { threw: false, value: describe(fn()) };
  } catch (e) {
    const shape: Partial<ErrorShape> = errorShape(e);
    if (!withStack) delete shape.stackHead;
    return shape as ErrorShape;
  }
}

function describe(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return { buffer: value.toString('hex') };
  if (value !== null && typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) === null ? 'null' : 'object';
    return { proto, entries: Object.entries(value).map(([k, v]) => [k, describe(v)]) };
  }
  return value;
}

/**
 * Evaluates each JavaScript expression in a `node --expose-internals` child
 * (with `codes` from `internal/errors`, `NghttpError`, `AbortError`,
 * `remoteCustomSettingsToBuffer` in scope) and returns each outcome: the
 * oracle for errors Node defines but that are hard to trigger from its public
 * API.
 */
export function internalOutcomes(expressions: readonly string[]): Outcome[] {
  const script = `
    const { codes, AbortError } = require('internal/errors');
    const { NghttpError, remoteCustomSettingsToBuffer } = require('internal/http2/util');
    const { inspect } = require('node:util');
    ${errorShapeSource}
    const exprs = JSON.parse(process.argv[1]);
    const out = exprs.map((src) => {
      try { return { threw: false, value: inspect(eval(src)) }; } catch (e) { return errorShape(e); }
    });
    process.stdout.write(JSON.stringify(out));
  `;
  const res = spawnSync(process.execPath, ['--expose-internals', '--no-warnings', '-e', script, JSON.stringify(expressions)], {
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`oracle failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as Outcome[];
}
