/**
 * What an authenticated principal may do. The root account may do everything; a temporary
 * credential only what both its role policy and its session policy allow (default deny, an
 * explicit Deny wins), evaluated by @oss-media/sts so that clients and the mock share one
 * reading of the policy grammar.
 */
import { evaluatePolicies } from '@oss-media/sts';
import { OssError } from '../errors.js';
import type { Identity } from './authenticate.js';

/** The service's message for a request its policies deny. */
export const POLICY_DENIED_MESSAGE = "Access denied by authorizer's policy.";

/** The service's message for an anonymous request to a private resource. */
export const ANONYMOUS_DENIED_MESSAGE =
  'You have no right to access this object because of bucket acl.';

/**
 * @param action e.g. `oss:PutObject` (protocol §10).
 * @param resource `acs:oss:*:*:<bucket>/<key>` or `acs:oss:*:*:<bucket>`.
 * @param conditions condition keys of the request, e.g. `{ 'oss:Prefix': 'videos/' }`.
 * @throws {OssError} `AccessDenied` unless allowed. Anonymous requests are always denied here:
 *   the caller handles public ACLs before asking.
 * @example authorize(identity, 'oss:GetObject', 'acs:oss:*:*:media/a.mp4');
 */
export function authorize(
  identity: Identity,
  action: string,
  resource: string,
  conditions?: Record<string, string>,
): void {
  if (identity.kind === 'root') return;
  if (identity.kind === 'anonymous') throw new OssError('AccessDenied', ANONYMOUS_DENIED_MESSAGE);

  const request =
    conditions === undefined ? { action, resource } : { action, resource, conditions };
  if (identity.policies.length > 0 && evaluatePolicies(identity.policies, request)) return;
  throw new OssError('AccessDenied', POLICY_DENIED_MESSAGE);
}
