import { MARK, type SecretExamples } from '../../../support/secret-examples.js';

/** This integration's configs for the secret-fields test: every secret field set to a marked value, aimed at \`url\`. */
export const secretExamples: SecretExamples = {
  exec: () => ({
    type: 'exec',
    cmd: process.execPath,
    args: ['-e', 'console.log("token is", process.env.API_TOKEN); process.exit(3)'],
    env: { API_TOKEN: `${MARK}execenv00000001` },
    notify_on_failure: false,
  }),
};
