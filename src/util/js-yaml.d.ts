// The part of js-yaml 4's API axhw uses (the package ships no types; @types/js-yaml is not installed offline).
declare module 'js-yaml' {
  export function dump(value: unknown, options?: { lineWidth?: number; noRefs?: boolean; sortKeys?: boolean }): string;
  export function load(text: string, options?: { filename?: string }): unknown;
}
