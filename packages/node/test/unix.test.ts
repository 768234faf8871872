import { existsSync, linkSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { E, ErrnoError, type StreamEndpoint, type UnixAddress } from '@rawsock/core';
import { NO_FLAGS, StreamRecorder, connect, listen, provider, tempDir, thrown } from './helpers.js';

const unix = (path: string): UnixAddress => ({ family: 'unix', path });
const linux = process.platform === 'linux';

let tmp: ReturnType<typeof tempDir>;
const open: StreamEndpoint[] = [];
const track = (ep: StreamEndpoint) => (open.push(ep), ep);
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => {
  for (const ep of open.splice(0)) ep.close();
  tmp.cleanup();
});

describe('unix stream sockets', () => {
  it('listens, accepts paused, echoes, and names both ends like Linux', async () => {
    const path = tmp.path('echo.sock');
    const l = listen(unix(path));
    track(l.endpoint);
    expect(l.address).toEqual(unix(path));
    const client = await connect(unix(path));
    const server = await l.accept();
    expect(server.localAddress).toEqual(unix(path));
    expect(server.remoteAddress).toEqual(unix('')); // unnamed client
    expect(client.remoteAddress).toEqual(unix(path));
    expect(client.localAddress).toEqual(unix(''));
    const c = new StreamRecorder();
    const s = new StreamRecorder();
    client.start(c);
    server.start(s);
    client.write(Buffer.from('hello'));
    client.end();
    await s.until((r) => r.ended, 'server FIN');
    expect(s.text()).toBe('hello');
    server.write(Buffer.from('bye'));
    server.end();
    await c.until((r) => r.ended && r.closed === 1, 'client end+close');
    expect(c.text()).toBe('bye');
    await s.until((r) => r.closed === 1, 'server close');
  });

  it('reset() on a unix connection closes it', async () => {
    const path = tmp.path('reset.sock');
    const l = listen(unix(path));
    track(l.endpoint);
    const client = await connect(unix(path));
    const server = await l.accept();
    const c = new StreamRecorder();
    const s = new StreamRecorder();
    client.start(c);
    server.start(s);
    client.reset();
    await c.until((r) => r.closed === 1, 'client closed');
    // AF_UNIX has no RST: the peer reads EOF and keeps its end open.
    await s.until((r) => r.ended, 'server EOF');
    expect(s.errors).toEqual([]);
    server.close();
    await s.until((r) => r.closed === 1, 'server closed');
  });

  it('connects from a bound path, which the client reports as its local address', async () => {
    const path = tmp.path('srv.sock');
    const l = listen(unix(path));
    track(l.endpoint);
    const ep = track(provider.createStream('unix'));
    expect(ep.bind(unix(tmp.path('cli.sock')), NO_FLAGS)).toEqual(unix(tmp.path('cli.sock')));
    const client = await connect(unix(path), ep);
    expect(client.localAddress).toEqual(unix(tmp.path('cli.sock')));
    const server = await l.accept();
    // Deviation (README): Linux's accept/getpeername report the client's bound
    // path; Node has no getpeername for pipes, so the peer reads as unnamed.
    expect(server.remoteAddress).toEqual(unix(''));
    const s = new StreamRecorder();
    server.start(s);
    client.start(new StreamRecorder());
    client.write(Buffer.from('from bound'));
    await s.until((r) => r.text() === 'from bound', 'data');
    client.close();
    server.close();
  });

  it('reports ENOENT for a missing path', async () => {
    await expect(connect(unix(tmp.path('missing.sock')))).rejects.toMatchObject({ errno: E.ENOENT });
  });

  it('reports ECONNREFUSED for a stale socket file nobody listens on', async () => {
    const path = tmp.path('live.sock');
    const l = listen(unix(path));
    // libuv unlinks a bound path when its handle closes, so keep a second
    // name for the same socket inode: it stays behind as a stale socket file.
    linkSync(path, tmp.path('stale.sock'));
    l.endpoint.close();
    await expect(connect(unix(tmp.path('stale.sock')))).rejects.toMatchObject({ errno: E.ECONNREFUSED });
  });

  it('reports ECONNREFUSED for a path that is not a socket (as Linux does)', async () => {
    writeFileSync(tmp.path('plain'), 'x');
    await expect(connect(unix(tmp.path('plain')))).rejects.toMatchObject({ errno: E.ECONNREFUSED });
  });

  it('throws EADDRINUSE binding an existing path and ENOENT in a missing directory', () => {
    const path = tmp.path('taken.sock');
    track(provider.createStream('unix')).bind(unix(path), NO_FLAGS);
    const inUse = thrown(() => track(provider.createStream('unix')).bind(unix(path), NO_FLAGS));
    expect(inUse).toBeInstanceOf(ErrnoError);
    expect(inUse.errno).toBe(E.EADDRINUSE);
    // libuv reports this as EACCES; the provider restores Linux's ENOENT.
    const missing = thrown(() => track(provider.createStream('unix')).bind(unix(tmp.path('no/dir.sock')), NO_FLAGS));
    expect(missing.errno).toBe(E.ENOENT);
  });

  it('refuses to listen unbound (EINVAL, as unix(7) listen does)', () => {
    const ep = track(provider.createStream('unix'));
    expect(thrown(() => ep.listen(1, () => {}, () => {})).errno).toBe(E.EINVAL);
  });

  it('removes the socket file when the listener closes (libuv behaviour, unlike Linux close(2))', () => {
    const path = tmp.path('gone.sock');
    const l = listen(unix(path));
    expect(existsSync(path)).toBe(true);
    l.endpoint.close();
    expect(existsSync(path)).toBe(false);
  });
});

describe.skipIf(!linux)('abstract unix addresses (Linux)', () => {
  it('listens and connects on an abstract name', async () => {
    const name = unix(`\0rawsock-test-${process.pid}-${Date.now()}`);
    const l = listen(name);
    track(l.endpoint);
    expect(l.address).toEqual(name);
    const client = await connect(name);
    const server = await l.accept();
    expect(server.localAddress).toEqual(name);
    const s = new StreamRecorder();
    server.start(s);
    client.start(new StreamRecorder());
    client.write(Buffer.from('abstract'));
    await s.until((r) => r.text() === 'abstract', 'data');
    client.close();
    server.close();
  });

  it('binds the five-hex-digit abstract names the core picks for autobind', async () => {
    const name = unix(`\0${(process.pid % 0x100000).toString(16).padStart(5, '0')}`);
    const ep = track(provider.createStream('unix'));
    expect(ep.bind(name, NO_FLAGS)).toEqual(name);
    const l = listen(name, 4, ep);
    const client = await connect(name);
    (await l.accept()).close();
    client.close();
  });
});
