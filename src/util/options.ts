import { Option, type Command } from 'commander';

/**
 * A command-line option declared once, as data: its flags, help, parser, default, choices. The CLI flag
 * (with help and default), the validation (the parser throws commander's InvalidArgumentError: exit 2
 * with the option named) and the type of the value handed to the runner all come from this one value.
 * `Given` says whether the value is always present (a default or a mandatory option) or may be
 * undefined.
 */
export class Opt<T, Given extends boolean = false> {
  /** Type-level only: the value's type and whether it is always there (never set at run time). */
  declare readonly value: T;
  declare readonly given: Given;

  constructor(
    readonly flags: string,
    readonly description: string,
    readonly settings: {
      parse?: (value: string) => T;
      choices?: readonly string[];
      default?: T;
      mandatory?: boolean;
      hidden?: boolean;
    } = {},
  ) {}

  /** The value when the flag is not given (shown in the help as commander shows it). */
  default(value: T): Opt<T, true> {
    return new Opt<T, true>(this.flags, this.description, { ...this.settings, default: value });
  }

  /** The flag must be given. */
  mandatory(): Opt<T, true> {
    return new Opt<T, true>(this.flags, this.description, { ...this.settings, mandatory: true });
  }

  /** Accepted but left out of the help (an old name kept as an alias). */
  hidden(): Opt<T, Given> {
    return new Opt<T, Given>(this.flags, this.description, { ...this.settings, hidden: true });
  }

  /** The commander option this declaration stands for. */
  toOption(): Option {
    const o = new Option(this.flags, this.description);
    const s = this.settings;
    if (s.choices) o.choices(s.choices);
    if (s.parse) o.argParser(s.parse);
    if (s.default !== undefined) o.default(s.default);
    if (s.mandatory) o.makeOptionMandatory();
    if (s.hidden) o.hideHelp();
    return o;
  }
}

/** A switch: true when given. */
export const flag = (flags: string, description: string) => new Opt<true>(flags, description);

/** A text value (a path, a name). */
export const text = (flags: string, description: string) => new Opt<string>(flags, description);

/** Several text values (`<files...>`). */
export const texts = (flags: string, description: string) => new Opt<string[]>(flags, description);

/** A value read by a parser (util/numbers.ts for numbers): the parser's result type is the value's. */
export const parsed = <T>(flags: string, description: string, parse: (value: string) => T) => new Opt<T>(flags, description, { parse });

/** One of a fixed list of words. */
export const choice = <const C extends string>(flags: string, description: string, choices: readonly C[]) =>
  new Opt<C>(flags, description, { choices });

/** A command's (or an experiment's) options: the key is the name commander gives the value (camelCase of the long flag). */
export type OptionSet = Record<string, Opt<unknown, boolean>>;

/** The typed values of an option set: present where a default or `mandatory` guarantees it, else possibly undefined. */
export type OptionsOf<S extends OptionSet> = {
  [K in keyof S]: S[K] extends Opt<infer T, infer G> ? (G extends true ? T : T | undefined) : never;
};

/** Add every option of a set to a command, in declaration order (the help lists them so). */
export function addOptions(cmd: Command, set: OptionSet): Command {
  for (const [key, decl] of Object.entries(set)) {
    const option = decl.toOption();
    // A key that is not commander's name for the value would silently read undefined: refuse it here.
    if (option.attributeName() !== key)
      throw new Error(`option ${decl.flags} is declared as '${key}'; commander names its value '${option.attributeName()}'`);
    cmd.addOption(option);
  }
  return cmd;
}

/** The typed values of `set` out of commander's parsed options (keys outside the set are left behind). */
export function optionValues<S extends OptionSet>(set: S, parsed: object): OptionsOf<S> {
  const source = parsed as { [k: string]: unknown };
  const out: { [k: string]: unknown } = {};
  for (const key of Object.keys(set)) out[key] = source[key];
  return out as OptionsOf<S>;
}

/**
 * The values a run gets with nothing given on the command line: each declared default. Callers other
 * than the CLI (the demo, tests) start from these so that they run with what the CLI would.
 */
export function optionDefaults<S extends OptionSet>(set: S, given: Partial<OptionsOf<S>> = {}): OptionsOf<S> {
  const out: { [k: string]: unknown } = {};
  for (const [key, decl] of Object.entries(set)) out[key] = decl.settings.default;
  return { ...out, ...given } as OptionsOf<S>;
}

/** A comma list of names (`a,b,c`; blanks dropped). */
export const toNameList = (v: string): string[] =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
