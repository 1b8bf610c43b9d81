import { MARK, type SecretExamples } from '../../../support/secret-examples.js';

/** This integration's configs for the secret-fields test: every secret field set to a marked value, aimed at \`url\`. */
export const secretExamples: SecretExamples = {
  jira: (url) => ({
    type: 'jira',
    api_url: `${url}/rest/api/3`,
    project: 'OPS',
    issue_type: 'Bug',
    username: 'oncall@example.com',
    password: `${MARK}jiraapitoken0001`,
  }),
  'jira bearer': (url) => ({
    type: 'jira',
    api_url: `${url}/rest/api/2`,
    project: 'OPS',
    issue_type: 'Bug',
    bearer_token: `${MARK}jirapersonalaccesstoken`,
  }),
};
