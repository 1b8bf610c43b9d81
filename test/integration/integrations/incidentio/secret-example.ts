import { MARK, type SecretExamples } from '../../../support/secret-examples.js';

/** This integration's configs for the secret-fields test: every secret field set to a marked value, aimed at \`url\`. */
export const secretExamples: SecretExamples = {
  incidentio: (url) => ({
    type: 'incidentio',
    url: `${url}/v2/alert_events/alertmanager/${MARK}source`,
    alert_source_token: `${MARK}token0000`,
  }),
};
