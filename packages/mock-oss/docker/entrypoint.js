/**
 * The container's entry point: turns the MOCK_OSS_* environment variables into the flags of the
 * `mock-oss` CLI and runs it in this process, so signals reach the server directly. The image has
 * no shell, which is why this is not a shell script. Arguments given to `docker run` after the
 * image name come after the ones derived from the environment, so they win for single-valued
 * flags and add to the repeatable ones.
 */
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../bin/mock-oss.js', import.meta.url));

/** Variables that carry one value each, and the flag each becomes. */
const VALUE_FLAGS = [
  ['MOCK_OSS_HOST', '--host'],
  ['MOCK_OSS_PORT', '--port'],
  ['MOCK_OSS_ACCESS_KEY_ID', '--access-key-id'],
  ['MOCK_OSS_ACCESS_KEY_SECRET', '--access-key-secret'],
  ['MOCK_OSS_REGION', '--region'],
  ['MOCK_OSS_DATA_DIR', '--data-dir'],
  ['MOCK_OSS_STORAGE_LIMIT', '--storage-limit'],
];

/** Variables holding a comma-separated list; each item becomes one repeated flag. */
const LIST_FLAGS = [
  ['MOCK_OSS_BUCKETS', '--bucket'],
  ['MOCK_OSS_ROLES', '--role'],
  ['MOCK_OSS_CNAMES', '--cname'],
];

/** Variables that switch a flag on. */
const SWITCH_FLAGS = [
  ['MOCK_OSS_NO_AUTH', '--no-auth'],
  ['MOCK_OSS_QUIET', '--quiet'],
  ['MOCK_OSS_CORS_ALLOW_ALL', '--cors-allow-all'],
];

/**
 * @param {Record<string, string | undefined>} env
 * @returns {string[]} the CLI arguments the environment asks for
 * @throws {Error} when a switch variable holds something other than true/false/1/0/yes/no
 */
function argsFromEnv(env) {
  const args = [];

  for (const [name, flag] of VALUE_FLAGS) {
    const value = env[name];
    if (value) args.push(flag, value);
  }

  for (const [name, flag] of LIST_FLAGS) {
    for (const item of (env[name] ?? '').split(',')) {
      const trimmed = item.trim();
      if (trimmed) args.push(flag, trimmed);
    }
  }

  for (const [name, flag] of SWITCH_FLAGS) {
    if (isOn(name, env[name])) args.push(flag);
  }

  return args;
}

function isOn(name, value) {
  const normalized = (value ?? '').trim().toLowerCase();
  if (['', '0', 'false', 'no'].includes(normalized)) return false;
  if (['1', 'true', 'yes'].includes(normalized)) return true;
  throw new Error(`${name} must be true or false, received ${JSON.stringify(value)}`);
}

let args;
try {
  args = argsFromEnv(process.env);
} catch (error) {
  console.error(`mock-oss: ${error.message}`);
  process.exit(2);
}

// The CLI reads its arguments from process.argv, as if it had been started directly.
process.argv = [process.argv[0], CLI, ...args, ...process.argv.slice(2)];
await import(CLI);
