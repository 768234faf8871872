/** Name resolution policy (netdb.h): runtime-agnostic; the glue marshals, the runtime layer reads the files. */
export * from './constants.js';
export { inetAton, parseNumericHost, type NumericHost } from './numeric.js';
export { HostsTable, parseHosts, type HostsEntry } from './hosts.js';
export { ServicesTable, parseServices, BUILTIN_SERVICES, type ServiceEntry } from './services.js';
export { PlaceholderNames } from './placeholders.js';
export {
  NameResolver,
  lookupErrorToEai,
  type NameSources,
  type SyncLookup,
  type AddrinfoHints,
  type AddrinfoResult,
  type AddrinfoAnswer,
  type NameinfoAnswer,
  type HostentAnswer,
} from './resolver.js';
export { resolveConnectTarget, type AsyncLookup } from './connect-by-name.js';
export { syncLookupFromBridge, type BlockingLookupSource } from './sync-lookup.js';
