// Per-call costs through core's SocketSyscalls with the NodeProvider (the
// path every rawsock syscall of a wasm program takes): a non-blocking recv
// that returns EAGAIN, poll(2) over 1,000 idle connected fds, and core's
// own data path alone (a 64-byte send into an in-memory socketpair and the
// recv of it at the other end, no host I/O). Also one
// round trip through the worker bridge (@rawsock/node/sync: a synchronous
// call answered by the socket worker, SharedArrayBuffer + Atomics.wait),
// and one epoll_wait in a wasm program over as many idle sockets plus one
// ready one (bench/src/epoll_micro.c, beside the same C program on Linux).
// Prints one JSON object. Usage: node bench/micro.mjs [--iterations N]
import { execFileSync } from 'node:child_process';
import { SocketSyscalls, SocketTable } from '@rawsock/core';
import { NodeProvider } from '@rawsock/node';
import { createSyncSockets } from '@rawsock/node/sync';
import { epollMicro } from './lib/build.mjs';

const AF_INET = 2, SOCK_STREAM = 1, SOCK_NONBLOCK = 0x800, POLLIN = 1, POLLOUT = 4;
const EAGAIN = -11, EINPROGRESS = -115;
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const iterations = arg('--iterations', 200_000);
const pairs = arg('--pairs', 500);

const table = new SocketTable({ provider: new NodeProvider(), limits: { maxSockets: 4096 } });
const sys = new SocketSyscalls(table);
const tick = () => new Promise((resolve) => setImmediate(resolve));

function sockaddr(port) {
  const a = new Uint8Array(16);
  a[0] = AF_INET;
  a[2] = port >> 8;
  a[3] = port & 0xff;
  a.set([127, 0, 0, 1], 4);
  return a;
}
function check(r, what) {
  if (r < 0) throw new Error(`${what}: -errno ${r}`);
  return r;
}

const lfd = check(sys.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), 'socket');
check(sys.bind(lfd, sockaddr(0), 16), 'bind');
check(sys.listen(lfd, 1024), 'listen');
const name = new Uint8Array(16);
check(sys.getsockname(lfd, name, 16), 'getsockname');
const port = (name[2] << 8) | name[3];

/** `count` connected pairs over loopback; both ends' fds. */
async function connectPairs(count) {
  const fds = [];
  const clients = [];
  for (let i = 0; i < count; i++) {
    const c = check(sys.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), 'socket');
    const r = sys.connect(c, sockaddr(port), 16);
    if (r !== EINPROGRESS && r !== 0) throw new Error(`connect: -errno ${r}`);
    clients.push(c);
  }
  const deadline = Date.now() + 10_000;
  while (fds.length < count) {
    if (Date.now() > deadline) throw new Error(`accepted ${fds.length} of ${count} in 10 s`);
    const a = sys.accept4(lfd, null, 0, SOCK_NONBLOCK);
    if (a >= 0) fds.push(a);
    else await tick();
  }
  const out = new Int32Array(clients.length);
  while (sys.poll(clients.map((fd) => ({ fd, events: POLLOUT })), out) < clients.length) {
    if (Date.now() > deadline) throw new Error('clients not connected in 10 s');
    await tick();
  }
  return [...fds, ...clients];
}

function nsPerCall(n, fn) {
  for (let i = 0; i < Math.min(n, 10_000); i++) fn(); // warm-up (JIT)
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  return Number(process.hrtime.bigint() - t0) / n;
}

const [fd] = await connectPairs(1);
const buf = new Uint8Array(64);
let r = 0;
const recvNs = nsPerCall(iterations, () => (r = sys.recvfrom(fd, buf, 0, null, 0)));
if (r !== EAGAIN) throw new Error(`recv on an idle socket returned ${r}, not EAGAIN`);

// Core's data path alone: send 64 bytes into a socketpair end, recv them at
// the other, with a readiness watcher on the reader as the glue has one.
// Batches yield so readiness flushes run, as in an event loop.
const pair = [0, 0];
check(sys.socketpair(1 /* AF_UNIX */, SOCK_STREAM | SOCK_NONBLOCK, 0, pair), 'socketpair');
table.subscribe(pair[1], () => undefined);
const out64 = new Uint8Array(64).fill(7);
const sendRecv = () => {
  if (sys.sendto(pair[0], out64, 0, null, 0) !== 64 || sys.recvfrom(pair[1], buf, 0, null, 0) !== 64) throw new Error('socketpair send/recv of 64 bytes failed');
};
for (let i = 0; i < 10_000; i++) sendRecv();
const t0 = process.hrtime.bigint();
for (let i = 0; i < iterations; i += 1000) {
  for (let j = 0; j < 1000; j++) sendRecv();
  await null;
}
const sendRecvNs = Number(process.hrtime.bigint() - t0) / (Math.ceil(iterations / 1000) * 1000);

const idle = await connectPairs(pairs);
const requests = idle.map((f) => ({ fd: f, events: POLLIN }));
const revents = new Int32Array(requests.length);
let ready = -1;
const pollNs = nsPerCall(Math.max(100, Math.floor(iterations / 100)), () => (ready = sys.poll(requests, revents)));
if (ready !== 0) throw new Error(`poll over idle fds found ${ready} ready`);

// The bridge: a non-blocking recv that says EAGAIN, answered by the worker.
const bridge = createSyncSockets();
const ufd = bridge.socket('ipv4', 'dgram', { nonBlocking: true }).value;
if (ufd === undefined || !bridge.bind(ufd, { family: 'ipv4', address: '127.0.0.1', port: 0 }).ok) throw new Error('bridge: socket/bind failed');
let answer;
const bridgeNs = nsPerCall(Math.max(200, Math.floor(iterations / 20)), () => (answer = bridge.recv(ufd, 64)));
if (answer.ok || answer.errno !== 11) throw new Error(`bridge recv on an idle socket: ${JSON.stringify(answer)}`);
bridge.close(ufd);
await bridge.terminate();

// epoll_wait over `pairs * 2` idle sockets and one ready one: the wasm
// program on this Node (rawsock's glue), and natively (Linux's epoll).
function epollCost(kind) {
  try {
    const artifact = epollMicro(kind);
    const argv = ['--idle', String(pairs * 2), '--calls', String(Math.max(1000, Math.floor(iterations / 2)))];
    const out = execFileSync(kind === 'native' ? artifact : process.execPath, kind === 'native' ? argv : [artifact, ...argv], { encoding: 'utf8', timeout: 60_000 });
    const json = JSON.parse(out.trim().split('\n').pop());
    if (!json.ok) throw new Error(json.error);
    return json.epoll_wait_ns;
  } catch (e) {
    console.error(`epoll_micro (${kind}): ${e.message}`);
    return null;
  }
}
const epollWasmNs = epollCost('wasm');
const epollNativeNs = epollCost('native');

console.log(
  JSON.stringify({
    ok: true,
    node: process.versions.node,
    recv_eagain_ns: Math.round(recvNs),
    send_recv_64_ns: Math.round(sendRecvNs),
    poll_fds: requests.length,
    poll_ns: Math.round(pollNs),
    poll_ns_per_fd: Math.round((pollNs / requests.length) * 10) / 10,
    bridge_roundtrip_us: Math.round(bridgeNs / 100) / 10,
    epoll_fds: pairs * 2 + 1,
    epoll_wait_ns: epollWasmNs,
    epoll_wait_native_ns: epollNativeNs,
  }),
);
for (const f of [fd, ...idle, lfd, ...pair]) sys.close(f);
process.exit(0);
