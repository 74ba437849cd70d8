/**
 * The bare Express 5 baseline of the boot benchmark, run as its own process:
 * `node --import tsx bench/lib/express-server.ts <body file> <content type>`. One route answering
 * the file's text with that content type; prints `listening <port>` once it listens on loopback.
 */
import { readFileSync } from 'node:fs';
import express from 'express';

const [file, contentType] = process.argv.slice(2);
if (!file || !contentType) {
  process.stderr.write('usage: express-server.ts <body file> <content type>\n');
  process.exit(2);
}
const body = readFileSync(file, 'utf8');
const app = express();
app.get('/razor/api/boot', (_req, res) => {
  res.type(contentType).send(body);
});
const server = app.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`listening ${typeof addr === 'object' && addr ? addr.port : 0}\n`);
});
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
});
