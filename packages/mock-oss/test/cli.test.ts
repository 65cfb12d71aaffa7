import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OSS from 'ali-oss';
import { afterEach, describe, expect, it } from 'vitest';
import { describeFailure, formatLogLine, parseCli } from '../src/cli.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = existsSync(join(root, 'dist', 'cli.js'));
if (!built && process.env.CI !== 'true') {
  console.warn('cli.test: skipping the command test: dist/cli.js is missing (run npm run build)');
}

describe('CLI arguments', () => {
  it('parses every flag', () => {
    const options = parseCli([
      '--host',
      '0.0.0.0',
      '--port',
      '0',
      '--access-key-id',
      'ak',
      '--access-key-secret',
      'sk',
      '--region',
      'cn-shanghai',
      '--no-auth',
      '--bucket',
      'a1b',
      '--bucket',
      'c2d',
      '--role',
      'acs:ram::123:role/uploader',
      '--quiet',
      '--cname',
      'cdn.example=a1b',
    ]);
    expect(options).toMatchObject({
      host: '0.0.0.0',
      port: 0,
      accessKeyId: 'ak',
      accessKeySecret: 'sk',
      region: 'cn-shanghai',
      noAuth: true,
      buckets: ['a1b', 'c2d'],
      quiet: true,
      cname: { 'cdn.example': 'a1b' },
    });
    expect(options !== 'help' && options.roles[0]?.arn).toBe('acs:ram::123:role/uploader');
  });

  it('refuses bad values with a message', () => {
    expect(() => parseCli(['--port', 'abc'])).toThrow(/--port/);
    expect(() => parseCli(['--role', 'not-an-arn'])).toThrow(/--role/);
    expect(() => parseCli(['--role', 'acs:ram::1:role/r=/no/such/file.json'])).toThrow(
      /cannot read/,
    );
    expect(() => parseCli(['--unknown'])).toThrow();
  });

  it('formats one log line per request', () => {
    const line = formatLogLine({
      time: Date.UTC(2030, 0, 1),
      requestId: 'X',
      method: 'POST',
      path: '/b/k?append&position=3',
      headers: {},
      operation: 'AppendObject',
      status: 409,
      errorCode: 'PositionNotEqualToLength',
    });
    expect(line).toBe(
      '2030-01-01T00:00:00.000Z 409 AppendObject POST /b/k?append&position=3 ' +
        'PositionNotEqualToLength',
    );
  });
});

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
});

describe('the mock-oss command', () => {
  it.skipIf(!built && process.env.CI !== 'true')(
    'starts, prints endpoints, serves ali-oss, logs, and exits on SIGTERM',
    async () => {
      if (!built) throw new Error('dist/cli.js is missing: run the build before the tests');
      child = spawn(
        process.execPath,
        [join(root, 'bin', 'mock-oss.js'), '--port', '0', '--bucket', 'media'],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no banner: ${output}`)), 20_000);
        child?.stdout?.on('data', () => {
          if (output.includes('role ARNs')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const url = /OSS endpoint:\s+(\S+)/.exec(output)?.[1] as string;
      expect(output).toMatch(/STS endpoint:\s+http:\/\/127\.0\.0\.1:\d+\/sts/);
      expect(output).toContain('AccessKeyId:       mock-access-key-id');
      expect(output).toMatch(/acs:ram::\d+:role\//);

      const client = new OSS({
        endpoint: url.replace('127.0.0.1', 'localhost'),
        sldEnable: true,
        bucket: 'media',
        region: 'oss-cn-hangzhou',
        accessKeyId: 'mock-access-key-id',
        accessKeySecret: 'mock-access-key-secret',
      } as OSS.Options);
      await client.put('cli.txt', Buffer.from('from the cli'));
      expect((await client.get('cli.txt')).content.toString()).toBe('from the cli');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(output).toMatch(/ 200 PutObject PUT \/media\/cli\.txt/);

      const exited = new Promise<number | null>((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    },
  );
});

/** Runs the built command to its exit and collects its output. */
function runToExit(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const run = spawn(process.execPath, [join(root, 'bin', 'mock-oss.js'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    run.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    run.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      run.kill('SIGKILL');
      reject(new Error(`mock-oss ${args.join(' ')} did not exit: ${stdout}${stderr}`));
    }, 20_000);
    run.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('failures of the mock-oss command', () => {
  it('refuses an invalid bucket name while parsing', () => {
    expect(() => parseCli(['--bucket', 'Bad_Name'])).toThrow(/invalid bucket name "Bad_Name"/);
  });

  it('names the socket failures in words', () => {
    const cli = { host: '127.0.0.1', port: 9310 };
    const inUse = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });
    expect(describeFailure(inUse, cli)).toBe('port 9310 on 127.0.0.1 is already in use');
    const denied = Object.assign(new Error('listen EACCES'), { code: 'EACCES' });
    expect(describeFailure(denied, cli)).toMatch(/^port 9310 on 127\.0\.0\.1: permission denied/);
  });

  it.skipIf(!built && process.env.CI !== 'true')(
    'exits 2 with one line for a bad bucket name, no stack',
    async () => {
      const { code, stderr } = await runToExit(['--port', '0', '--bucket', 'Bad_Name']);
      expect(code).toBe(2);
      expect(stderr).toMatch(/^mock-oss: invalid bucket name "Bad_Name": [^\n]+\n$/);
      expect(stderr).not.toMatch(/\n\s+at /);
    },
  );

  it.skipIf(!built && process.env.CI !== 'true')(
    'exits 1 with one line when the port is in use, no stack',
    async () => {
      const busy = createServer();
      await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
      const { port } = busy.address() as AddressInfo;
      try {
        const { code, stderr } = await runToExit(['--port', String(port), '--quiet']);
        expect(code).toBe(1);
        expect(stderr).toBe(`mock-oss: port ${port} on 127.0.0.1 is already in use\n`);
      } finally {
        await new Promise((resolve) => busy.close(resolve));
      }
    },
  );
});
