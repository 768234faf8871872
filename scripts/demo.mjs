#!/usr/bin/env node
// The rawsock demo: an echo server written against rawsock's POSIX API,
// running on real loopback sockets through @rawsock/node, talked to by two
// clients — one through rawsock, one through plain node:net (proof that the
// sockets are real). Prints the traffic both ways.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RawSockets, SHUT_WR } from '@rawsock/core';
import { NodeProvider } from '@rawsock/node';

const sockets = new RawSockets({ provider: new NodeProvider() });
const enc = new TextEncoder();
const dec = new TextDecoder();
const must = (r, what) => {
  if (!r.ok) throw new Error(`${what} failed: ${r.code}`);
  return r.value;
};
const show = (addr) => (addr.family === 'unix' ? addr.path : addr.family === 'ipv6' ? `[${addr.address}]:${addr.port}` : `${addr.address}:${addr.port}`);

// ── server: socket/bind/listen, then an accept loop driven by readiness ──
const listener = must(sockets.socket('ipv4', 'stream', { nonBlocking: true }), 'socket');
must(sockets.bind(listener, { family: 'ipv4', address: '127.0.0.1', port: 0 }), 'bind');
must(sockets.listen(listener, 16), 'listen');
const serverAddr = must(sockets.getsockname(listener), 'getsockname');
console.log(`server  listening on ${show(serverAddr)} (port known right after bind, as POSIX promises)`);

async function serveConnection(fd, peer) {
  console.log(`server  accepted ${show(peer)} as fd ${fd}`);
  for (;;) {
    const data = must(await sockets.recvAsync(fd, 64 * 1024), 'recv');
    if (data.byteLength === 0) break;
    console.log(`server  ← ${JSON.stringify(dec.decode(data))} from ${show(peer)}`);
    must(await sockets.sendAllAsync(fd, data), 'send');
    console.log(`server  → echoed ${data.byteLength} bytes`);
  }
  console.log(`server  ${show(peer)} closed its side; closing fd ${fd}`);
  must(sockets.close(fd), 'close');
}

let served = 0;
const serverDone = (async () => {
  const conns = [];
  while (served < 2) {
    const accepted = must(await sockets.acceptAsync(listener, 10_000), 'accept');
    served++;
    conns.push(serveConnection(accepted.fd, accepted.address));
  }
  await Promise.all(conns);
  must(sockets.close(listener), 'close listener');
})();

// ── client 1: rawsock all the way ──
async function rawsockClient() {
  const fd = must(sockets.socket('ipv4', 'stream', { nonBlocking: true }), 'socket');
  must(await sockets.connectAsync(fd, serverAddr, 5000), 'connect');
  console.log(`client1 connected from ${show(must(sockets.getsockname(fd), 'getsockname'))} (rawsock)`);
  for (const line of ['hello from rawsock', 'POSIX sockets, real loopback']) {
    console.log(`client1 → ${JSON.stringify(line)}`);
    must(await sockets.sendAllAsync(fd, enc.encode(line)), 'send');
    let got = '';
    while (got.length < line.length) got += dec.decode(must(await sockets.recvAsync(fd, 1024), 'recv'));
    console.log(`client1 ← ${JSON.stringify(got)}`);
  }
  must(sockets.shutdown(fd, SHUT_WR), 'shutdown');
  const eof = must(await sockets.recvAsync(fd, 1), 'recv');
  console.log(`client1 read EOF (${eof.byteLength} bytes) after shutdown(SHUT_WR); closing`);
  must(sockets.close(fd), 'close');
}

// ── client 2: plain node:net, to show the server's socket is a real one ──
function nodeNetClient() {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: serverAddr.address, port: serverAddr.port, allowHalfOpen: true }, () => {
      console.log(`client2 connected from 127.0.0.1:${s.localPort} (node:net)`);
      const line = 'hello from node:net';
      console.log(`client2 → ${JSON.stringify(line)}`);
      s.end(line);
    });
    let got = '';
    s.on('data', (d) => (got += d));
    s.on('end', () => {
      console.log(`client2 ← ${JSON.stringify(got)}`);
      s.destroy();
      resolve();
    });
    s.on('error', reject);
  });
}

await rawsockClient();
await nodeNetClient();
await serverDone;
console.log(`demo    done: ${served} connections served, ${sockets.table.size} fds left open`);

// ── part two: a C echo server compiled to WebAssembly with rawsock-emcc ──
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(mkdtempSync(join(tmpdir(), 'rawsock-demo-')), 'echo_server.js');
const cSource = join(root, 'packages', 'emscripten-glue', 'test', 'glue', 'c', 'echo_server.c');
console.log(`\nwasm    building ${cSource.slice(root.length + 1)} with rawsock-emcc (emcc, no source changes)`);
execFileSync(process.execPath, [join(root, 'packages', 'emscripten-glue', 'bin', 'rawsock-emcc.mjs'), cSource, '-O1', '-sEXIT_RUNTIME=1', '-o', out], { stdio: 'inherit' });
await new Promise((resolve, reject) => {
  const server = spawn(process.execPath, [out, '2'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let pending = '';
  server.stdout.on('data', (d) => {
    pending += d;
    let nl;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      console.log(`wasm    ${line}`);
      const m = /^listening (\d+)$/.exec(line);
      if (!m) continue;
      for (const msg of ['hello, C program in wasm', 'real sockets, no proxy']) {
        const s = net.connect({ port: Number(m[1]), host: '127.0.0.1', allowHalfOpen: true }, () => {
          console.log(`client  → ${JSON.stringify(msg)}`);
          s.end(msg);
        });
        let got = '';
        s.on('data', (chunk) => (got += chunk));
        s.on('end', () => {
          console.log(`client  ← ${JSON.stringify(got)}`);
          s.destroy();
        });
        s.on('error', reject);
      }
    }
  });
  server.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`wasm echo server exited with ${code}`))));
});
console.log('demo    the wasm echo server served both clients and exited');
