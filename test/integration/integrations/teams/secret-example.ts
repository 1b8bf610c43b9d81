import { MARK, type SecretExamples } from '../../../support/secret-examples.js';

/** This integration's configs for the secret-fields test: every secret field set to a marked value, aimed at \`url\`. */
export const secretExamples: SecretExamples = {
  teams: (url) => ({
    type: 'teams',
    webhook_url: `${url}/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=${MARK}teamsteamsteams1`,
  }),
};
