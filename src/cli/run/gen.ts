import { designFromOptions, unitFlags } from '../options/design.js';
import { writeDesign } from '../../gen/manifest.js';
import { printJson } from '../format/output.js';
import { checkOutputDir } from '../../util/output-path.js';
import type { OptionsOf } from '../../util/options.js';
import type { GEN_OPTIONS } from '../commands/gen.js';

/** `axhw gen` with its options parsed (the command file declares them): checks, runs, writes and prints. */
export async function runGen(opts: OptionsOf<typeof GEN_OPTIONS>, unit: string, parsedOptions: object): Promise<void> {
  checkOutputDir(opts.out, '-o');
  const d = await designFromOptions(unit, {}, unitFlags(parsedOptions));
  const { files, manifest } = writeDesign(d, opts.out);
  if (opts.json) printJson({ ...manifest, written: files });
  else {
    process.stdout.write(
      `${d.top}: ${d.ports.a.width} x ${d.ports.b.width} -> ${d.ports.y.width} bits${d.ports.signed ? ', signed' : ''}, ` +
        `rtl ${d.rtlHash.slice(0, 16)}\n`,
    );
    for (const f of files) process.stdout.write(`  wrote ${f}\n`);
  }
}
