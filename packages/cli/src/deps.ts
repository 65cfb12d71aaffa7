/**
 * The workspace packages this one builds on, loaded when first needed. Each is checked for the
 * functions used here, so a missing or older build gives one clear line instead of a crash.
 */
import { CliError } from './errors.js';

/** Imports a package and checks that it exports the named functions. */
export async function loadPackage<T>(name: string, needed: readonly string[]): Promise<T> {
  let module: Record<string, unknown>;
  try {
    module = (await import(name)) as Record<string, unknown>;
  } catch (error) {
    throw new CliError(
      'Unavailable',
      `${name} could not be loaded (${(error as Error).message.split('\n')[0]}); ` +
        `run 'npm run build'`,
      { cause: error },
    );
  }
  const missing = needed.filter((n) => typeof module[n] !== 'function');
  if (missing.length > 0) {
    throw new CliError(
      'Unavailable',
      `${name} does not provide ${missing.join(', ')} yet; run 'npm run build' after updating`,
    );
  }
  return module as T;
}
