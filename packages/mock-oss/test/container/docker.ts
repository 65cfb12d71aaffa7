/**
 * What the container tests need from the machine: a Docker daemon, a fresh build of the packages
 * the image copies, and the image itself.
 */
import { execFile } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root: the image's build context. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** The tag the tests build and start. */
export const TEST_IMAGE = 'oss-media/mock-oss:test';

/** The base image `.ci/start-docker.sh` imports from the machine's own node. */
export const LOCAL_BASE_IMAGE = process.env.MOCK_OSS_BASE_IMAGE ?? 'oss-media/node-base:20';

/** The workspace packages the image copies, in build order. */
const IMAGE_PACKAGES = ['oss-sign', 'sts', 'mock-oss'];

export type DockerStatus = { available: true } | { available: false; reason: string };

/** Whether a Docker daemon answers, and why not when it does not. */
export async function dockerStatus(): Promise<DockerStatus> {
  try {
    await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 15_000 });
    return { available: true };
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    return { available: false, reason: `docker info failed: ${detail.split('\n')[0]}` };
  }
}

/** Runs the docker CLI; resolves with stdout. */
export async function docker(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const { stdout } = await run('docker', args, {
    env,
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout.trim();
}

/** Whether the daemon has an image by this name. */
export async function imageExists(name: string): Promise<boolean> {
  try {
    await docker(['image', 'inspect', name]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Builds the image from packages/mock-oss/Dockerfile, on the local base image when the machine
 * has one (no registry needed), on the Dockerfile's default otherwise.
 */
export async function buildTestImage(): Promise<string> {
  await buildStalePackages();

  const args = ['build', '-q', '-f', 'packages/mock-oss/Dockerfile', '-t', TEST_IMAGE];
  if (await imageExists(LOCAL_BASE_IMAGE))
    args.push('--build-arg', `BASE_IMAGE=${LOCAL_BASE_IMAGE}`);
  args.push(REPO_ROOT);

  // Without the buildx plugin the CLI refuses BuildKit builds; the classic builder suffices.
  const env = { ...process.env };
  if (!(await hasBuildx())) env.DOCKER_BUILDKIT = '0';
  await run('docker', args, { cwd: REPO_ROOT, env, timeout: 180_000 });
  return TEST_IMAGE;
}

async function hasBuildx(): Promise<boolean> {
  try {
    await run('docker', ['buildx', 'version'], { timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * `npm test` builds every package before testing, but a lone `vitest run` does not: rebuild the
 * packages the image copies when their dist/ is missing or older than their sources.
 */
async function buildStalePackages(): Promise<void> {
  for (const name of IMAGE_PACKAGES) {
    const dir = join(REPO_ROOT, 'packages', name);
    if (isFresh(dir)) continue;

    // tsc emits despite type errors; those are the type-check's business, a missing emit is ours.
    const build = await run('npx', ['tsc', '-p', join(dir, 'tsconfig.build.json')], {
      cwd: REPO_ROOT,
      timeout: 180_000,
    }).catch((error: { stdout?: string; message: string }) => error);
    if (!isFresh(dir)) {
      const output = 'stdout' in build ? build.stdout : '';
      throw new Error(`could not build packages/${name}: ${output || String(build)}`);
    }
  }
}

/** Every source file has its compiled file, written after the source's last change. */
function isFresh(packageDir: string): boolean {
  const sources = readdirSync(join(packageDir, 'src'), { recursive: true, encoding: 'utf8' });
  return sources
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .every((file) => {
      const compiled = statSync(join(packageDir, 'dist', file.replace(/\.ts$/, '.js')), {
        throwIfNoEntry: false,
      });
      return (
        compiled !== undefined &&
        compiled.mtimeMs >= statSync(join(packageDir, 'src', file)).mtimeMs
      );
    });
}
