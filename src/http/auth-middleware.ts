import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { UnauthorizedError } from './http-errors.js';

export interface InboundAuth {
  readonly bearer_token?: string | undefined;
  readonly basic?: { readonly username: string; readonly password: string } | undefined;
}

/**
 * Checks the credentials Alertmanager's `http_config` sends (`authorization` with a bearer token,
 * or `basic_auth`). Either configured kind is accepted. Comparison is in constant time over
 * digests, so neither the content nor the length of a secret leaks through timing.
 */
export function createAuthMiddleware(auth: InboundAuth | undefined): RequestHandler {
  const token = auth?.bearer_token;
  const basic = auth?.basic;
  if (!token && !basic) return (_req, _res, next) => next();
  const expectedBearer = token ? digest(token) : undefined;
  const expectedBasic = basic ? digest(`${basic.username}:${basic.password}`) : undefined;
  const challenge = [token ? 'Bearer realm="alertpipe"' : '', basic ? 'Basic realm="alertpipe"' : ''].filter(Boolean).join(', ');

  return (req, _res, next) => {
    const header = req.headers.authorization ?? '';
    const space = header.indexOf(' ');
    const scheme = header.slice(0, space).toLowerCase();
    const credentials = header.slice(space + 1).trim();
    let ok = false;
    if (scheme === 'bearer' && expectedBearer) ok = timingSafeEqual(digest(credentials), expectedBearer);
    if (scheme === 'basic' && expectedBasic)
      ok = timingSafeEqual(digest(Buffer.from(credentials, 'base64').toString('utf8')), expectedBasic);
    if (ok) return next();
    next(
      new UnauthorizedError(header ? 'the credentials sent are not valid' : 'credentials required (Authorization header)', [], {
        'WWW-Authenticate': challenge,
      }),
    );
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
