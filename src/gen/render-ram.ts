import { renderTemplate, templatePath } from './templates.js';
import { rtlTemplateDir } from '../paths.js';
import { addressBits } from '../util/bits.js';

/** What rtl-templates/ram.v.hbs needs of a memory (a module's memory, or a register file costed alone). */
export interface RamSpec {
  top: string;
  role: string;
  width: number;
  depth: number;
  reads: number;
  /** Port 0 registers its read (an SRAM macro's timing); the other ports read asynchronously. */
  syncRead?: boolean;
  /** Each word clocked only when written (cost characterisation, src/synth/memory-kinds.ts). */
  gated?: boolean;
  /** Address bits, where they are not those of `depth` (a shallower copy timed for a deep memory). */
  aw?: number;
}

/** The Verilog of one memory module, rendered from rtl-templates/ram.v.hbs (the one place that does). */
export function renderRam(m: RamSpec): string {
  return renderTemplate(templatePath(rtlTemplateDir, 'ram.v.hbs'), {
    top: m.top,
    role: m.role,
    width: m.width,
    depth: m.depth,
    gated: m.gated ?? false,
    syncRead: m.syncRead ?? false,
    aw: m.aw ?? addressBits(m.depth),
    reads: Array.from({ length: m.reads }, (_, k) => ({ k, sync: k === 0 && (m.syncRead ?? false) })),
  }).text;
}
