/**
 * What an Opsgenie Webhook integration posts when an alert changes: `{action, alert, source,
 * integrationName, integrationId, integrationType}`, `alert.username` the user who acted. It
 * carries no signature; the shared secret goes in a custom header or the URL.
 */
export function opsgenieDelivery(action: string, alias: string, username = 'alice@example.com'): string {
  return JSON.stringify({
    action,
    alert: {
      alertId: '8418d193-2dab-4490-b331-8c02cdd196b7-1503382424409',
      message: 'KubePodCrashLooping',
      tags: ['alertpipe'],
      tinyId: '1791',
      entity: '',
      alias,
      createdAt: 1503382424409,
      updatedAt: 1503382492133000000,
      username,
      userId: '4d5b0bb4-1a4f-4e9a-96a2-2bdc2c3f0a0f',
      recipient: 'ops_team',
      team: 'ops_team',
      source: 'alertpipe',
    },
    source: { name: '', type: 'web' },
    integrationName: 'Webhook',
    integrationId: '4e5b7c39-b5fb-4b4e-8c9e-1e3e2ed6a7f4',
    integrationType: 'Webhook',
  });
}
