// A Node uppercase server doing what the issue names: String.prototype.toUpperCase() (full Unicode case
// mapping) on the TCP stream, decoded with a StringDecoder so a character cut between two reads is kept whole.
// The kit's node peer (../shared/bench/peers/node) only maps a-z; this one is the Unicode comparison for
// `upper bench tcp --payload multilingual`. Backpressure as in the kit: pause reading while the write buffer is full.
// usage: node node-unicode-upper.js [PORT]
'use strict';
const net = require('net');
const { StringDecoder } = require('string_decoder');

const port = Number(process.argv[2] || 12000);
const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (sock) => {
  const decoder = new StringDecoder('utf8');
  sock.on('data', (chunk) => {
    if (!sock.write(decoder.write(chunk).toUpperCase(), 'utf8')) {
      sock.pause();
      sock.once('drain', () => sock.resume());
    }
  });
  sock.on('end', () => sock.end(decoder.end().toUpperCase(), 'utf8'));
  sock.on('error', () => sock.destroy());
});
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
console.error(`node-unicode-upper: 127.0.0.1:${port}`);
