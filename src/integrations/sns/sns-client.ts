import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { VERSION } from '../../lib/version.js';
import { ACTION_RESPONSE_LIMIT, outboundRequest } from '../../outbound/outbound-request.js';
import { ActionError, isRetryableStatus } from '../action-error.js';
import { toActionError } from '../http-post.js';

export interface SnsCredentials {
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

// Codes SNS answers for a request that is fine but came too soon or met a passing fault; SNS
// sends them with 400 or 5xx, and with no Retry-After: the SDKs back off from about a second.
const RETRYABLE_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'KMSThrottling',
  'RequestLimitExceeded',
  'InternalError',
  'InternalFailure',
  'ServiceUnavailable',
]);
const THROTTLED_WAIT_MS = 1_000;

/**
 * Calls the SNS Query API (`POST /` with a form, `Version=2010-03-31`) signed with AWS Signature
 * Version 4 by the AWS SDK's own signer (`@smithy/signature-v4`). The whole SDK client is not
 * needed for one action, and the signer lets the request go through the shared outbound layer
 * (its deadline, abort and answer cap). SNS answers XML: `<PublishResponse>` with the message id,
 * or `<ErrorResponse>` with a code; a throttled or failing service is retried, the rest is not.
 */
export function createSnsClient(apiUrl: string, credentials: SnsCredentials) {
  const url = new URL(apiUrl);
  const signer = new SignatureV4({
    service: 'sns',
    region: credentials.region,
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
    sha256: Sha256,
  });
  return {
    async call(params: URLSearchParams, options: { readonly timeoutMs: number; readonly signal: AbortSignal }): Promise<string> {
      const body = params.toString();
      const signed = await signer.sign({
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: url.pathname,
        query: {},
        headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body,
      });
      let response;
      try {
        response = await outboundRequest({
          url: url.toString(),
          method: 'POST',
          body,
          headers: { ...(signed.headers as Record<string, string>), 'user-agent': `alertpipe/${VERSION}` },
          destination: 'SNS',
          timeoutMs: options.timeoutMs,
          maxResponseBytes: ACTION_RESPONSE_LIMIT,
          signal: options.signal,
        });
      } catch (error) {
        throw toActionError('SNS', error);
      }
      if (response.status >= 200 && response.status < 300) {
        const id = xmlText(response.body, 'MessageId');
        if (id !== undefined) return id;
        throw new ActionError(`SNS answered ${response.status} without a MessageId`, { retryable: true, status: response.status });
      }
      const code = xmlText(response.body, 'Code');
      const message = xmlText(response.body, 'Message');
      const retryable = code !== undefined ? RETRYABLE_CODES.has(code) || response.status >= 500 : isRetryableStatus(response.status);
      const reason = code ? `${code}${message ? `: ${message}` : ''}` : response.body.slice(0, 200);
      throw new ActionError(`SNS answered ${response.status}${reason ? ` ${reason}` : ''}`, {
        retryable,
        status: response.status,
        ...(retryable && code && RETRYABLE_CODES.has(code) ? { retryAfterMs: THROTTLED_WAIT_MS } : {}),
      });
    },
  };
}

/** The text of the first `<name>` element: SNS's answers are small and flat, no parser needed. */
function xmlText(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  if (!match) return undefined;
  return (match[1] ?? '').replace(
    /&(lt|gt|quot|apos|amp);/g,
    (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e] ?? '',
  );
}
