/**
 * Command-line parsing for `rx-http2`: a small getopt-style parser, strict
 * about what it does not know (an unknown option is an error, exit 2).
 * @packageDocumentation
 */

/** One option a command accepts. */
export interface OptionSpec {
  /** Long name, used as `--name` and as the key of {@link ParsedArgs.options}. */
  readonly name: string;
  /** One-letter alias, used as `-x`. */
  readonly short?: string;
  /** Takes a value (`--name value`, `--name=value`, `-x value`, `-xvalue`); otherwise a flag. */
  readonly value?: boolean;
  /** May be given several times: the values are collected in order. */
  readonly repeat?: boolean;
}

/** What {@link parseArgs} returns. */
export interface ParsedArgs {
  /** Flags as `true`; options with a value as a string (the last one wins) or, when `repeat`, a string array. */
  readonly options: Record<string, string | string[] | true>;
  readonly positionals: string[];
}

/** A usage error: the message is printed as `rx-http2: <message>` and the exit code is 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose usage to print, when known. */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Parses `argv` against `specs`. Options and positionals may be mixed; `--`
 * ends the options; a lone `-` is a positional. Boolean short flags can be
 * grouped (`-sk`); a short option with a value takes the rest of its word
 * (`-Hname:value`) or the next word.
 * @throws UsageError for an unknown option, a missing value, or a value given to a flag.
 */
export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[], command?: string): ParsedArgs {
  const byLong = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short !== undefined).map((s) => [s.short!, s]));
  const options: Record<string, string | string[] | true> = Object.create(null);
  const positionals: string[] = [];
  const set = (spec: OptionSpec, value: string | true): void => {
    if (spec.repeat === true && typeof value === 'string') {
      const prior = options[spec.name];
      options[spec.name] = Array.isArray(prior) ? [...prior, value] : [value];
    } else {
      options[spec.name] = value;
    }
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      const spec = byLong.get(name);
      if (spec === undefined) throw new UsageError(`unknown option --${name}`, command);
      if (spec.value !== true) {
        if (eq !== -1) throw new UsageError(`option --${name} takes no value`, command);
        set(spec, true);
      } else if (eq !== -1) {
        set(spec, arg.slice(eq + 1));
      } else {
        if (i + 1 >= argv.length) throw new UsageError(`option --${name} needs a value`, command);
        set(spec, argv[++i]);
      }
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j];
        const spec = byShort.get(letter);
        if (spec === undefined) throw new UsageError(`unknown option -${letter}`, command);
        if (spec.value !== true) {
          set(spec, true);
          continue;
        }
        if (j + 1 < arg.length) set(spec, arg.slice(j + 1));
        else if (i + 1 < argv.length) set(spec, argv[++i]);
        else throw new UsageError(`option -${letter} needs a value`, command);
        break;
      }
      continue;
    }
    positionals.push(arg);
  }
  return { options, positionals };
}

/** The last value of a string option, or `undefined`. */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.options[name];
  if (v === undefined || v === true) return undefined;
  return Array.isArray(v) ? v[v.length - 1] : v;
}

/** All values of a repeatable option. */
export function listOption(args: ParsedArgs, name: string): string[] {
  const v = args.options[name];
  if (v === undefined || v === true) return [];
  return Array.isArray(v) ? v : [v];
}

/** Whether a flag was given. */
export function flag(args: ParsedArgs, name: string): boolean {
  return args.options[name] !== undefined;
}

/**
 * A TCP port: a decimal integer 0–65535 (0: the OS chooses).
 * @throws UsageError otherwise.
 */
export function parsePort(text: string, command?: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw new UsageError(`invalid port '${text}' (0-65535)`, command);
  return Number(text);
}
