/**
 * The `oss-media` command line, the end-to-end demo and the application server (token vending
 * for cameras plus a page to watch and manage their videos), as a library.
 *
 * @module
 */
export {
  type AppServerOptions,
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
export type { Io } from './io.js';
export type { ListItem, ObjectInfo, OssOperations, UploadOptions, UploadReport } from './oss.js';
export { formatOssUrl, type OssAddress, parseOssUrl } from './url.js';
export { groupVideos, presignPlaylist, type VideoEntry } from './videos.js';
