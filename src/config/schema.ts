import { z } from 'zod';
import { secret } from '../lib/secret.js';
import { actionConfigSchema } from '../integrations/registry.js';
import { builtinEnricherEntrySchemas } from '../enrichers/builtin-enrichers.js';
import { MatcherSyntaxError, parseMatchers, type Matcher } from '../model/matchers.js';
import { LISTEN_FORMAT_MESSAGE, LISTEN_PORT_MESSAGE, LISTEN_SHAPE, portOutOfRange } from './listen-address.js';
import { durationSchema, sizeSchema } from '../lib/units.js';
import { peopleSchema, schedulesSchema } from '../oncall/schedules-schema.js';

/**
 * The config file, as zod validates it. `config.schema.json` (for editor completion) is generated
 * from this schema by `npm run schema`; a test keeps the two in step.
 */

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });

const clientAuthSchema = z
  .object({
    bearer_token: secret(z.string().min(1)).optional(),
    basic: z
      .object({ username: z.string().min(1), password: secret(z.string().min(1)) })
      .strict()
      .optional(),
  })
  .strict();

const serverSchema = z
  .object({
    /** `host:port` or `:port` (every interface). */
    listen: z
      .string()
      .regex(LISTEN_SHAPE, LISTEN_FORMAT_MESSAGE)
      .refine((text) => !portOutOfRange(text), LISTEN_PORT_MESSAGE)
      .default(':8080'),
    tls: z
      .object({ cert_file: z.string().min(1), key_file: z.string().min(1) })
      .strict()
      .optional(),
    /** Credentials senders must present; Alertmanager's `http_config` sends either kind. */
    auth: clientAuthSchema.optional(),
    body_limit: sizeSchema.default(5 * 1024 * 1024),
    request_timeout: durationSchema.default(30_000),
    /** Take notifications on every path and method, as prometheus-am-executor did; on for its config. */
    any_path: z.boolean().default(false),
    /** alertpipe's address as people reach it, for links in messages (the `graph` enricher's). */
    external_url: httpUrl.optional(),
  })
  .strict();

const prometheusSchema = z
  .object({
    url: httpUrl.optional(),
    timeout: durationSchema.default(2_000),
    auth: clientAuthSchema.optional(),
    headers: z.record(z.string(), secret(z.string())).optional(),
    /** How long identical PromQL queries are answered from memory. */
    cache_ttl: durationSchema.default(10_000),
    /** The largest answer read from Prometheus; a larger one fails the query with a note. */
    max_response_size: sizeSchema.default(10 * 1024 * 1024),
  })
  .strict();

/** The Alertmanager the `related-alerts` enricher reads silenced and inhibited alerts from. */
const alertmanagerSchema = z
  .object({
    url: httpUrl.optional(),
    timeout: durationSchema.default(2_000),
    max_response_size: sizeSchema.default(10 * 1024 * 1024),
  })
  .strict();

const enricherOptions = z.record(z.string(), z.unknown()).default({});

/**
 * A built-in by name, a built-in with options (typed per built-in, so editors complete them; an
 * entry they refuse falls to the untyped one and check-references reports its options), or a
 * module of your own; `timeout` defaults to 3s.
 */
const enricherEntrySchema = z.union([
  z.string().min(1),
  ...builtinEnricherEntrySchemas(durationSchema),
  // Options no schema has read: what check-references validates (once: the typed entries above hold
  // options already parsed, which parsing again would misread, durations above all).
  z
    .object({ name: z.string().min(1), timeout: durationSchema.optional(), options: enricherOptions })
    .strict()
    .transform((entry) => ({ ...entry, unchecked: true as const })),
  z.object({ module: z.string().min(1), timeout: durationSchema.optional(), options: enricherOptions }).strict(),
]);

const matchersSchema = z
  .union([z.string(), z.array(z.string())])
  .default([])
  .transform((value, ctx): Matcher[] => {
    const list = typeof value === 'string' ? [value] : value;
    const matchers: Matcher[] = [];
    list.forEach((text, index) => {
      try {
        matchers.push(...parseMatchers(text));
      } catch (error) {
        if (!(error instanceof MatcherSyntaxError)) throw error;
        ctx.addIssue({ code: 'custom', message: error.message, path: typeof value === 'string' ? [] : [index] });
      }
    });
    return matchers;
  });

const routeSchema = z
  .object({
    matchers: matchersSchema,
    status: z.enum(['firing', 'resolved']).optional(),
    actions: z.array(z.string().min(1)).default([]),
    /** An escalation policy (under `escalations:`) whose chain each episode of a matched group walks. */
    escalation: z.string().min(1).optional(),
    continue: z.boolean().default(false),
  })
  .strict()
  .refine((route) => route.actions.length > 0 || route.escalation !== undefined, {
    message: 'a route names at least one action, or an escalation',
    path: ['actions'],
  });

/** Whom a step notifies: whoever holds a schedule at that moment, or people by name. */
const notifySchema = z.union([
  z.object({ schedule: z.string().min(1) }).strict(),
  z.object({ people: z.array(z.string().min(1)).min(1) }).strict(),
]);

const escalationStepSchema = z
  .object({
    /** Since the previous step (for the first, since the episode began); at once when absent. */
    after: durationSchema.default(0),
    actions: z.array(z.string().min(1)).min(1, 'a step runs at least one action'),
    notify: notifySchema.optional(),
  })
  .strict();

/** A named chain of steps that each episode of a group walks until acknowledged or resolved. */
const escalationSchema = z
  .object({
    /** Runs the chain again this many times while nobody acknowledges. */
    repeat: z.number().int().min(0).max(100).default(0),
    steps: z.array(escalationStepSchema).min(1, 'a policy has at least one step'),
  })
  .strict();

/** The shared queue of several replicas (`delivery.queue: postgres`). */
const postgresSchema = z
  .object({
    /** `postgres://user:password@host:5432/db`; `DATABASE_URL` fills it in. */
    url: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// URL')
      .optional(),
    /** TLS to the server; without it, what the URL's `sslmode` says. */
    tls: z
      .object({
        ca_file: z.string().min(1).optional(),
        cert_file: z.string().min(1).optional(),
        key_file: z.string().min(1).optional(),
        insecure_skip_verify: z.boolean().default(false),
      })
      .strict()
      .optional(),
    /** Connections per replica. */
    pool_size: z.number().int().positive().max(100).default(10),
    /**
     * How long claimed work stays with a replica that stopped renewing it (killed, cut off):
     * then another replica takes it over. Renewed every third of it while the replica lives.
     */
    lease: durationSchema.default(30_000),
  })
  .strict();

const deliverySchema = z
  .object({
    /** `sqlite` survives a restart (under `data_dir`); `memory` does not; `postgres` is shared by replicas. */
    queue: z.enum(['sqlite', 'memory', 'postgres']).default('sqlite'),
    postgres: postgresSchema.optional(),
    data_dir: z.string().min(1).default('./data'),
    /** `full` also survives a power loss, at an fsync per write; `normal` survives any process crash. */
    sqlite_sync: z.enum(['normal', 'full']).default('normal'),
    /** Runs the SQLite queue on a thread of its own, so that its statements and commits never hold the event loop that answers. */
    sqlite_thread: z.boolean().default(false),
    /** Notifications accepted and not yet finished; past it, ingest answers 503 so the sender retries. */
    max_pending: z.number().int().positive().default(10_000),
    /** Notifications routed and enriched at once (32 times this with enrichers that enrich a round together); four times as many action attempts run at once. */
    concurrency: z.number().int().positive().max(64).default(4),
    /** How long a failing delivery is retried before it is dead-lettered. */
    max_age: durationSchema.default(3_600_000),
    initial_backoff: durationSchema.default(1_000),
    max_backoff: durationSchema.default(300_000),
    /**
     * An alert acted on with the same status and startsAt (and endsAt once resolved) within this
     * window is not acted on again: Alertmanager retries, HA pairs and Prometheus resends. Keep it
     * below Alertmanager's repeat_interval so reminders still go out. 0 turns it off.
     */
    dedup_window: durationSchema.default(600_000),
    /** Finished notifications kept for the history API. */
    history_limit: z.number().int().positive().default(1_000),
    /** On SIGTERM, how long running work may take to finish; what is left stays queued. */
    shutdown_grace: durationSchema.default(10_000),
    /**
     * How long work may be due (a job running, or one whose time has come) with no job finishing
     * before alertpipe logs an error, fails readiness and sets alertpipe_watchdog_stalled. Keep it
     * above your longest action timeout. 0 turns it off.
     */
    watchdog: durationSchema.default(300_000),
  })
  .strict()
  .refine((delivery) => delivery.queue !== 'postgres' || delivery.postgres?.url !== undefined, {
    message: 'delivery.queue postgres needs delivery.postgres.url (or DATABASE_URL)',
    path: ['postgres', 'url'],
  });

const ACTION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export const configSchema = z
  .object({
    $schema: z.string().optional(),
    server: serverSchema.default(() => serverSchema.parse({})),
    prometheus: prometheusSchema.default(() => prometheusSchema.parse({})),
    alertmanager: alertmanagerSchema.default(() => alertmanagerSchema.parse({})),
    enrichers: z.array(enricherEntrySchema).optional(),
    routes: z.array(routeSchema).optional(),
    actions: z.record(z.string().regex(ACTION_NAME, 'action names are letters, digits, _, . and -'), actionConfigSchema).default({}),
    escalations: z.record(z.string().regex(ACTION_NAME, 'policy names are letters, digits, _, . and -'), escalationSchema).optional(),
    delivery: deliverySchema.default(() => deliverySchema.parse({})),
    /** On-call schedules: rotations or iCalendars (docs/oncall.md). */
    schedules: schedulesSchema.optional(),
    /** Who is who, and how each platform reaches them. */
    people: peopleSchema.optional(),
  })
  .strict();

/** The validated config, durations in milliseconds and sizes in bytes. */
export type Config = z.output<typeof configSchema>;
export type RouteConfig = z.output<typeof routeSchema>;
export type EscalationConfig = z.output<typeof escalationSchema>;
export type EnricherEntry = z.output<typeof enricherEntrySchema>;
export type ClientAuth = z.output<typeof clientAuthSchema>;
