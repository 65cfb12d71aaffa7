/**
 * The image's health check: healthy when the server answers HTTP on the address the environment
 * configures. Any status counts: with signature checks on, an unsigned request is refused with
 * 403, which still proves that the listener and the request pipeline work. Run by node because
 * the image has neither curl nor a shell.
 */
const ANY_ADDRESS = new Set(['', '0.0.0.0', '::']);

const configuredHost = process.env.MOCK_OSS_HOST ?? '';
const host = ANY_ADDRESS.has(configuredHost) ? '127.0.0.1' : configuredHost;
const port = process.env.MOCK_OSS_PORT || '9000';
const authority = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;

try {
  const response = await fetch(`http://${authority}/_mock/info`, {
    signal: AbortSignal.timeout(2_000),
  });
  await response.arrayBuffer();
  process.exit(0);
} catch (error) {
  console.error(`mock-oss is not answering on ${authority}: ${error.message}`);
  process.exit(1);
}
