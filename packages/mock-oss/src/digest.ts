// The hashing the server needs, gathered in one place so operations import one module.
export {
  contentMd5,
  crc64,
  crc64ToString,
  createMd5,
  fromBase64,
  md5,
  toBase64,
  toHex,
} from '@oss-media/oss-sign';
