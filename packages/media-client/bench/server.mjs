// A server for the benchmark, in its own process so it does not share the client's core:
// `mock` serves @oss-media/mock-oss, `bare` a node:http server that drains each body and
// answers 200 (the ceiling). Prints `{ "url": ... }` on stdout once listening.
import { createServer } from 'node:http';

const kind = process.argv[2];

if (kind === 'mock') {
  const { createMockOss } = await import('@oss-media/mock-oss');
  const oss = createMockOss({ buckets: ['bench'] });
  await oss.ready;
  const server = await oss.listen({ host: '127.0.0.1', port: 0 });
  console.log(JSON.stringify({ url: server.url, credentials: oss.credentials }));
} else if (kind === 'bare') {
  const server = createServer((req, res) => {
    req.on('data', () => {});
    req.on('end', () => {
      res.writeHead(200, { 'content-length': '0' });
      res.end();
    });
  });
  server.keepAliveTimeout = 30_000;
  server.listen(0, '127.0.0.1', () => {
    console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` }));
  });
} else {
  console.error('usage: server.mjs mock|bare');
  process.exit(2);
}
