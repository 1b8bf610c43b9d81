import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { CONSOLE_HEADER, CrossSiteRequestError, crossSiteGuard } from '../../../src/http/cross-site-guard.js';

/** What the guard passes on for a console change with these headers: nothing (allowed) or its error. */
function verdict(headers: Record<string, string>): unknown {
  let passed: unknown = 'not called';
  const req = {
    headers: { 'content-type': 'application/json', [CONSOLE_HEADER]: '1', host: 'alertpipe:8080', ...headers },
  } as unknown as Request;
  crossSiteGuard(req, {} as Response, (error?: unknown) => {
    passed = error;
  });
  return passed;
}

describe('the cross-site guard', () => {
  it('lets a same-origin change through', () => {
    expect(verdict({ origin: 'http://alertpipe:8080' })).toBeUndefined();
    expect(verdict({})).toBeUndefined();
  });

  it('refuses another origin, an opaque one and one that is no URL with a 403, never a 500', () => {
    for (const origin of ['http://evil.example', 'null', 'garbage', '', 'http://', 'file:///etc/passwd']) {
      const error = verdict({ origin });
      expect(error, origin).toBeInstanceOf(CrossSiteRequestError);
      expect((error as CrossSiteRequestError).statusCode).toBe(403);
    }
  });
});
