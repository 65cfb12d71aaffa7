import { OssError } from '../errors.js';
import type { MockResponse } from '../http.js';
import { emptyResponse, xmlResponse } from '../respond.js';
import type { LifecycleRule, ObjectMeta, Store } from '../store/types.js';
import { children, childText, parseXmlBody, type XmlChild } from '../xml.js';
import { type OperationContext, readSmallBody, requireBucket } from './context.js';

const DAY_MS = 86_400_000;
/** The service's limit on lifecycle rules per bucket. */
export const MAX_LIFECYCLE_RULES = 1000;

function invalid(message: string): OssError {
  return new OssError('InvalidArgument', message);
}

/** Parses `<LifecycleConfiguration>` (protocol §8); rules replace the bucket's rules. */
export function parseLifecycle(bytes: Uint8Array): LifecycleRule[] {
  const root = parseXmlBody(bytes, 'LifecycleConfiguration');
  const rules = children(root, 'Rule');
  if (rules.length === 0 || rules.length > MAX_LIFECYCLE_RULES) {
    throw new OssError(
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema.',
    );
  }
  const ids = new Set<string>();
  return rules.map((rule, index) => {
    const id = childText(rule, 'ID') || `rule-${index + 1}`;
    if (ids.has(id)) throw invalid(`Rule ID must be unique. Found same ID: ${id}`);
    ids.add(id);
    const status = childText(rule, 'Status');
    if (status !== 'Enabled' && status !== 'Disabled') {
      throw new OssError('MalformedXML', 'Rule Status must be Enabled or Disabled.');
    }
    const expiration = children(rule, 'Expiration')[0];
    const parsed: LifecycleRule = {
      id,
      prefix: childText(rule, 'Prefix') ?? '',
      enabled: status === 'Enabled',
    };
    if (expiration) {
      const days = childText(expiration, 'Days');
      const date = childText(expiration, 'CreatedBeforeDate') ?? childText(expiration, 'Date');
      if (days !== undefined) {
        if (!/^\d{1,6}$/.test(days) || Number(days) < 1)
          throw invalid('Days in Expiration must be a positive integer.');
        parsed.days = Number(days);
      } else if (date !== undefined) {
        if (!/^\d{4}-\d{2}-\d{2}T00:00:00(\.000)?Z$/.test(date)) {
          throw invalid('CreatedBeforeDate must be date in ISO8601 format at midnight UTC.');
        }
        parsed.createdBeforeDate = date;
      } else {
        throw new OssError('MalformedXML', 'Expiration needs Days or CreatedBeforeDate.');
      }
    }
    return parsed;
  });
}

/** PutBucketLifecycle. */
export async function putBucketLifecycle(context: OperationContext): Promise<MockResponse> {
  const bucket = requireBucket(context);
  const rules = parseLifecycle(await readSmallBody(context.body, 512 * 1024));
  await context.store.putBucket({ ...bucket, lifecycle: rules });
  await applyLifecycle(context.store, bucket.name, context.now);
  return emptyResponse(200);
}

/** GetBucketLifecycle: 404 NoSuchLifecycle when none is set. */
export async function getBucketLifecycle(context: OperationContext): Promise<MockResponse> {
  const bucket = requireBucket(context);
  const rules = bucket.lifecycle;
  if (!rules || rules.length === 0) {
    throw new OssError('NoSuchLifecycle', 'No Row found in Lifecycle Table.', {
      BucketName: bucket.name,
    });
  }
  return xmlResponse(
    'LifecycleConfiguration',
    rules.map((rule) => {
      const fields: XmlChild[] = [
        ['ID', rule.id],
        ['Prefix', rule.prefix],
        ['Status', rule.enabled ? 'Enabled' : 'Disabled'],
      ];
      if (rule.days !== undefined) fields.push(['Expiration', [['Days', rule.days]]]);
      if (rule.createdBeforeDate !== undefined) {
        fields.push(['Expiration', [['CreatedBeforeDate', rule.createdBeforeDate]]]);
      }
      return ['Rule', fields] as const;
    }),
  );
}

/** DeleteBucketLifecycle: 204. */
export async function deleteBucketLifecycle(context: OperationContext): Promise<MockResponse> {
  const bucket = requireBucket(context);
  const { lifecycle: _dropped, ...rest } = bucket;
  await context.store.putBucket(rest);
  return emptyResponse(204);
}

/** True when an enabled rule of `rules` has expired `meta` at `now`. */
export function isExpired(rules: LifecycleRule[], meta: ObjectMeta, now: number): boolean {
  for (const rule of rules) {
    if (!rule.enabled || !meta.key.startsWith(rule.prefix)) continue;
    if (rule.days !== undefined && meta.lastModified + rule.days * DAY_MS <= now) return true;
    if (
      rule.createdBeforeDate !== undefined &&
      meta.lastModified < Date.parse(rule.createdBeforeDate) &&
      Date.parse(rule.createdBeforeDate) <= now
    ) {
      return true;
    }
  }
  return false;
}

/**
 * Deletes the objects of `bucket` that its lifecycle rules have expired at `now`. The service
 * runs expiry once a day; the mock applies it whenever it is asked (on clock changes and before
 * requests to a bucket with rules), so tests see expiry as soon as the clock passes it.
 */
export async function applyLifecycle(store: Store, bucket: string, now: number): Promise<number> {
  const rules = store.getBucket(bucket)?.lifecycle?.filter((rule) => rule.enabled);
  const keys = store.keys(bucket);
  if (!rules || rules.length === 0 || !keys) return 0;
  let removed = 0;
  for (const key of keys.toArray()) {
    const meta = store.head(bucket, key);
    if (meta && isExpired(rules, meta, now)) {
      await store.delete(bucket, key);
      removed++;
    }
  }
  return removed;
}
