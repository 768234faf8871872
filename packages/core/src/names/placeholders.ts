/**
 * Emscripten's fake-address trick, kept honest: a name that needs a DNS
 * query cannot be answered synchronously in an event-driven build, so
 * getaddrinfo hands out a placeholder from 172.29.0.0/16 (the range
 * Emscripten's own DNS shim uses) and remembers the name. A connect to the
 * placeholder resolves the real name then; the placeholder never reaches
 * the network.
 */

/** Placeholder addresses ↔ names, one address per name. */
export class PlaceholderNames {
  private readonly byName = new Map<string, string>();
  private readonly byAddress = new Map<string, string>();
  private next = 1;

  /** The placeholder for `name` (the same one on every call). Throws once 65534 names are in use. */
  assign(name: string): string {
    const key = name.toLowerCase();
    const known = this.byName.get(key);
    if (known) return known;
    if (this.next > 0xfffe) throw new Error('[rawsock] more than 65534 distinct unresolved host names');
    const id = this.next++;
    const address = `172.29.${id >> 8}.${id & 0xff}`;
    this.byName.set(key, address);
    this.byAddress.set(address, name);
    return address;
  }

  /** The name behind a placeholder IPv4 address (dotted quad), or undefined. */
  nameOf(ipv4: string): string | undefined {
    return this.byAddress.get(ipv4);
  }
}
