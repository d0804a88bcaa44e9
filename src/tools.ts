import { execa } from 'execa';
import { AxhwError } from './errors.js';

/** System tools axhw drives, with the Debian package that provides each. */
export const TOOLS = {
  verilator: { bin: 'verilator', pkg: 'verilator', versionArgs: ['--version'] },
  yosys: { bin: 'yosys', pkg: 'yosys', versionArgs: ['-V'] },
  sta: { bin: 'sta', pkg: 'opensta', versionArgs: ['-version'] },
} as const;
export type ToolName = keyof typeof TOOLS;

const versions = new Map<ToolName, string>();

/** The tool's version line; throws a clear error naming the package when the tool is missing. */
export async function toolVersion(name: ToolName): Promise<string> {
  const cached = versions.get(name);
  if (cached) return cached;
  const t = TOOLS[name];
  let out: string;
  try {
    const r = await execa(t.bin, [...t.versionArgs], { reject: false, timeout: 30_000 });
    if (r.failed && (r as { code?: string }).code === 'ENOENT') throw new Error('ENOENT');
    out = `${r.stdout}\n${r.stderr}`.trim().split('\n')[0] ?? '';
  } catch {
    throw missingTool(name);
  }
  versions.set(name, out);
  return out;
}

export function missingTool(name: ToolName): AxhwError {
  const t = TOOLS[name];
  return new AxhwError(
    `${t.bin} was not found on PATH; axhw needs it for this command.`,
    `Install it with: sudo apt-get install ${t.pkg}   (or run scripts/setup.sh, which installs every tool axhw uses).`,
  );
}
