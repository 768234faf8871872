/**
 * The host UDP socket under a DatagramHandle: node:dgram with bindSync where
 * Node has it (udp-dgram.ts), a raw udp_wrap handle otherwise (handles.ts).
 * Synchronous methods throw an ErrnoError.
 */
import type { BindOptions } from '@rawsock/core';
import { UdpWrapBackend } from './handles.js';
import { hasSyncDgram } from './host.js';
import { DgramBackend } from './udp-dgram.js';

/** A host address as Node reports it. */
export interface HostAddress {
  address?: string;
  port?: number;
}

export interface UdpBackend {
  bind(host: string, port: number, options: BindOptions): HostAddress;
  /** getsockname of the bound socket. */
  address(): HostAddress;
  start(onMessage: (data: Uint8Array, from: HostAddress) => void, onError: (errno: number) => void): void;
  connect(host: string, port: number): void;
  disconnect(): void;
  /** `to` null: the connected peer. `done` is always called asynchronously. */
  send(data: Uint8Array, to: { host: string; port: number } | null, done: (errno: number) => void): void;
  pause(): void;
  resume(): void;
  setBroadcast(enable: boolean): void;
  setTTL(ttl: number): void;
  setMulticastTTL(ttl: number): void;
  setMulticastLoopback(enable: boolean): void;
  addMembership(group: string, iface?: string): void;
  dropMembership(group: string, iface?: string): void;
  close(): void;
}

export function createUdpBackend(family: 'ipv4' | 'ipv6'): UdpBackend {
  return hasSyncDgram ? new DgramBackend(family === 'ipv6') : new UdpWrapBackend(family === 'ipv6');
}
