export { NetworkPolicy, type PolicyRule, type PolicySpec, type PolicyDenial, type PolicyOperation } from './policy.js';
export { POLICY_PRESETS, combinePolicies, parsePolicy } from './presets.js';
export { parseInetAton, parseCidr, type Cidr, type IpBytes } from './ip.js';
export { validatePolicySpec } from './validate.js';
export { resolveUnixPath } from './unix-path.js';
