// A server for the benchmark, in a child process of its own so its memory and CPU are its own:
// `mock` is mock-oss with signature checks on; `bare` is a node:http server that reads the body
// and answers 200, the reference. Prints its port as JSON; answers {rss} to an 'rss' message.
import { createServer } from 'node:http';

const kind = process.argv[2];

async function start() {
  if (kind === 'mock') {
    const { createMockOss } = await import('../dist/node.js');
    const mock = createMockOss({ buckets: ['bench'] });
    await mock.ready;
    const server = await mock.listen({ host: '127.0.0.1', port: 0 });
    return server.port;
  }
  const server = createServer((req, res) => {
    req.on('data', () => {});
    req.on('end', () => {
      res.writeHead(200, { 'content-length': '0' });
      res.end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server.address().port;
}

const port = await start();
process.on('message', (message) => {
  if (message === 'rss') {
    globalThis.gc?.();
    globalThis.gc?.();
    process.send({ rss: process.memoryUsage().rss });
  } else if (message === 'cpu') {
    process.send({ cpu: process.cpuUsage() });
  } else if (message === 'stop') {
    process.exit(0);
  }
});
process.send({ port });
