// Bundled with the default entry for the browser test: computes every vector's stages in the
// page and leaves them on globalThis for the test to read.
import * as api from '../../src/index.js';
import {
  CRC64_VECTORS,
  crc64Stages,
  PRESIGN_V1_VECTORS,
  presignV1Stages,
  V1_VECTORS,
  V4_VECTORS,
  v1Stages,
  v4Stages,
} from '../vectors.js';

const byName = <V extends { name: string }, R>(vectors: V[], run: (v: V) => R) =>
  Object.fromEntries(vectors.map((v) => [v.name, run(v)]));

const target = globalThis as { vectorResults?: unknown };
try {
  target.vectorResults = {
    hashBackend: api.hashBackend,
    hasNodeProcess: typeof (globalThis as { process?: unknown }).process !== 'undefined',
    v1: byName(V1_VECTORS, (v) => v1Stages(api, v)),
    presignV1: byName(PRESIGN_V1_VECTORS, (v) => presignV1Stages(api, v)),
    v4: byName(V4_VECTORS, (v) => v4Stages(api, v)),
    crc64: byName(CRC64_VECTORS, (v) => crc64Stages(api, v)),
    contentMd5: api.contentMd5(api.utf8('hello')),
  };
} catch (error) {
  target.vectorResults = { error: String((error as Error).stack ?? error) };
}
