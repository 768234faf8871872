// The echo service written directly on Node's own API (node:net, node:dgram):
// the reference rawsock is measured against on Node. Prints "tcp PORT udp PORT".
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

const server = createServer({ noDelay: true }, (socket) => {
  // pipe() pauses reading while the peer is slow to take the echo (backpressure).
  socket.pipe(socket);
  socket.on('error', () => socket.destroy());
});
const udp = createSocket('udp4');
udp.on('message', (msg, rinfo) => udp.send(msg, rinfo.port, rinfo.address));
server.listen(0, '127.0.0.1', () => {
  udp.bind(0, '127.0.0.1', () => console.log(`tcp ${server.address().port} udp ${udp.address().port}`));
});
