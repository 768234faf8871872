// Running an untrusted program on a virtual network: the program gets a
// RawSockets over MemoryProvider — TCP, UDP and unix sockets with Linux's
// semantics, all in memory. It can serve and connect to itself, but nothing
// it does reaches the host's network.
import net from 'node:net';
import { MemoryProvider, RawSockets } from '@rawsock/core';

// The "untrusted" program: plain code that only sees the `sockets` it is given.
async function untrustedProgram(sockets, hostPort) {
  const ok = (r) => (r.ok ? r.value : Promise.reject(new Error(r.code)));
  const server = await ok(sockets.socket('ipv4', 'stream'));
  await ok(sockets.bind(server, { family: 'ipv4', address: '127.0.0.1', port: 8080 }));
  await ok(sockets.listen(server, 4));

  const client = await ok(sockets.socket('ipv4', 'stream', { nonBlocking: true }));
  await ok(await sockets.connectAsync(client, { family: 'ipv4', address: '127.0.0.1', port: 8080 }, 5000));
  const { fd } = await ok(await sockets.acceptAsync(server, 5000));
  await ok(await sockets.sendAllAsync(client, new TextEncoder().encode('inside the sandbox')));
  console.log(`virtual 127.0.0.1:8080 carried: ${new TextDecoder().decode(await ok(await sockets.recvAsync(fd, 100)))}`);

  // The host really is listening on hostPort, but the sandbox cannot see it.
  const probe = await ok(sockets.socket('ipv4', 'stream', { nonBlocking: true }));
  const reached = await sockets.connectAsync(probe, { family: 'ipv4', address: '127.0.0.1', port: hostPort }, 5000);
  console.log(`connect to the host's port: ${reached.ok ? 'connected (!)' : reached.code}`);
  for (const f of [probe, fd, client, server]) sockets.close(f);
}

// A real server on the host, which the sandboxed program must not reach.
let hostConnections = 0;
const hostServer = net.createServer((s) => { hostConnections++; s.destroy(); });
await new Promise((resolve) => hostServer.listen(0, '127.0.0.1', resolve));

const sandbox = new RawSockets({ provider: new MemoryProvider(), limits: { maxSockets: 16 } });
await untrustedProgram(sandbox, hostServer.address().port);
hostServer.close();
console.log(`connections the host saw: ${hostConnections}`);
