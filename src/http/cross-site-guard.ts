import type { RequestHandler } from 'express';
import { HttpError, UnsupportedMediaTypeError } from './http-errors.js';

export class CrossSiteRequestError extends HttpError {
  readonly statusCode = 403;
}

/** The header the console sends with every change; a page on another site cannot send it. */
export const CONSOLE_HEADER = 'x-alertpipe-console';

/**
 * Guards the API's changes (a retry) against cross-site requests: a form on another site can POST
 * with the browser's stored credentials, but only as a form (refused here: JSON only) and without
 * custom headers (one is required: a page elsewhere needs a CORS preflight to add it, which
 * alertpipe never grants). An `Origin` or `Sec-Fetch-Site` that says another site is refused too.
 */
export const crossSiteGuard: RequestHandler = (req, _res, next) => {
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    ?.trim()
    .toLowerCase();
  if (type !== 'application/json') return next(new UnsupportedMediaTypeError('send Content-Type: application/json'));
  if (!req.headers[CONSOLE_HEADER]) return next(new CrossSiteRequestError(`the ${CONSOLE_HEADER} header is required (any value)`));
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return next(new CrossSiteRequestError('cross-site request refused'));
  const origin = req.headers.origin;
  if (origin !== undefined && hostOf(origin) !== req.headers.host) return next(new CrossSiteRequestError('cross-origin request refused'));
  next();
};

/** The host an `Origin` names; `undefined` for `null` (an opaque origin) and for anything that is no URL. */
function hostOf(origin: string): string | undefined {
  if (!URL.canParse(origin)) return undefined;
  const { host } = new URL(origin);
  return host === '' ? undefined : host;
}
