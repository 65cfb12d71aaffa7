import type { Credentials, SignableRequest } from './canonical.js';
import { checkBytes, checkBytesOrString, toBase64 } from './encoding.js';
import { describe } from './errors.js';
import type { HashBackend, IncrementalHash } from './hashes.js';
import type { PresignOptions } from './presign-common.js';
import { signatureV1, signRequestV1 } from './v1-header.js';
import { presignUrlV1 } from './v1-query.js';
import {
  type PresignV4Options,
  presignUrlV4,
  type SignV4Options,
  signatureV4,
  signingKeyV4,
  signRequestV4,
  stringToSignV4,
} from './v4.js';

/** Every public function that hashes, bound to one hash back-end. */
export interface HashedApi {
  md5(data: Uint8Array): Uint8Array;
  sha256(data: Uint8Array | string): Uint8Array;
  hmacSha1(key: Uint8Array | string, data: Uint8Array | string): Uint8Array;
  hmacSha256(key: Uint8Array | string, data: Uint8Array | string): Uint8Array;
  createMd5(): IncrementalHash;
  contentMd5(data: Uint8Array): string;
  contentMd5Of(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<string>;
  signatureV1(accessKeySecret: string, stringToSign: string): string;
  signRequestV1(
    req: SignableRequest,
    credentials: Credentials,
    options?: { date?: Date },
  ): Record<string, string>;
  presignUrlV1(options: PresignOptions): string;
  stringToSignV4(canonicalRequest: string, isoDate: string, region: string): string;
  signingKeyV4(accessKeySecret: string, day: string, region: string): Uint8Array;
  signatureV4(signingKey: Uint8Array, stringToSign: string): string;
  signRequestV4(
    req: SignableRequest,
    credentials: Credentials,
    options: SignV4Options,
  ): Record<string, string>;
  presignUrlV4(options: PresignV4Options): string;
}

class CheckedMd5 implements IncrementalHash {
  readonly #inner: IncrementalHash;

  constructor(inner: IncrementalHash) {
    this.#inner = inner;
  }

  update(chunk: Uint8Array): this {
    this.#inner.update(checkBytes(chunk, 'chunk'));
    return this;
  }

  digest(): Uint8Array {
    return this.#inner.digest();
  }
}

/** Binds the hashing functions of the public API to back-end `h`. */
export function bindHashes(h: HashBackend): HashedApi {
  return {
    md5: (data) => h.md5(checkBytes(data, 'data')),
    sha256: (data) => h.sha256(checkBytesOrString(data, 'data')),
    hmacSha1: (key, data) =>
      h.hmacSha1(checkBytesOrString(key, 'key'), checkBytesOrString(data, 'data')),
    hmacSha256: (key, data) =>
      h.hmacSha256(checkBytesOrString(key, 'key'), checkBytesOrString(data, 'data')),
    createMd5: () => new CheckedMd5(h.createMd5()),
    contentMd5: (data) => h.md5Base64(checkBytes(data, 'data')),
    contentMd5Of: async (chunks) => {
      if (chunks === null || typeof chunks !== 'object') {
        throw new TypeError(`chunks must be an iterable of Uint8Array, got ${describe(chunks)}`);
      }
      const state = new CheckedMd5(h.createMd5());
      for await (const chunk of chunks) state.update(chunk);
      return toBase64(state.digest());
    },
    signatureV1: (secret, stringToSign) => signatureV1(h, secret, stringToSign),
    signRequestV1: (req, credentials, options) => signRequestV1(h, req, credentials, options),
    presignUrlV1: (options) => presignUrlV1(h, options),
    stringToSignV4: (canonical, isoDate, region) => stringToSignV4(h, canonical, isoDate, region),
    signingKeyV4: (secret, day, region) => signingKeyV4(h, secret, day, region),
    signatureV4: (key, stringToSign) => signatureV4(h, key, stringToSign),
    signRequestV4: (req, credentials, options) => signRequestV4(h, req, credentials, options),
    presignUrlV4: (options) => presignUrlV4(h, options),
  };
}
