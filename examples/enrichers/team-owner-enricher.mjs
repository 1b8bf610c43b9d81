// An enricher of your own: who owns the namespace an alert is about, and where to reach them.
// Plain JavaScript, so alertpipe loads it without a build step. Enable it in the config:
//
//   enrichers:
//     - pod-resources
//     - module: ./enrichers/team-owner-enricher.mjs   # relative to the config file
//       options:
//         owners:
//           shop: { team: "Checkout", channel: "#team-checkout" }
//
// The default export is a factory that receives `options`; it may also be an enricher object.

/** @param {{ owners?: Record<string, { team: string, channel?: string }> }} options */
export default function createTeamOwnerEnricher(options) {
  const owners = options.owners ?? {};
  /** @type {import('../../src/enrichers/enricher.js').Enricher} */
  const enricher = {
    name: 'team-owner',
    // Only alerts that name a namespace; the others are not asked about.
    appliesTo: (alert) => Boolean(alert.labels.namespace),
    async enrich(alerts) {
      const results = {};
      for (const alert of alerts) {
        const owner = owners[alert.labels.namespace];
        results[alert.fingerprint] = owner
          ? { fields: [{ label: 'Owner', value: owner.channel ? `${owner.team} (${owner.channel})` : owner.team }], data: owner }
          : { fields: [], notes: [`no owner known for namespace ${alert.labels.namespace}`] };
      }
      return results;
    },
  };
  return enricher;
}
