import { MARK, type SecretExamples } from '../../../support/secret-examples.js';

/** This integration's configs for the secret-fields test: every secret field set to a marked value, aimed at \`url\`. */
export const secretExamples: SecretExamples = {
  ntfy: (url) => ({ type: 'ntfy', url: `${url}/${MARK}ntfytopic000000001`, token: `tk_${MARK}ntfytoken0000000000001` }),
  'ntfy basic': (url) => ({ type: 'ntfy', url: `${url}/alerts`, username: 'oncall', password: `${MARK}ntfypassword000001` }),
};
