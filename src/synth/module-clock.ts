/**
 * The clock a module's cost is quoted at unless another is asked for: the 16-PE NPU on osu018, mapped for it,
 * meets it with 4.2 to 4.5 ns of slack (its critical path, the PEs' bias add and requantisation, is 15.3 to
 * 15.6 ns; docs/npu.md). A figure at a clock the design does not meet is not a figure of any chip.
 */
export const MODULE_CLOCK_NS = 20;
