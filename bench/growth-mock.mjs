// The mock of the growth curves, alone in its process so that its resident memory is its own.
// Tells the parent its URL, then answers { type: 'rss' } with its resident set size.
import { createMockOss } from '@oss-media/mock-oss';

const bucket = process.argv[2] ?? 'growth';
const mock = createMockOss({ buckets: [bucket] });
await mock.ready;
const server = await mock.listen({ host: '127.0.0.1', port: 0 });
process.send({ url: server.url, credentials: mock.credentials });
process.on('message', (message) => {
  if (message?.type === 'rss') {
    globalThis.gc?.();
    process.send({ rss: process.memoryUsage.rss() });
  }
});
process.on('SIGTERM', async () => {
  await server.close();
  process.exit(0);
});
