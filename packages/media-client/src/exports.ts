/** The public API shared by every runtime entry (types and runtime-neutral values). */
export type {
  Auth,
  CredentialsCallback,
  CredentialsSource,
  ExpiringCredentials,
  RefreshReason,
} from './auth.js';
export type {
  BucketAcl,
  CreateBucketOptions,
  LifecycleRule,
  ListOptions,
  ListPage,
  ObjectSummary,
  PresignOptions,
} from './bucket.js';
export { parseListPage } from './bucket.js';
export type { ClientOptions, OpenOptions } from './client.js';
export { OssClient } from './client.js';
export * from './errors.js';
export type {
  AppendFromOptions,
  AppendProgress,
  FileOptions,
  OpenMode,
  SourceLike,
} from './media-file.js';
export { MediaFile } from './media-file.js';
export type {
  AppendResult,
  GetResult,
  ObjectStat,
  ObjectType,
  WriteOptions,
  WriteResult,
} from './objects.js';
export type { ClientEvent, ClientStats, OssRequest, OssResponse } from './request.js';
export { Requester } from './request.js';
export type { RetryOptions } from './retry.js';
export type { AppendSource } from './sources.js';
export type {
  FetchTransportOptions,
  Transport,
  TransportRequest,
  TransportResponse,
} from './transport.js';
export { fetchTransport } from './transport.js';
