// The echo service written directly on Deno's own API (Deno.listen,
// Deno.listenDatagram — the latter needs --unstable-net). Prints "tcp PORT udp PORT".
const listener = Deno.listen({ hostname: '127.0.0.1', port: 0 });
// deno-lint-ignore no-explicit-any
const udp = (Deno as any).listenDatagram({ hostname: '127.0.0.1', port: 0, transport: 'udp' });
console.log(`tcp ${(listener.addr as Deno.NetAddr).port} udp ${(udp.addr as Deno.NetAddr).port}`);

async function serve(conn: Deno.TcpConn): Promise<void> {
  conn.setNoDelay(true);
  const buf = new Uint8Array(65536);
  try {
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      for (let off = 0; off < n; ) off += await conn.write(buf.subarray(off, n));
    }
  } catch {
    // a reset peer ends the connection
  } finally {
    try { conn.close(); } catch { /* already closed */ }
  }
}

(async () => {
  for await (const [data, addr] of udp) await udp.send(data, addr);
})();
for await (const conn of listener) serve(conn as Deno.TcpConn);
