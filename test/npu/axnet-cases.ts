/** AXNet frameworks the NPU runs in the model and RTL tests: multiplier, PEs, connected hidden layers, hidden widths. */
export const AXNET_CASES: [string, number, number[], number[]][] = [
  ['exact-mul:width=8,signed', 4, [1, 2], [6, 5]],
  ['drum:width=8,k=4,signed', 3, [2], [7, 4]],
  ['drum:width=6,k=3', 5, [1, 2, 3], [6, 9, 4]],
  ['exact-mul:width=6,signed', 4, [], [6]],
];
