// ali-oss ships no types; these cover what the tests call, loosely.
declare module 'ali-oss' {
  namespace OSS {
    type Options = Record<string, unknown>;
    type PutObjectOptions = Record<string, unknown>;
    interface ObjectMeta {
      name: string;
      size: number;
    }
    interface Result {
      res: { status: number; headers: Record<string, string> };
      status?: number;
      // biome-ignore lint/suspicious/noExplicitAny: untyped SDK results are read field by field
      [field: string]: any;
    }
  }
  class OSS {
    constructor(options: OSS.Options);
    put(name: string, body: unknown, options?: OSS.PutObjectOptions): Promise<OSS.Result>;
    append(name: string, body: unknown, options?: Record<string, unknown>): Promise<OSS.Result>;
    get(name: string, options?: Record<string, unknown>): Promise<OSS.Result>;
    head(name: string, options?: Record<string, unknown>): Promise<OSS.Result>;
    list(query: Record<string, unknown>, options: Record<string, unknown>): Promise<OSS.Result>;
    listV2(query: Record<string, unknown>, options: Record<string, unknown>): Promise<OSS.Result>;
    delete(name: string): Promise<OSS.Result>;
    deleteMulti(names: string[], options?: Record<string, unknown>): Promise<OSS.Result>;
    copy(target: string, source: string): Promise<OSS.Result>;
    signatureUrl(name: string, options?: Record<string, unknown>): string;
    listBuckets(query?: Record<string, unknown>): Promise<OSS.Result>;
  }
  export default OSS;
}
