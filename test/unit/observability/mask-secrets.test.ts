import { describe, expect, it } from 'vitest';
import { createSecretMasker, maskDeep } from '../../../src/observability/mask-secrets.js';
import { isSecretName } from '../../../src/observability/secret-names.js';

const mask = createSecretMasker(['configured-token-1234']);
// Built from parts so that no scanner mistakes the test for a leak; all are documented examples or made up.
const AWS_KEY_ID = ['AKIA', 'IOSFODNN7EXAMPLE'].join('');
const SLACK_TOKEN = ['xoxb', '123456789012', '1234567890123', 'abcdefghijABCDEFGHIJ1234'].join('-');
const GITHUB_TOKEN = `ghp_${'a1B2'.repeat(9)}`;
const PEM = ['-----BEGIN RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEA7', 'abc/def+ghi==', '-----END RSA PRIVATE KEY-----'].join('\n');

describe('secret masking', () => {
  it('masks credentials recognisable by their shape wherever they appear in a value', () => {
    expect(mask(`key ${AWS_KEY_ID} leaked`)).toBe('key *** leaked');
    expect(mask(`token=${SLACK_TOKEN}`)).toBe('token=***');
    expect(mask(`see ${SLACK_TOKEN} here`)).toBe('see *** here');
    expect(mask(`push with ${GITHUB_TOKEN}`)).toBe('push with ***');
    expect(mask(`key:\n${PEM}\nend`)).toBe('key:\n-----BEGIN RSA PRIVATE KEY-----***-----END RSA PRIVATE KEY-----\nend');
    expect(mask('https://deploy:s3cr3t@git.example.com/repo')).toBe('https://deploy:***@git.example.com/repo');
    expect(mask('uses configured-token-1234 to call')).toBe('uses *** to call');
  });

  it('masks a private key cut off before its end line', () => {
    expect(mask('-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkq')).toBe('-----BEGIN PRIVATE KEY-----***-----END PRIVATE KEY-----');
  });

  it('leaves ordinary label values alone', () => {
    for (const text of [
      'cart-7d9f8b6c5-x2x9z',
      'KubePodCrashLooping',
      'AKIA is a prefix',
      'https://grafana.example.com/d/abc?var-pod=x',
      'xoxb',
    ]) {
      expect(mask(text)).toBe(text);
    }
  });

  it('masks values under names that say they are credentials, and only those', () => {
    const labels = {
      password: 'hunter2',
      db_password: 'pw',
      api_key: 'k-123',
      apiKey: 'k',
      GITHUB_TOKEN: 't',
      aws_secret_access_key: 'wJalr',
      secret_name: 'db-creds',
      token_file: '/var/run/token',
      pod: 'cart-1',
      severity: 'critical',
    };
    expect(maskDeep({ labels }, mask)).toEqual({
      labels: {
        password: '***',
        db_password: '***',
        api_key: '***',
        apiKey: '***',
        GITHUB_TOKEN: '***',
        aws_secret_access_key: '***',
        secret_name: 'db-creds',
        token_file: '/var/run/token',
        pod: 'cart-1',
        severity: 'critical',
      },
    });
  });

  it.each([
    ['password', true],
    ['Password', true],
    ['client_secret', true],
    ['privateKey', true],
    ['x-api-key', true],
    ['secret', true],
    ['secret_name', false],
    ['tokens_remaining', false],
    ['namespace', false],
  ])('reads %s as a credential name: %s', (name, expected) => {
    expect(isSecretName(name)).toBe(expected);
  });
});
