/**
 * The `oss-media` command line, the end-to-end demo and the application server (token vending
 * for cameras plus a page to watch and manage their videos), as a library.
 *
 * @module
 */
export {
  type AppServerOptions,
  CAMERA_MODE,
  type CameraGrant,
  cameraAuthenticator,
  createAppHandler,
  listenApp,
  type RunningAppServer,
  type TokenHandler,
  type VideoStore,
} from './app-server.js';
export { buildProgram, run } from './cli.js';
export { type DemoFlags, type DemoSummary, demoCommand, runDemo, summaryLines } from './demo.js';
export { CliError, describeError } from './errors.js';
export { type PublishHlsOptions, type PublishHlsResult, publishHls } from './hls-adapter.js';
export type { Io } from './io.js';
export { connectOss } from './media-client-adapter.js';
export { type ListeningMock, startMock } from './mock-adapter.js';
export type {
  ListItem,
  ObjectInfo,
  OssConnectOptions,
  OssOperations,
  UploadOptions,
  UploadReport,
} from './oss.js';
export { formatOssUrl, type OssAddress, parseOssUrl } from './url.js';
export { groupVideos, presignPlaylist, type VideoEntry } from './videos.js';
