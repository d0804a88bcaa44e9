import { existsSync, readFileSync } from 'node:fs';

/**
 * A built WebAssembly module, compiled and instantiated on first use and then kept. Where the file is
 * missing or does not load, `get()` is undefined and `status()` names the fallback and why, so a caller
 * runs its JavaScript path (the same bits, slower) instead of failing.
 */
export function wasmOnce<T>(
  file: string,
  make: (module: WebAssembly.Module) => T,
  loaded: (value: T) => string,
  fallback: string,
): { get(): T | undefined; status(): string } {
  let cached: T | null | undefined;
  // Stryker disable next-line StringLiteral: always set before it is read
  let why = '';
  const get = (): T | undefined => {
    // Stryker disable next-line ConditionalExpression: a cache; loading the module again gives the same value
    if (cached !== undefined) return cached ?? undefined;
    try {
      // Stryker disable next-line ConditionalExpression: without the check readFileSync throws instead; the fallback runs either way
      if (!existsSync(file)) throw new Error(`${file} is missing (run npm run build)`);
      const value = make(new WebAssembly.Module(readFileSync(file)));
      cached = value;
      why = loaded(value);
    } catch (e) {
      cached = null;
      why = `${fallback} (${(e as Error).message})`;
    }
    return cached ?? undefined;
  };
  return {
    get,
    status: () => {
      get();
      return why;
    },
  };
}
