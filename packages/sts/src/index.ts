/**
 * @oss-media/sts: temporary, narrowly scoped OSS credentials for devices. STS AssumeRole with
 * its RPC signature, session policies (build, parse, evaluate), a refreshing credentials
 * provider, and a token-vending handler. Uses only Web APIs (fetch, crypto.randomUUID).
 */
export {
  type AssumedRole,
  type AssumeRoleOptions,
  assumeRole,
  assumeRoleParameters,
  DEFAULT_DURATION_SECONDS,
  DEFAULT_STS_ENDPOINT,
  MAX_DURATION_SECONDS,
  MIN_DURATION_SECONDS,
  parseAssumeRoleResponse,
  rpcTimestamp,
  type TemporaryCredentials,
  validateAssumeRole,
} from './assume-role.js';
export { StsError } from './errors.js';
export {
  type AuthorizationRequest,
  evaluatePolicies,
  evaluatePolicy,
  type PolicyDecision,
  resolveDotSegments,
  statementMatches,
  wildcardMatch,
} from './evaluate.js';
export { type IpValue, ipInBlock, isIpBlock, parseIp } from './ip.js';
export {
  bucketResource,
  buildPolicy,
  CONDITION_OPERATORS,
  MAX_POLICY_LENGTH,
  MODE_ACTIONS,
  normalizeGrantPath,
  objectResource,
  type PolicyDocument,
  type PolicyStatement,
  parsePolicy,
  serializePolicy,
} from './policy.js';
export {
  CredentialsProvider,
  type CredentialsProviderOptions,
  type CredentialsSource,
  DEFAULT_REFRESH_MARGIN_MS,
} from './provider.js';
export {
  canonicalizedQueryRpc,
  percentEncodeRpc,
  signatureRpc,
  signRpc,
  stringToSignRpc,
} from './rpc-signature.js';
export {
  DEFAULT_TOKEN_DURATION_SECONDS,
  type GetTokenOptions,
  getToken,
  sessionNameFor,
} from './token.js';
export {
  createTokenVendingHandler,
  fetchVendedCredentials,
  type ResolvedGrant,
  type TokenVendingOptions,
  type VendedCredentials,
  type VendedCredentialsBody,
  type VendingGrant,
} from './vending.js';
