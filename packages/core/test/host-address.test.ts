import { describe, expect, it } from 'vitest';
import { NUMERIC_ZONES, type InetAddress, hostOf, inetFromHost, sameInet, unspecifiedAddress, zonesFromInterfaces } from '../src/index.js';

/** The scope id of an IPv6 result (undefined for IPv4). */
const scope = (a: InetAddress) => (a.family === 'ipv6' ? a.scopeId : undefined);

describe('host strings ↔ InetAddress', () => {
  const zones = zonesFromInterfaces(() => ({
    lo: [{ family: 'IPv4' }, { family: 'IPv6', scopeid: 0 }],
    eth0: [{ family: 'IPv4' }, { family: 'IPv6', scopeid: 2 }],
    wlan0: [{ family: 6, scopeid: 3 }],
    gone: undefined,
  }));

  it('takes the family from the text and canonicalises IPv6', () => {
    expect(inetFromHost('127.0.0.1', 80)).toEqual({ family: 'ipv4', address: '127.0.0.1', port: 80 });
    expect(inetFromHost('0:0:0::1', 8)).toEqual({ family: 'ipv6', address: '::1', port: 8 });
    expect(inetFromHost('[::1]', 9)).toEqual({ family: 'ipv6', address: '::1', port: 9 });
  });

  it('turns a %zone into a numeric scope id, by number or by interface name', () => {
    expect(scope(inetFromHost('fe80::1%2', 1))).toBe(2);
    expect(scope(inetFromHost('fe80::1%eth0', 1, zones))).toBe(2);
    expect(scope(inetFromHost('fe80::1%wlan0', 1, zones))).toBe(3);
    expect(scope(inetFromHost('fe80::1%nosuch', 1, zones))).toBe(0);
    expect(scope(inetFromHost('[fe80::1%5]', 1, NUMERIC_ZONES))).toBe(5);
  });

  it('writes the zone back by name where the host has one, else by number', () => {
    expect(hostOf({ family: 'ipv6', address: 'fe80::1', port: 0, scopeId: 2 }, zones)).toBe('fe80::1%eth0');
    expect(hostOf({ family: 'ipv6', address: 'fe80::1', port: 0, scopeId: 7 }, zones)).toBe('fe80::1%7');
    expect(hostOf({ family: 'ipv6', address: 'fe80::1', port: 0, scopeId: 2 })).toBe('fe80::1%2');
    expect(hostOf({ family: 'ipv4', address: '10.0.0.1', port: 0 }, zones)).toBe('10.0.0.1');
  });

  it('compares endpoints by canonical address and names the unspecified address', () => {
    expect(sameInet({ family: 'ipv6', address: '::1', port: 5 }, { family: 'ipv6', address: '0::1', port: 5 })).toBe(true);
    expect(sameInet({ family: 'ipv6', address: '::1', port: 5 }, { family: 'ipv6', address: '::1', port: 6 })).toBe(false);
    expect(unspecifiedAddress('ipv4')).toEqual({ family: 'ipv4', address: '0.0.0.0', port: 0 });
    expect(unspecifiedAddress('ipv6')).toEqual({ family: 'ipv6', address: '::', port: 0 });
  });
});
