import { InvalidArgumentError } from 'commander';
import { MEMORY_KINDS, type MemoryKind } from '../../gen/memory-kind.js';
import { NPU_MEMORY_ROLES, type NpuMemoryRole } from '../../gen/units/npu.js';

const isKind = (k: string): k is MemoryKind => (MEMORY_KINDS as readonly string[]).includes(k);
const isRole = (r: string): r is NpuMemoryRole => (NPU_MEMORY_ROLES as readonly string[]).includes(r);

/**
 * `--memory`: one kind for every memory of the NPU (`sram`), or a kind per role (`wmem=sram,abuf=ff-gated`;
 * roles not named keep the default), as the NPU's unit parameters take them.
 */
export function toMemoryKinds(v: string): Partial<Record<NpuMemoryRole, MemoryKind>> {
  const kinds = `one of ${MEMORY_KINDS.join(', ')}`;
  if (isKind(v)) return Object.fromEntries(NPU_MEMORY_ROLES.map((r) => [r, v]));
  if (!v.includes('='))
    throw new InvalidArgumentError(`It must be a memory kind (${kinds}) or role=kind pairs such as wmem=sram,abuf=ff-gated.`);
  const out: Partial<Record<NpuMemoryRole, MemoryKind>> = {};
  for (const pair of v.split(',')) {
    const [role = '', kind = '', ...rest] = pair.split('=');
    if (!isRole(role) || rest.length)
      throw new InvalidArgumentError(
        `'${pair}': the roles are ${NPU_MEMORY_ROLES.join(', ')} (program, activation buffers, weights, biases).`,
      );
    if (!isKind(kind)) throw new InvalidArgumentError(`'${pair}': the kind must be ${kinds}.`);
    if (out[role]) throw new InvalidArgumentError(`'${role}' is given twice.`);
    out[role] = kind;
  }
  return out;
}
