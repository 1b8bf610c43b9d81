import { createHash, createHmac, randomUUID } from 'node:crypto';
import { startHttpStandIn, type HttpStandIn, type RecordedRequest, type StandInAnswer } from './http-stand-in.js';

export interface SnsPublished {
  readonly params: Readonly<Record<string, string>>;
  readonly messageId: string;
}

export interface FakeSns {
  readonly url: string;
  readonly region: string;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly topicArn: string;
  readonly standIn: HttpStandIn;
  readonly published: SnsPublished[];
  /** Publish calls to throttle before taking one (`400 Throttling: Rate exceeded`). */
  throttle: number;
  close(): Promise<void>;
}

const NS = 'http://sns.amazonaws.com/doc/2010-03-31/';
const FIFTEEN_MINUTES = 15 * 60_000;

/**
 * SNS's Query API (docs.aws.amazon.com/sns/latest/api/API_Publish.html) for one account: every
 * request's Signature Version 4 is computed again here with the account's secret key (its own
 * implementation from the AWS documentation, not the signer alertpipe uses) and a wrong one is
 * refused as SNS refuses it (403 `SignatureDoesNotMatch`, `InvalidClientTokenId` for an unknown
 * key, a date more than 15 minutes off); `Action=Publish` takes exactly one of TopicArn,
 * TargetArn and PhoneNumber, a Message of at most 256 KiB (1,600 bytes for an SMS), a Subject of
 * up to 100 printable ASCII characters, and answers `<PublishResponse>` with a MessageId, or
 * `<ErrorResponse>`: 400 `InvalidParameter`, 404 `NotFound`, 400 `Throttling` ("Rate exceeded").
 */
export async function startFakeSns(): Promise<FakeSns> {
  const region = 'eu-west-1';
  const accessKey = 'AKIAIOSFODNN7EXAMPLE';
  const secretKey = `wJalrXUtnFEMI/K7MDENG/bPxRfiCY${randomUUID().slice(0, 8)}`;
  const topicArn = `arn:aws:sns:${region}:123456789012:alerts`;
  const published: SnsPublished[] = [];
  const fake = { throttle: 0 };
  const standIn = await startHttpStandIn((request) => {
    const refused = verifySignature(request, { region, accessKey, secretKey });
    if (refused) return refused;
    const params = Object.fromEntries(new URLSearchParams(request.body));
    if (params.Action !== 'Publish')
      return error(400, 'InvalidAction', `The action ${params.Action ?? ''} is not valid for this web service.`);
    if (params.Version !== '2010-03-31') return error(400, 'InvalidParameterValue', 'Invalid Version');
    const problem = checkPublish(params, topicArn);
    if (problem) return problem;
    if (fake.throttle > 0) {
      fake.throttle -= 1;
      return error(400, 'Throttling', 'Rate exceeded');
    }
    const messageId = randomUUID();
    published.push({ params, messageId });
    return xml(
      200,
      `<PublishResponse xmlns="${NS}"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  });
  return Object.assign(fake, {
    url: `${standIn.url}/`,
    region,
    accessKey,
    secretKey,
    topicArn,
    standIn,
    published,
    close: () => standIn.close(),
  });
}

function checkPublish(params: Record<string, string>, topicArn: string): StandInAnswer | undefined {
  const targets = ['TopicArn', 'TargetArn', 'PhoneNumber'].filter((k) => params[k] !== undefined);
  if (targets.length !== 1)
    return error(400, 'InvalidParameter', 'Invalid parameter: TopicArn or TargetArn Reason: exactly one must be given');
  if (params.TopicArn !== undefined && params.TopicArn !== topicArn) return error(404, 'NotFound', 'Topic does not exist');
  if (params.PhoneNumber !== undefined && !/^\+[1-9]\d{6,14}$/.test(params.PhoneNumber))
    return error(400, 'InvalidParameter', 'Invalid parameter: PhoneNumber Reason: +x is not valid to publish to');
  const message = params.Message ?? '';
  if (!message) return error(400, 'InvalidParameter', 'Invalid parameter: Empty message');
  const limit = params.PhoneNumber ? 1600 : 262_144;
  if (Buffer.byteLength(message) > limit) return error(400, 'InvalidParameter', 'Invalid parameter: Message too long');
  const subject = params.Subject;
  if (subject !== undefined && (subject.length === 0 || subject.length > 100 || !/^[\x20-\x7e]+$/.test(subject)))
    return error(400, 'InvalidParameter', 'Invalid parameter: Subject');
  for (let i = 1; params[`MessageAttributes.entry.${i}.Name`] !== undefined; i++) {
    if (i > 10) return error(400, 'InvalidParameter', 'Invalid parameter: MessageAttributes Reason: too many attributes');
    if (
      params[`MessageAttributes.entry.${i}.Value.DataType`] !== 'String' ||
      params[`MessageAttributes.entry.${i}.Value.StringValue`] === undefined
    )
      return error(400, 'ParameterValueInvalid', 'The message attribute has an invalid message attribute type');
  }
  return undefined;
}

/** Signature Version 4 checked as AWS computes it (docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html). */
function verifySignature(
  request: RecordedRequest,
  account: { region: string; accessKey: string; secretKey: string },
): StandInAnswer | undefined {
  const auth = String(request.headers.authorization ?? '');
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  if (!match) return error(403, 'IncompleteSignature', 'Authorization header requires Credential, SignedHeaders and Signature.');
  const [, keyId, day, region, service, signedHeaders, signature] = match as unknown as string[];
  if (keyId !== account.accessKey) return error(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  const at = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (!Number.isFinite(at) || Math.abs(Date.now() - at) > FIFTEEN_MINUTES || amzDate.slice(0, 8) !== day)
    return error(403, 'SignatureDoesNotMatch', 'Signature expired: the request date is more than 15 minutes from now.');
  const names = signedHeaders!.split(';');
  if (!names.includes('host') || !names.includes('x-amz-date'))
    return error(403, 'SignatureDoesNotMatch', 'host and x-amz-date must be signed.');
  const payloadHash = createHash('sha256').update(request.raw).digest('hex');
  const declared = request.headers['x-amz-content-sha256'];
  if (declared !== undefined && declared !== payloadHash)
    return error(400, 'InvalidParameter', 'The provided content hash does not match.');
  const canonicalHeaders = names
    .map(
      (n) =>
        `${n}:${String(request.headers[n] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const [path = '/', query = ''] = request.url.split('?');
  const canonical = ['POST', path, query, canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest();
  const key = hmac(hmac(hmac(hmac(`AWS4${account.secretKey}`, day!), region!), service!), 'aws4_request');
  const expected = createHmac('sha256', key).update(toSign).digest('hex');
  if (request.method !== 'POST' || region !== account.region || service !== 'sns' || expected !== signature)
    return error(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    );
  return undefined;
}

function error(status: number, code: string, message: string): StandInAnswer {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return xml(
    status,
    `<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
}

function xml(status: number, body: string): StandInAnswer {
  return { status, body, headers: { 'content-type': 'text/xml' } };
}
