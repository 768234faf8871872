// The echo service written directly on Bun's own API (Bun.listen,
// Bun.udpSocket). Prints "tcp PORT udp PORT". A write Bun does not take
// whole keeps the rest until drain.
const rest = new WeakMap();
const server = Bun.listen({
  hostname: '127.0.0.1',
  port: 0,
  socket: {
    open(socket) { socket.setNoDelay?.(true); },
    data(socket, data) {
      const kept = rest.get(socket);
      if (kept) { rest.set(socket, Buffer.concat([kept, data])); return; }
      const n = socket.write(data);
      if (n < data.length) rest.set(socket, data.subarray(Math.max(0, n)));
    },
    drain(socket) {
      const kept = rest.get(socket);
      if (!kept) return;
      const n = socket.write(kept);
      if (n < kept.length) rest.set(socket, kept.subarray(Math.max(0, n)));
      else rest.delete(socket);
    },
    error(socket) { socket.end(); },
  },
});
const udp = await Bun.udpSocket({
  hostname: '127.0.0.1',
  port: 0,
  socket: { data(sock, buf, port, addr) { sock.send(buf, port, addr); } },
});
console.log(`tcp ${server.port} udp ${udp.port}`);
