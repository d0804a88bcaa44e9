/**
 * Weight kneading (Tetris): the weights feeding one output are cut into groups of G along the fan-in; in a
 * group, each bit position of the magnitude (a lane) lists the weights with a one there, and kneaded word
 * t takes the t-th entry of every lane. A group then costs as many words as its busiest lane, not G
 * cycles; zero weights and zero bits cost nothing. Split-and-accumulate (SAC) computes the dot product
 * from the words: lane b sums the activations its entries point at, with the weights' signs, into its
 * own segment, and the segments are shifted by their bit position and added once at the end.
 */

import type { KneadEntry, KneadedWord } from '../models/sac-pe-model.js';

export type { KneadEntry, KneadedWord };

export interface KneadedGroup {
  /** Group number along the fan-in: its weights are rows group * G .. group * G + G - 1. */
  group: number;
  words: KneadedWord[];
}

/** The lane lists of one group: for each magnitude bit, the weights (in order) with a one there. */
function laneLists(weights: ArrayLike<number>, lanes: number): KneadEntry[][] {
  const lists: KneadEntry[][] = Array.from({ length: lanes }, () => []);
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    let mag = Math.abs(w);
    if (!Number.isInteger(w) || mag >= 2 ** lanes) throw new Error(`weight ${w} has no ${lanes}-bit magnitude`);
    // Stryker disable next-line EqualityOperator: a weight of 0 has no one bit, so its sign is never stored
    for (let b = 0; mag > 0; b++, mag = Math.floor(mag / 2)) if (mag % 2) lists[b]!.push({ index: i, negative: w < 0 });
  }
  return lists;
}

/** Knead one group of weights into words (none when every weight is 0). */
export function kneadGroup(weights: ArrayLike<number>, lanes: number): KneadedWord[] {
  const lists = laneLists(weights, lanes);
  return Array.from({ length: groupWordsOf(lists) }, (_, t) => lists.map((l) => l[t] ?? null));
}

const groupWordsOf = (lists: KneadEntry[][]) => Math.max(0, ...lists.map((l) => l.length));

/** Words a group costs: its busiest lane's ones. */
export function groupWords(weights: ArrayLike<number>, lanes: number): number {
  return groupWordsOf(laneLists(weights, lanes));
}

/** Column j of a (fanIn x outputs) row-major weight matrix. */
export function weightColumn(codes: ArrayLike<number>, fanIn: number, outputs: number, j: number): Float64Array {
  const c = new Float64Array(fanIn);
  // Stryker disable next-line EqualityOperator: one step past the end writes nowhere (typed array)
  for (let t = 0; t < fanIn; t++) c[t] = codes[t * outputs + j]!;
  return c;
}

/** The kneaded groups of one output's weights (groups with no one bit are left out: nothing to do). */
export function kneadColumn(column: ArrayLike<number>, groupSize: number, lanes: number): KneadedGroup[] {
  const out: KneadedGroup[] = [];
  // Stryker disable next-line EqualityOperator,ArithmeticOperator: steps past the end knead empty groups, which are left out
  for (let g = 0; g * groupSize < column.length; g++) {
    const words = kneadGroup(Array.prototype.slice.call(column, g * groupSize, (g + 1) * groupSize) as number[], lanes);
    if (words.length) out.push({ group: g, words });
  }
  return out;
}

/** Kneaded words of a whole weight matrix (every output's groups). */
export function kneadedWordsOfMatrix(codes: ArrayLike<number>, fanIn: number, outputs: number, groupSize: number, lanes: number): number {
  let n = 0;
  for (let j = 0; j < outputs; j++) {
    const column = weightColumn(codes, fanIn, outputs, j);
    // Stryker disable next-line EqualityOperator: one step past the end counts an empty group, 0 words
    for (let g0 = 0; g0 < fanIn; g0 += groupSize) n += groupWords(column.subarray(g0, g0 + groupSize), lanes);
  }
  return n;
}

/** Per-lane segment sums of the kneaded groups over activations `acts` (indexed along the fan-in). */
export function sacSegments(groups: readonly KneadedGroup[], acts: ArrayLike<number>, groupSize: number, lanes: number): number[] {
  const s = new Array<number>(lanes).fill(0);
  for (const g of groups)
    for (const word of g.words)
      word.forEach((e, b) => {
        if (!e) return;
        const a = acts[g.group * groupSize + e.index]!;
        s[b]! += e.negative ? -a : a;
      });
  return s;
}

/** Split-and-accumulate: the segments shifted by their bit position and added (exact). */
export function sacDot(groups: readonly KneadedGroup[], acts: ArrayLike<number>, groupSize: number, lanes: number): number {
  return sacSegments(groups, acts, groupSize, lanes).reduce((t, v, b) => t + v * 2 ** b, 0);
}
