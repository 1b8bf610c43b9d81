import { MARK, type SecretExamples } from '../../../support/secret-examples.js';

/** This integration's configs for the secret-fields test: every secret field set to a marked value, aimed at \`url\`. */
export const secretExamples: SecretExamples = {
  sns: (url) => ({
    type: 'sns',
    api_url: `${url}/`,
    topic_arn: 'arn:aws:sns:eu-west-1:123456789012:alerts',
    sigv4: { access_key: 'AKIAIOSFODNN7EXAMPLE', secret_key: `${MARK}snssecretkey00000000000000` },
  }),
};
