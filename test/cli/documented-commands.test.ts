import { beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { buildProgram } from '../../src/cli/program.js';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { execa } from 'execa';
import { requireTool } from '../helpers/tools.js';
import { sharedRun } from '../helpers/shared-run.js';
import { axhwIn } from '../helpers/cli.js';
import {
  commandToRun,
  helpExamples,
  PREPARED_MODELS,
  prepareUserFiles,
  readmeCommands,
  root,
  RUN_BY_DEMO_TEST,
  runOrder,
  SUBSTITUTIONS,
  withDeclaredOut,
  words,
} from '../helpers/documented-commands.js';

/**
 * Every command the README's command block and the `--help` texts show is run here, as a user types it,
 * in a fresh folder (the demo and the report of its folder in the demo's test). A documented command
 * that fails is a bug of the first rank; a substitution with a smaller budget is listed, with its reason,
 * in test/helpers/documented-commands.ts. An experiment's line is run once per test run for every test file that
 * runs it (test/helpers/shared-run.ts: the experiments' own tests and the shard comparisons run some of the same)
 * and its report folder copied to where the line puts it: experiments read nothing from the folder.
 */
const bin = join(root, 'bin', 'axhw.js');
const examples = await helpExamples();
const program = await buildProgram();
const documented = [...new Set([...readmeCommands(), ...examples])];
const asRun = (c: string) => withDeclaredOut(commandToRun(c), program);
const here = documented.filter((c) => !RUN_BY_DEMO_TEST.includes(c));
const ordered = here
  .map((c, i) => ({ c, i }))
  .sort((x, y) => runOrder(x.c) - runOrder(y.c) || x.i - y.i)
  .map((x) => x.c);

/** An experiment's line through the test run's shared runs, its report folder copied to where the line's -o puts it. */
async function sharedExperiment(args: string[], cwd: string) {
  const o = args.indexOf('-o');
  if (o < 0) throw new Error(`${args.join(' ')}: an experiment's line runs with its declared output folder (withDeclaredOut)`);
  const r = await sharedRun(...args.slice(0, o), ...args.slice(o + 2));
  if (r.exitCode === 0) cpSync(r.out, join(cwd, args[o + 1]!), { recursive: true });
  return r;
}

describe('the documented commands', () => {
  it("are found: the README block and every command's examples; each substitution names a documented command and says why", () => {
    expect(readmeCommands().length).toBeGreaterThan(30);
    expect(examples.length).toBeGreaterThan(40);
    for (const [k, s] of Object.entries(SUBSTITUTIONS)) {
      expect(documented, k).toContain(k);
      expect(s.why.length, k).toBeGreaterThan(30);
      // A substitute keeps the command: the same command words, and every option of the original.
      const [a, b] = [words(k), words(s.run)];
      expect(b.slice(0, 3), k).toEqual(a.slice(0, 3));
      for (const w of a.filter((x) => x.startsWith('--') && !s.drops?.includes(x))) expect(b, `${k}: ${w}`).toContain(w);
    }
    for (const c of RUN_BY_DEMO_TEST) expect(documented, c).toContain(c);
    // The help's bare experiment line and the README's line with the default folder are one run; an explicit
    // folder, or a command with no declared output folder, stays as typed.
    expect(withDeclaredOut('axhw experiment axtrain --quick', program)).toBe('axhw experiment axtrain --quick -o out/experiment/axtrain');
    expect(withDeclaredOut('axhw experiment axtrain --quick -o x', program)).toBe('axhw experiment axtrain --quick -o x');
    expect(withDeclaredOut('axhw units', program)).toBe('axhw units');
  });

  it('`axhw` is on the PATH after scripts/setup.sh and runs this checkout from any folder', async () => {
    const away = mkdtempSync(join(tmpdir(), 'axhw-elsewhere-'));
    const which = await execa('sh', ['-c', 'command -v axhw'], { cwd: away, reject: false });
    expect(which.exitCode, 'axhw is not on the PATH: run bash scripts/setup.sh (it links axhw with npm link)').toBe(0);
    expect(realpathSync(which.stdout.trim())).toBe(realpathSync(bin));
    const r = await execa('axhw', ['units'], { cwd: away, reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toMatch(/^drum: /m);
  });

  describe('run, each in order, in one fresh folder', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'axhw-documented-'));
    beforeAll(async () => {
      requireTool('verilator');
      requireTool('yosys');
      prepareUserFiles(cwd);
      for (const args of PREPARED_MODELS) {
        const r = await execa('node', [bin, ...args], { cwd, reject: false, all: true });
        expect(r.exitCode, r.all).toBe(0);
      }
    }, 600_000);

    // Documented commands that read the same once substituted and given their declared output folder (two spellings
    // of the quick system experiment; an experiment's help line and the README's with the default -o) run once:
    // the same command in the same folder, a second run proves nothing more and takes its time again.
    const ran = new Map<string, Promise<{ exitCode?: number; all?: string }>>();
    it.each(ordered)(
      '%s',
      async (documentedLine) => {
        const line = asRun(documentedLine);
        const [, ...args] = words(line);
        if (!ran.has(line)) ran.set(line, args[0] === 'experiment' ? sharedExperiment(args, cwd) : axhwIn(cwd, ...args));
        const r = await ran.get(line)!;
        expect(r.exitCode, `${line}\n${r.all}`).toBe(0);
        expect(r.all).not.toMatch(/internal error/);
      },
      900_000,
    );

    // Runs above made without these options: what they wrote records the declared defaults (a default the
    // code ignores or overrides would show here, not only in the help).
    it('runs without an option record its declared default (train, experiment axtrain)', async () => {
      const defaults = (path: string[]) => {
        const cmd = path.reduce((c, n) => c.commands.find((x) => x.name() === n)!, program);
        return Object.fromEntries(cmd.options.map((o) => [o.attributeName(), o.defaultValue]));
      };
      const t = defaults(['train']);
      const m = JSON.parse(readFileSync(join(cwd, 'out', 'bc', 'metrics.json'), 'utf8'));
      expect(m.command).not.toMatch(/--seed|--epochs|--batch-size|--lr|--optimizer/);
      expect({ seed: m.seed, epochs: m.epochs, batchSize: m.batchSize, learningRate: m.learningRate, optimizer: m.optimizer }).toEqual({
        seed: t.seed,
        epochs: t.epochs,
        batchSize: t.batchSize,
        learningRate: t.lr,
        optimizer: t.optimizer,
      });
      const e = defaults(['experiment', 'axtrain']);
      const x = JSON.parse(readFileSync(join(cwd, 'out', 'experiment', 'axtrain', 'axtrain.json'), 'utf8'));
      expect(x.command).not.toMatch(/--seed/);
      expect(x.seed).toBe(e.seed);
    });
  });
});
