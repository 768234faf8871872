// rawsock embedded in a Deno program: a TCP echo server and a client,
// both on real loopback sockets, written against rawsock's POSIX-shaped API.
import { RawSockets, SHUT_WR } from '@rawsock/core';
import { DenoProvider } from '@rawsock/deno';

const net = new RawSockets({ provider: new DenoProvider() });
const text = new TextDecoder();

// Every call returns { ok: true, value } or { ok: false, errno, code }.
function must(result, what) {
  if (!result.ok) throw new Error(`${what}: ${result.code}`);
  return result.value;
}

const server = must(net.socket('ipv4', 'stream'), 'socket');
must(net.bind(server, { family: 'ipv4', address: '127.0.0.1', port: 0 }), 'bind');
must(net.listen(server, 8), 'listen');
const address = must(net.getsockname(server), 'getsockname'); // the port is known right after bind
console.log(`listening on 127.0.0.1 (port chosen by the host)`);

const client = must(net.socket('ipv4', 'stream', { nonBlocking: true }), 'socket');
must(await net.connectAsync(client, address, 5000), 'connect');
const { fd } = must(await net.acceptAsync(server, 5000), 'accept');

must(await net.sendAllAsync(client, new TextEncoder().encode('hello from Deno')), 'send');
must(net.shutdown(client, SHUT_WR), 'shutdown');

// The server echoes until the client's EOF.
for (;;) {
  const data = must(await net.recvAsync(fd, 1024), 'recv');
  if (data.byteLength === 0) break;
  must(await net.sendAllAsync(fd, data), 'send');
}
net.close(fd);
let reply = '';
for (;;) {
  const data = must(await net.recvAsync(client, 1024), 'recv');
  if (data.byteLength === 0) break;
  reply += text.decode(data);
}
console.log(`echoed: ${reply}`);
console.log(`recv on a closed fd: ${net.recv(fd, 1).code}`); // EBADF, as on Linux
net.close(client);
net.close(server);
