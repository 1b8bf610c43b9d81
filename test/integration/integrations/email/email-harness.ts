import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createChartRenderer } from '../../../../src/charts/render-chart-png.js';
import type { GraphData } from '../../../../src/charts/graph-data.js';
import type { Action, ActionContext } from '../../../../src/integrations/action.js';
import { actionConfigSchema, createAction, type ActionConfig } from '../../../../src/integrations/registry.js';
import type { EnrichedNotification } from '../../../../src/model/model.js';
import { createSilentLogger } from '../../../../src/observability/logger.js';
import type { MessageRef, MessageRefStore } from '../../../../src/store/ports/message-refs.js';
import { startFakeSmtp, type FakeSmtp } from '../../../support/fake-smtp.js';
import { canMakeCertificates, makeTestCertificate } from '../../../support/test-certificate.js';
import { enrichedGroup } from '../../../support/chat-platforms.js';

// The SMTP tests need a certificate for STARTTLS; under CI a missing openssl fails them, never skips them.
if (!canMakeCertificates && process.env.CI) throw new Error('CI must run the SMTP tests: openssl is needed to make their certificate');
export const haveTls = canMakeCertificates;

/** A directory with a fresh self-signed certificate for 127.0.0.1 (`cert.pem`, `key.pem`): a config's base directory. */
export function certificateDir(): { dir: string; key: Buffer; cert: Buffer; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'alertpipe-smtp-'));
  const { keyFile, certFile } = makeTestCertificate(dir);
  return { dir, key: readFileSync(keyFile), cert: readFileSync(certFile), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export const USER = 'alerts';
export const PASSWORD = 'pässw0rd-of-the-relay';

/**
 * A real SMTP server (STARTTLS with a fresh certificate, AUTH for USER) for the tests of one
 * describe block: started before them, stopped and its certificate removed after.
 */
export function useSmtpServer(): { readonly certs: ReturnType<typeof certificateDir>; readonly smtp: FakeSmtp } {
  const server = {} as { certs: ReturnType<typeof certificateDir>; smtp: FakeSmtp };
  beforeAll(async () => {
    server.certs = certificateDir();
    server.smtp = await startFakeSmtp({ key: server.certs.key, cert: server.certs.cert, users: { [USER]: PASSWORD } });
  });
  afterAll(async () => {
    await server.smtp?.close();
    server.certs?.remove();
  });
  return server;
}

/** The email action of these fields, built as the registry builds it, its relative paths in `baseDir`. */
export function emailAction(baseDir: string, fields: Record<string, unknown>, name = 'mail'): Action {
  const config = actionConfigSchema.parse({ type: 'email', timeout: '3s', ...fields }) as ActionConfig;
  return createAction(name, config, { logger: createSilentLogger(), charts: createChartRenderer(), baseDir });
}

/** Message references as the delivery store keeps them, shared by every action given it (a restart, another replica). */
export function memoryRefs(): MessageRefStore & { readonly refs: Map<string, MessageRef> } {
  const refs = new Map<string, MessageRef>();
  return { refs, getMessageRef: async (id) => refs.get(id), putMessageRef: async (ref) => void refs.set(ref.id, ref) };
}

export function attempt(messageRefs?: MessageRefStore): ActionContext {
  return { logger: createSilentLogger(), signal: new AbortController().signal, attempt: 1, ...(messageRefs ? { messageRefs } : {}) };
}

const graph: GraphData = {
  subject: 'shop/cart-7d9f8b6c5-x2x9z',
  start: 1_795_000_000,
  end: 1_795_003_600,
  panels: [
    {
      title: 'CPU',
      unit: 'cores',
      points: Array.from({ length: 30 }, (_, i) => [1_795_000_000 + i * 120, 0.2 + (i % 7) * 0.04] as [number, number]),
      request: 0.25,
      limit: 0.5,
    },
  ],
};

/** The fixture's group, enriched as the chat tests have it, with the graph enricher's data on its first alert. */
export function groupWithGraph(): EnrichedNotification {
  const group = enrichedGroup();
  return {
    ...group,
    alerts: group.alerts.map((a, i) => (i === 0 ? { ...a, enrichment: { ...a.enrichment, graph: { fields: [], data: { graph } } } } : a)),
  };
}

/** The same group resolved, arriving later (a notification of its own). */
export function resolvedLater(group: EnrichedNotification, id: string, minutes = 20): EnrichedNotification {
  const endsAt = new Date(group.receivedAt.getTime() + minutes * 60_000);
  return {
    ...group,
    id,
    status: 'resolved',
    receivedAt: endsAt,
    alerts: group.alerts.map((a) => ({ ...a, status: 'resolved', endsAt })),
  };
}
