import type { Transporter } from 'nodemailer';
import { smtpError } from './smtp-error.js';

/**
 * An email action's start-up check: nodemailer's `verify()` connects, greets, takes STARTTLS as the
 * action would and logs in, then quits without a mail. Whatever it finds (the server down, a
 * certificate that does not verify, 535 bad credentials) is a warning in the log, never a refusal
 * to start: `check-config` does not connect, and a file it accepts must start. The mails wait in the
 * queue and the attempts say the same. `scrub` keeps the password out of a server's quoted reply.
 */
export async function checkSmtp(
  transport: Transporter,
  smarthost: string,
  scrub: (text: string) => string,
  signal: AbortSignal,
): Promise<{ warning?: string }> {
  // verify() takes no signal; the check's deadline ends the wait, and the socket times out on its own.
  const aborted = new Promise<never>((_, reject) => {
    const fail = (): void => reject(Object.assign(new Error('no answer within the start-up check'), { code: 'ETIMEDOUT' }));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
  try {
    await Promise.race([transport.verify(), aborted]);
    return {};
  } catch (error) {
    const { message, retryable } = smtpError(error, smarthost);
    const then = retryable ? 'its mails wait in the queue until it answers' : 'its mails will fail until the config or the server changes';
    return { warning: `the mail server could not be used at start: ${scrub(message)}; ${then}` };
  }
}
