/**
 * The errors the STS endpoint answers, shaped like the service's JSON body
 * `{ RequestId, HostId, Code, Message }`. The status comes from the code, as on the OSS side.
 */
export class StsServiceError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'StsServiceError';
    this.code = code;
    this.status = STS_STATUS_BY_CODE[code] ?? 400;
  }
}

/** HTTP status of each code the STS endpoint can answer (the service's own statuses). */
export const STS_STATUS_BY_CODE: Readonly<Record<string, number>> = {
  MissingParameter: 400,
  InvalidParameter: 400,
  'InvalidParameter.RoleArn': 400,
  'InvalidParameter.RoleSessionName': 400,
  'InvalidParameter.DurationSeconds': 400,
  'InvalidParameter.PolicyGrammar': 400,
  'InvalidParameter.ExternalId': 400,
  'InvalidAction.NotFound': 404,
  'InvalidVersion.NotFound': 404,
  'InvalidTimeStamp.Format': 400,
  'InvalidTimeStamp.Expired': 400,
  SignatureDoesNotMatch: 400,
  SignatureNonceUsed: 400,
  IncompleteSignature: 400,
  'InvalidSignatureMethod.Unsupported': 400,
  'InvalidAccessKeyId.NotFound': 404,
  MissingSecurityToken: 400,
  'InvalidSecurityToken.Malformed': 400,
  'InvalidSecurityToken.Expired': 400,
  'InvalidSecurityToken.MismatchWithAccessKey': 400,
  NoPermission: 403,
  'EntityNotExist.Role': 404,
  UnsupportedHTTPMethod: 400,
};

/** `InvalidParameter.PolicyGrammar` with the service's message and the reason appended. */
export function policyGrammarError(reason?: string): StsServiceError {
  const base = 'The parameter Policy has not passed grammar check.';
  return new StsServiceError(
    'InvalidParameter.PolicyGrammar',
    reason === undefined ? base : `${base} ${reason}`,
  );
}
