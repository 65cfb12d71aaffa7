import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OSS from 'ali-oss';
import { afterEach, describe, expect, it } from 'vitest';
import { formatLogLine, parseCli } from '../src/cli.js';

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
      '2030-01-01T00:00:00.000Z 409 AppendObject POST /b/k?append&position=3 PositionNotEqualToLength',
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
