/**
 * An in-memory OSS + STS server for tests: a request handler that runs wherever `fetch` types
 * exist. The Node listener, the disk store and the CLI live behind the `node` entry.
 *
 * @module
 */

export { Accounts, type RoleConfig } from './accounts.js';
export { Clock } from './clock.js';
export { OssError, STATUS_BY_CODE } from './errors.js';
export { type Fault, type FaultAction, type FaultSpec, Faults } from './faults.js';
export type { MockRequest, MockResponse, ResponseFate } from './http.js';
export {
  type BucketOption,
  ConnectionDroppedError,
  createMockOss,
  DEFAULT_ACCESS_KEY_ID,
  DEFAULT_ACCESS_KEY_SECRET,
  DEFAULT_REGION,
  type MockOss,
  type MockOssOptions,
  STS_ENDPOINT_PATH,
  type UnparsableReason,
} from './mock.js';
export { RequestLog, type RequestLogEntry } from './request-log.js';
export { MemoryStore } from './store/memory.js';
export type {
  BucketRecord,
  CorsRule,
  LifecycleRule,
  ObjectMeta,
  ObjectType,
  Staging,
  Store,
} from './store/types.js';
