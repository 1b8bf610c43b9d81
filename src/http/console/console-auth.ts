import type { RequestHandler } from 'express';
import { createAuthMiddleware, type InboundAuth } from '../auth-middleware.js';
import { UnauthorizedError } from '../http-errors.js';

/** The user name a browser signs in with when only a bearer token is configured (the token is the password). */
export const TOKEN_USER = 'alertpipe';

/**
 * The history API's and the console's credentials: those of ingest, and, when only a bearer token
 * is configured, the same token as the password of HTTP Basic user `alertpipe`. A browser cannot
 * send a bearer token to a page it opens; it asks for a user and password when challenged with
 * Basic, and sends them again with each of the page's own requests. The challenge names Basic
 * alone: Chromium reads only the first scheme of a combined header and offers no sign-in for Bearer.
 */
export function createConsoleAuth(auth: InboundAuth | undefined): RequestHandler {
  if (!auth?.bearer_token && !auth?.basic) return createAuthMiddleware(auth);
  const check = createAuthMiddleware(
    auth.basic ? auth : { ...auth, basic: { username: TOKEN_USER, password: auth.bearer_token as string } },
  );
  return (req, res, next) =>
    check(req, res, (error?: unknown) => {
      if (error instanceof UnauthorizedError)
        return next(new UnauthorizedError(error.message, [], { 'WWW-Authenticate': 'Basic realm="alertpipe", charset="UTF-8"' }));
      next(error);
    });
}
