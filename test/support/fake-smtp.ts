import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { AddressInfo } from 'node:net';

/** One mail the stand-in took: its envelope, the bytes as they came, and the MIME as a mail client reads it. */
export interface ReceivedMail {
  readonly from: string;
  readonly to: readonly string[];
  readonly user: string | undefined;
  /** Whether the session had upgraded to TLS (STARTTLS or implicit) when the mail came. */
  readonly secure: boolean;
  readonly raw: string;
  readonly parsed: ParsedMail;
}

/** A reply the stand-in gives once at a stage, as a real server refuses: `451 4.7.1 Try again later`. */
export interface Refusal {
  readonly stage: 'MAIL' | 'RCPT' | 'DATA';
  readonly code: number;
  readonly text: string;
}

export interface FakeSmtp {
  readonly host: string;
  readonly port: number;
  /** `127.0.0.1:<port>`, an Alertmanager smarthost. */
  readonly smarthost: string;
  readonly received: ReceivedMail[];
  /** What each session did, in order: `STARTTLS`, `AUTH PLAIN alerts`, `AUTH refused alerts`, `MAIL refused 530`, `MAIL 451`… */
  readonly events: string[];
  /** Refuses the next commands of these stages with these replies, one refusal each. */
  refuse(...refusals: Refusal[]): void;
  waitForMails(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

export interface FakeSmtpOptions {
  readonly key: Buffer;
  readonly cert: Buffer;
  /** user → password (or CRAM-MD5 secret); AUTH PLAIN, LOGIN and CRAM-MD5 are offered (after STARTTLS only). */
  readonly users: Readonly<Record<string, string>>;
  /** TLS from the first byte (port 465's way) instead of STARTTLS. */
  readonly implicitTls?: boolean;
  /** Offer no STARTTLS (a server without TLS). */
  readonly noStartTls?: boolean;
  /** SIZE advertised and enforced (552 past it), as Postfix's message_size_limit: 10 MB by default. */
  readonly size?: number;
}

/**
 * A real SMTP server (the `smtp-server` package) on 127.0.0.1, as a strict submission server
 * behaves: STARTTLS offered with a self-signed certificate; AUTH PLAIN, LOGIN and CRAM-MD5 only once the
 * session is encrypted (538 5.7.0 before, smtp-server's answer), wrong credentials refused with 535 5.7.8; MAIL before STARTTLS
 * refused with 530 5.7.0 and MAIL without AUTH with 530 5.7.0 (Postfix's answers); SIZE enforced
 * with 552; replies such as 451/452/550 given on demand. Every mail taken is parsed with mailparser.
 */
export async function startFakeSmtp(options: FakeSmtpOptions): Promise<FakeSmtp> {
  const received: ReceivedMail[] = [];
  const events: string[] = [];
  const refusals: Refusal[] = [];
  const take = (stage: Refusal['stage']): Refusal | undefined => {
    const i = refusals.findIndex((r) => r.stage === stage);
    return i < 0 ? undefined : refusals.splice(i, 1)[0];
  };
  const reply = (code: number, text: string): Error => Object.assign(new Error(text), { responseCode: code });
  const server = new SMTPServer({
    key: options.key,
    cert: options.cert,
    secure: options.implicitTls ?? false,
    // Not offered, and not taken when asked for anyway.
    hideSTARTTLS: options.noStartTls ?? false,
    ...(options.noStartTls ? { disabledCommands: ['STARTTLS'] } : {}),
    authMethods: ['PLAIN', 'LOGIN', 'CRAM-MD5'],
    allowInsecureAuth: false,
    // onMailFrom says what is missing, TLS first and then AUTH, in Postfix's words.
    authOptional: true,
    size: options.size ?? 10 * 1024 * 1024,
    banner: 'alertpipe test ESMTP',
    logger: false,
    onSecure(_socket, _session, callback) {
      events.push(options.implicitTls ? 'TLS' : 'STARTTLS');
      callback();
    },
    onAuth(auth, _session, callback) {
      const expected = auth.username === undefined ? undefined : options.users[auth.username];
      // CRAM-MD5 sends no password, only its HMAC over the server's challenge.
      const valid = expected !== undefined && (auth.method === 'CRAM-MD5' ? auth.validatePassword(expected) : auth.password === expected);
      if (!valid) {
        events.push(`AUTH refused ${auth.username ?? ''}`);
        callback(reply(535, '5.7.8 Authentication credentials invalid'));
        return;
      }
      // PLAIN's authorization identity (RFC 4616), when the client sent one.
      const authzid = (auth as { authzid?: string }).authzid;
      events.push(`AUTH ${auth.method} ${auth.username}${authzid && authzid !== auth.username ? ` for ${authzid}` : ''}`);
      callback(null, { user: auth.username });
    },
    onMailFrom(address, session, callback) {
      if (!session.secure) {
        events.push('MAIL refused 530 (no TLS)');
        callback(reply(530, '5.7.0 Must issue a STARTTLS command first'));
        return;
      }
      if (session.user === undefined) {
        events.push('MAIL refused 530 (no AUTH)');
        callback(reply(530, '5.7.0 Authentication required'));
        return;
      }
      const refusal = take('MAIL');
      events.push(refusal ? `MAIL ${refusal.code}` : `MAIL ${address.address}`);
      callback(refusal ? reply(refusal.code, refusal.text) : null);
    },
    onRcptTo(address, _session, callback) {
      const refusal = take('RCPT');
      events.push(refusal ? `RCPT ${refusal.code}` : `RCPT ${address.address}`);
      callback(refusal ? reply(refusal.code, refusal.text) : null);
    },
    onData(stream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          events.push('DATA refused 552');
          callback(reply(552, '5.3.4 Message size exceeds fixed maximum message size'));
          return;
        }
        const refusal = take('DATA');
        if (refusal) {
          events.push(`DATA ${refusal.code}`);
          callback(reply(refusal.code, refusal.text));
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        // `cid:` links kept as written, to check that each resolves to a related part as a mail client does.
        simpleParser(raw, { keepCidLinks: true })
          .then((parsed) => {
            received.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              user: session.user as string | undefined,
              secure: session.secure,
              raw,
              parsed,
            });
            events.push('DATA 250');
            callback(null);
          })
          .catch((error: unknown) => callback(reply(554, `5.6.0 unreadable message: ${String(error)}`)));
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    smarthost: `127.0.0.1:${port}`,
    received,
    events,
    refuse: (...more) => void refusals.push(...more),
    async waitForMails(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline)
          throw new Error(`${count} mails not received within ${timeoutMs} ms (got ${received.length}); events: ${events.join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return received.slice(0, count);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
