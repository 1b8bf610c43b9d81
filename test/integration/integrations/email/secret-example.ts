import { MARK, type SecretExamples } from '../../../support/secret-examples.js';

/** This integration's configs for the secret-fields test: every secret field set to a marked value, aimed at \`url\`. */
export const secretExamples: SecretExamples = {
  // TLS from the first byte to the echo server, which answers it with an HTTP 400: a permanent
  // failure (no SMTP there), after which nothing may carry the credentials.
  email: (url) => ({
    type: 'email',
    to: 'oncall@example.com',
    from: 'alertpipe@example.com',
    smarthost: new URL(url).host,
    force_implicit_tls: true,
    auth_username: 'alerts',
    auth_password: `${MARK}smtppassword01`,
  }),
  // CRAM-MD5's shared secret, the other credential Alertmanager takes.
  'email cram-md5': (url) => ({
    type: 'email',
    to: 'oncall@example.com',
    from: 'alertpipe@example.com',
    smarthost: new URL(url).host,
    force_implicit_tls: true,
    auth_username: 'alerts',
    auth_secret: `${MARK}smtpcramsecret01`,
  }),
};
