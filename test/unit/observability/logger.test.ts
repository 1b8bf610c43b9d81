import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/lib/config-error.js';
import { createLogger, parseLogFormat, type LoggerOptions } from '../../../src/observability/logger.js';

// Built from parts so that no scanner mistakes the test for a leak; made up.
const SLACK_TOKEN = ['xoxb', '123456789012', '1234567890123', 'abcdefghijABCDEFGHIJ1234'].join('-');
const CONFIGURED = 'https://hooks.example.com/services/T000/B000/configured-secret';

function capture(options: LoggerOptions): { logger: ReturnType<typeof createLogger>; lines: () => string[] } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  const logger = createLogger({ ...options, stream, secrets: [CONFIGURED] });
  return { logger, lines: () => chunks.join('').split('\n').filter(Boolean) };
}

const stdoutTTY = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
afterEach(() => {
  if (stdoutTTY) Object.defineProperty(process.stdout, 'isTTY', stdoutTTY);
  else delete (process.stdout as { isTTY?: boolean }).isTTY;
});

describe('logger formats', () => {
  it('human format writes one readable line: time, level, message, then key=value', async () => {
    const { logger, lines } = capture({ format: 'human' });
    logger.child({ notification: 'n-1' }).info('notification accepted', { alerts: 2, receiver: 'team a' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines()).toHaveLength(1);
    expect(lines()[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} info {2}notification accepted /);
    expect(lines()[0]).toContain('alerts=2');
    expect(lines()[0]).toContain('receiver=team a');
    expect(lines()[0]).toContain('notification=n-1');
    expect(() => JSON.parse(lines()[0]!) as unknown).toThrow();
  });

  it('human format masks configured secrets and credential-shaped values, in the message and in the metadata', async () => {
    const { logger, lines } = capture({ format: 'human' });
    logger.warn(`posting to ${CONFIGURED} failed`, {
      url: CONFIGURED,
      error: `invalid_auth for ${SLACK_TOKEN}`,
      nested: { token: SLACK_TOKEN },
    });
    await new Promise((resolve) => setImmediate(resolve));
    const [line] = lines();
    expect(line).toContain('posting to *** failed');
    expect(line).not.toContain('configured-secret');
    expect(line).not.toContain(SLACK_TOKEN);
    expect(line).toContain('url=***');
  });

  it('json format writes one object a line, masked the same way', async () => {
    const { logger, lines } = capture({ format: 'json' });
    logger.error('send failed', { url: CONFIGURED, token: SLACK_TOKEN });
    await new Promise((resolve) => setImmediate(resolve));
    const record = JSON.parse(lines()[0]!) as Record<string, unknown>;
    expect(record).toMatchObject({ level: 'error', message: 'send failed', url: '***' });
    expect(lines()[0]).not.toContain(SLACK_TOKEN);
  });

  it('with no format chosen, a terminal gets the human format and anything else JSON', async () => {
    Object.defineProperty(process.stdout, 'isTTY', { value: true, configurable: true });
    const onTerminal = capture({});
    onTerminal.logger.info('started');
    Object.defineProperty(process.stdout, 'isTTY', { value: false, configurable: true });
    const piped = capture({});
    piped.logger.info('started');
    await new Promise((resolve) => setImmediate(resolve));
    expect(onTerminal.lines()[0]).toMatch(/ info {2}started$/);
    expect(JSON.parse(piped.lines()[0]!)).toMatchObject({ message: 'started' });
  });
});

describe('LOG_FORMAT', () => {
  it('reads json and human (and pretty, its first name), and leaves the choice to the terminal when unset', () => {
    expect(parseLogFormat('json')).toBe('json');
    expect(parseLogFormat('HUMAN')).toBe('human');
    expect(parseLogFormat('pretty')).toBe('human');
    expect(parseLogFormat(undefined)).toBeUndefined();
    expect(parseLogFormat('')).toBeUndefined();
  });

  it('refuses anything else with the variable named', () => {
    expect(() => parseLogFormat('xml')).toThrow(ConfigError);
    expect(() => parseLogFormat('xml')).toThrow(/LOG_FORMAT: must be json or human/);
  });
});

describe('levels below the configured one', () => {
  it('reads nothing of what an info or debug line would say when the level is warn, and still writes warn', async () => {
    const { logger, lines } = capture({ format: 'json', level: 'warn' });
    const read: string[] = [];
    const meta = {
      get attempt() {
        read.push('attempt');
        return 1;
      },
    };
    logger.child({ notification: 'n-1' }).info('action succeeded', meta);
    logger.debug('enrichment round sent', meta);
    logger.warn('action failed; will retry', { attempt: 2 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(read).toEqual([]);
    expect(lines().map((line) => (JSON.parse(line) as { message: string }).message)).toEqual(['action failed; will retry']);
  });
});
