// A policy on real sockets: the embedded program gets host networking
// through NodeProvider, but only what the policy allows. Denied calls fail
// with EACCES before anything reaches the network, and each denial is
// reported to the audit hook.
import net from 'node:net';
import { RawSockets } from '@rawsock/core';
import { NodeProvider } from '@rawsock/node';

// A real service on loopback the program is allowed to use.
const service = net.createServer((s) => s.end('hello from an allowed service\n'));
await new Promise((resolve) => service.listen(0, '127.0.0.1', resolve));
const port = service.address().port;

const sockets = new RawSockets({
  provider: new NodeProvider(),
  // Presets, comma-separated: loopback only, and no listening sockets.
  policy: 'loopback-only,no-listen',
  audit: (d) => console.log(`audit: denied ${d.op} to ${d.address.address ?? d.address.path}:${d.address.port ?? ''}`),
});

async function tryConnect(address, port) {
  const fd = sockets.socket('ipv4', 'stream', { nonBlocking: true }).value;
  const r = await sockets.connectAsync(fd, { family: 'ipv4', address, port }, 5000);
  let text = '';
  if (r.ok) text = new TextDecoder().decode((await sockets.recvAsync(fd, 100)).value).trim();
  sockets.close(fd);
  return r.ok ? `connected, read "${text}"` : r.code;
}

console.log(`connect 127.0.0.1 (loopback): ${await tryConnect('127.0.0.1', port)}`);
console.log(`connect 169.254.169.254 (cloud metadata): ${await tryConnect('169.254.169.254', 80)}`);
console.log(`connect 10.1.2.3 (private network): ${await tryConnect('10.1.2.3', 5432)}`);

const server = sockets.socket('ipv4', 'stream').value;
sockets.bind(server, { family: 'ipv4', address: '127.0.0.1', port: 0 });
console.log(`listen: ${sockets.listen(server, 4).code}`);
sockets.close(server);
service.close();
