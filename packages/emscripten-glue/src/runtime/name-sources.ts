/**
 * The runtime layer of name resolution: reads /etc/hosts and /etc/services
 * synchronously through the runtime's own file API (Deno.readTextFileSync;
 * node:fs on Node and Bun) and asks the runtime which address families the
 * host has configured (AI_ADDRCONFIG). Files are read on every call, as
 * glibc reads them, so an edited /etc/hosts takes effect at once.
 * https://docs.deno.com/api/deno/~/Deno.readTextFileSync
 */
import type * as NodeFs from 'node:fs';
import type * as NodeOs from 'node:os';
import { BUILTIN_SERVICES, HostsTable, parseHosts, parseServices, type NameSources } from '@rawsock/core';
import { detectRuntime } from '../detect-runtime.js';

interface DenoFiles {
  readTextFileSync(path: string): string;
  networkInterfaces?(): { family: 'IPv4' | 'IPv6'; address: string }[];
  permissions?: { querySync?(descriptor: { name: string; path?: string; kind?: string }): { state: string } };
}

const deno = () => (globalThis as unknown as { Deno: DenoFiles }).Deno;

/**
 * Deno: only what is already granted. Asking would prompt on a terminal
 * (and stall the program); without the permission the file counts as
 * unreadable, as on a host without it.
 */
function denoGranted(descriptor: { name: string; path?: string; kind?: string }): boolean {
  try {
    const q = deno().permissions?.querySync;
    return q ? q(descriptor).state === 'granted' : true;
  } catch {
    return false;
  }
}

/** A text file, or undefined if it is missing or the runtime may not read it (Deno without --allow-read). */
export function readTextFile(path: string): string | undefined {
  try {
    if (detectRuntime() === 'deno') return denoGranted({ name: 'read', path }) ? deno().readTextFileSync(path) : undefined;
    // require()d on use: the bundle asks the host for no builtin at load (see build/builtins-from-host.ts).
    return (require('node:fs') as typeof NodeFs).readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function interfaceAddresses(): { family: string | number; address: string }[] | undefined {
  try {
    if (detectRuntime() === 'deno') return denoGranted({ name: 'sys', kind: 'networkInterfaces' }) ? deno().networkInterfaces?.() : undefined;
    return Object.values((require('node:os') as typeof NodeOs).networkInterfaces()).flatMap((list) => list ?? []);
  } catch {
    return undefined;
  }
}

/** Where the files are (tests point these at their own copies). */
export interface NameFiles {
  readonly hosts?: string;
  readonly services?: string;
}

export function runtimeNameSources(files: NameFiles = {}): NameSources {
  return {
    hosts: () => {
      const text = readTextFile(files.hosts ?? '/etc/hosts');
      return text === undefined ? new HostsTable([]) : parseHosts(text);
    },
    services: () => {
      const text = readTextFile(files.services ?? '/etc/services');
      return text === undefined ? BUILTIN_SERVICES : parseServices(text);
    },
    configuredFamilies: () => {
      const list = interfaceAddresses();
      if (!list || list.length === 0) return undefined;
      const configured = { ipv4: false, ipv6: false };
      for (const a of list) {
        // Loopback does not count (getaddrinfo(3), AI_ADDRCONFIG).
        if (a.address === '127.0.0.1' || a.address.startsWith('127.') || a.address === '::1') continue;
        if (a.family === 'IPv4' || a.family === 4) configured.ipv4 = true;
        if (a.family === 'IPv6' || a.family === 6) configured.ipv6 = true;
      }
      return configured;
    },
  };
}
