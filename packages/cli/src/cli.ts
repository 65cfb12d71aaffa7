import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { appCommand } from './commands/app.js';
import { hlsCommand } from './commands/hls.js';
import {
  catCommand,
  lsCommand,
  presignCommand,
  rmCommand,
  statCommand,
} from './commands/objects.js';
import { serveCommand } from './commands/serve.js';
import { tokenCommand } from './commands/token.js';
import { uploadCommand } from './commands/upload.js';
import { demoCommand } from './demo.js';
import { CliError, describeError } from './errors.js';
import { type Io, processIo } from './io.js';
import { parseRange, parseSize } from './sizes.js';

const CONNECTION_HELP = `
Credentials come from the flags or from OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET and
OSS_SESSION_TOKEN; the endpoint from --endpoint or OSS_ENDPOINT (e.g. the URL that
'oss-media serve' prints, or https://oss-cn-hangzhou.aliyuncs.com).`;

/** Adds the flags every OSS command shares. */
function withConnection(command: Command): Command {
  return command
    .option('--endpoint <url>', 'OSS endpoint (default: $OSS_ENDPOINT)')
    .option('--access-key-id <id>', 'access key id (default: $OSS_ACCESS_KEY_ID)')
    .option('--access-key-secret <secret>', 'access key secret (default: $OSS_ACCESS_KEY_SECRET)')
    .option('--security-token <token>', 'STS security token (default: $OSS_SESSION_TOKEN)')
    .option('--region <region>', 'region for V4 signatures (default: from the endpoint)')
    .addHelpText('after', CONNECTION_HELP);
}

function integer(name: string, min: number) {
  return (text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min) {
      throw new InvalidArgumentError(`${name} must be an integer of at least ${min}`);
    }
    return value;
  };
}

function size(name: string) {
  return (text: string): number => {
    try {
      return parseSize(text, name);
    } catch (error) {
      throw new InvalidArgumentError(describeError(error));
    }
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * The `oss-media` program. Actions write to `io` and throw on failure; {@link run} turns a
 * failure into one line on stderr and an exit code.
 */
export function buildProgram(io: Io): Command {
  const program = new Command('oss-media')
    .description('Video from cameras into Alibaba Cloud OSS: upload, HLS, tokens, a local mock')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // One line, like every other failure: 'oss-media: missing required argument ...'.
      outputError: (text, write) => write(`oss-media: ${text.replace(/^error: /, '')}`),
    })
    .exitOverride();

  program
    .command('demo')
    .description('run the camera -> application server -> OSS scenario end to end')
    .option('--file <path>', 'upload this recording instead of the bundled sample')
    .option('--fast', 'upload as fast as possible instead of at camera pace')
    .option(
      '--seconds <n>',
      'camera pace: spread the upload over this many seconds',
      integer('--seconds', 1),
    )
    .option('--exit', 'exit after the summary instead of serving until Ctrl-C')
    .option(
      '--port <port>',
      'application server port (default: any free port)',
      integer('--port', 0),
    )
    .option('--host <host>', 'application server address', '127.0.0.1')
    .option('--chunk-size <size>', 'bytes per append', size('--chunk-size'))
    .option('--camera <id>', 'the camera id (its folder under videos/)', 'cam-1')
    .option('--no-hls', 'do not also publish the sample as HLS')
    .option('--flaky', 'mock only: lose two append answers and fail two appends, to show retries')
    .option('--quiet', 'print only the summary')
    .addHelpText(
      'after',
      `
By default the demo runs an embedded mock OSS + STS. To use a real endpoint, set OSS_ENDPOINT,
OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET, OSS_ROLE_ARN (a RAM role the keys may assume) and
OSS_BUCKET (an existing bucket); OSS_STS_ENDPOINT overrides https://sts.aliyuncs.com.`,
    )
    .action(async (options) => {
      const summary = await demoCommand(options, io);
      if (!summary.crcMatch) {
        throw new CliError('CrcMismatch', 'the CRC-64 of the object differs from the file');
      }
    });

  program
    .command('serve')
    .description('run the mock OSS + STS server until Ctrl-C')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0: any free port)', integer('--port', 0), 9000)
    .option('--access-key-id <id>', 'root access key id', 'mock-access-key-id')
    .option('--access-key-secret <secret>', 'root access key secret', 'mock-access-key-secret')
    .option('--bucket <name>', 'create this bucket at start (repeatable)', collect, [])
    .option('--region <region>', 'region the mock reports', 'cn-hangzhou')
    .option('--no-auth', 'accept any request without checking signatures')
    .option('--quiet', 'do not log each request')
    .action((options) => serveCommand(options, io));

  withConnection(
    program
      .command('app')
      .description('run the application server: camera token vending and the video page')
      .requiredOption('--bucket <bucket>', 'bucket holding videos/<camera>/')
      .option('--camera <id=secret>', 'a camera and its bearer secret (repeatable)', collect, [])
      .option('--role-arn <arn>', 'role assumed for camera tokens (default: $OSS_ROLE_ARN)')
      .option('--sts-endpoint <url>', 'STS endpoint (default: as for token)')
      .option(
        '--token-seconds <n>',
        'camera token lifetime, 900..43200',
        integer('--token-seconds', 0),
        900,
      )
      .option('--host <host>', 'address to listen on', '127.0.0.1')
      .option('--port <port>', 'port (0: any free port)', integer('--port', 0), 8080),
  ).action((options) => appCommand(options, io));

  withConnection(
    program
      .command('token')
      .description('mint temporary credentials with STS AssumeRole and print them as JSON')
      .requiredOption('--bucket <bucket>', 'bucket the token is limited to')
      .requiredOption(
        '--path <path>',
        "key or prefix, e.g. 'videos/cam-42/' (a trailing / means below it)",
      )
      .addOption(
        new Option('--mode <letters>', 'r read, w write, a append, d delete, l list').default('a'),
      )
      .option('--duration <seconds>', 'lifetime, 900..43200', integer('--duration', 0), 900)
      .option('--role-arn <arn>', 'role to assume (default: $OSS_ROLE_ARN)')
      .option(
        '--sts-endpoint <url>',
        'STS endpoint (default: $OSS_STS_ENDPOINT, <endpoint>/sts for a local mock, ' +
          'else https://sts.aliyuncs.com)',
      )
      .option('--env', 'print shell export lines instead of JSON'),
  ).action((options) => tokenCommand(options, io));

  withConnection(
    program
      .command('upload')
      .description('upload a file, in one request or by appending chunks')
      .argument('<file>', 'local file')
      .argument('<target>', 'oss://bucket/key')
      .option('--append', 'append in chunks (creates an appendable object)')
      .option('--resume', 'continue an interrupted --append upload where the object ends')
      .option('--chunk-size <size>', 'bytes per append, e.g. 256KiB or 1MiB', size('--chunk-size'))
      .option('--content-type <type>', 'Content-Type of the object')
      .option('--quiet', 'no progress output'),
  ).action((file, target, options) => uploadCommand(file, target, options, io));

  withConnection(
    program
      .command('hls')
      .description('mux H.264 (+ AAC) into MPEG-TS segments and an m3u8 playlist in OSS')
      .argument('<video>', 'H.264 Annex B file (.h264)')
      .argument('<target>', 'oss://bucket/prefix (the playlist is <prefix>/index.m3u8)')
      .option('--audio <file>', 'AAC ADTS file (.aac) to mux alongside')
      .option('--live', 'live playlist: a sliding window, at the pace of the recording')
      .option('--fps <n>', 'video frame rate when the stream does not say', integer('--fps', 1), 25)
      .option(
        '--segment-seconds <n>',
        'target segment duration',
        integer('--segment-seconds', 1),
        4,
      )
      .option('--window <n>', 'live playlist window (entries)', integer('--window', 1), 5)
      .option('--fast', 'with --live: do not wait for the recording to play out')
      .option('--quiet', 'no progress output'),
  ).action((video, target, options) => hlsCommand(video, target, options, io));

  withConnection(
    program
      .command('stat')
      .description('show an object: size, type, CRC-64, last modified, next append position')
      .argument('<target>', 'oss://bucket/key')
      .option('--json', 'print JSON'),
  ).action((target, options) => statCommand(target, options, io));

  withConnection(
    program
      .command('cat')
      .description('write an object (or a byte range of it) to stdout')
      .argument('<target>', 'oss://bucket/key')
      .option('--range <range>', 'bytes START-END (inclusive), START- or -LENGTH', (text) => {
        try {
          return parseRange(text);
        } catch (error) {
          throw new InvalidArgumentError(describeError(error));
        }
      }),
  ).action((target, options) => catCommand(target, options, io));

  withConnection(
    program
      .command('ls')
      .description('list objects under a prefix')
      .argument('<target>', 'oss://bucket or oss://bucket/prefix')
      .option('-r, --recursive', 'list every key below the prefix, not just one level')
      .option('--json', 'print one JSON object per line'),
  ).action((target, options) => lsCommand(target, options, io));

  withConnection(
    program
      .command('rm')
      .description('delete objects')
      .argument('<targets...>', 'oss://bucket/key (one or more)')
      .addHelpText(
        'after',
        `
Each address names one object. A missing key is not an error (OSS answers 204 either way).
An address ending in '/' deletes only an object of that exact name (a folder marker), never
the objects under it: list them with 'oss-media ls oss://bucket/prefix/ --recursive'.`,
      ),
  ).action((targets, options) => rmCommand(targets, options, io));

  withConnection(
    program
      .command('presign')
      .description('print a presigned URL for an object')
      .argument('<target>', 'oss://bucket/key')
      .option('--expires <seconds>', 'validity in seconds', integer('--expires', 1), 3600)
      .option('--v4', 'sign with OSS4-HMAC-SHA256 instead of V1')
      .option('--method <method>', 'HTTP method the URL allows: GET or PUT', 'GET')
      .option('--content-type <type>', 'for PUT: the Content-Type the uploader will send'),
  ).action((target, options) => presignCommand(target, options, io));

  for (const command of program.commands) {
    command.exitOverride().configureOutput(program.configureOutput());
  }
  return program;
}

/**
 * Runs the program on `argv` (without `node` and the script) and returns the exit code. Every
 * failure is one line on stderr: no stack trace.
 *
 * @example
 * process.exitCode = await run(process.argv.slice(2));
 */
export async function run(argv: string[], io: Io = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return 0;
    }
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    // Commander already printed its own message (usage errors) or the help.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    const exitCode = error instanceof CliError ? error.exitCode : 1;
    io.stderr.write(`oss-media: ${describeError(error)}\n`);
    return exitCode;
  }
}
