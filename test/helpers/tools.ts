import { execaSync } from 'execa';

/**
 * Tests that need a system tool call this: a missing tool fails the test loudly (never skips), with the
 * package to install, so CI cannot pass without exercising the real tools.
 */
export function requireTool(bin: 'verilator' | 'yosys' | 'sta' | 'iverilog', pkg: string = bin === 'sta' ? 'opensta' : bin): void {
  try {
    execaSync(bin, [bin === 'yosys' || bin === 'iverilog' ? '-V' : bin === 'sta' ? '-version' : '--version']);
  } catch {
    throw new Error(`${bin} is required for this test but is not installed: apt-get install ${pkg} (scripts/setup.sh does it)`);
  }
}
