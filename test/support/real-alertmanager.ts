import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './child-service.js';
import { startManagedProcess, type ManagedProcess } from './managed-process.js';

export interface RealAlertmanager extends ManagedProcess {
  readonly url: string;
}

/** Gossip with the other members of an HA cluster, over loopback. */
export interface ClusterOptions {
  /** This member's gossip port. */
  readonly port: number;
  /** The other members' gossip ports. */
  readonly peers: readonly number[];
}

/**
 * Debian's Alertmanager (`prometheus-alertmanager`) on a free loopback port, with the given config
 * YAML; with gossip turned off (an empty cluster address; otherwise it binds 9094), or as a member
 * of an HA cluster when `cluster` is given.
 */
export async function startAlertmanager(
  configYaml: string,
  binary = 'prometheus-alertmanager',
  cluster?: ClusterOptions,
): Promise<RealAlertmanager> {
  const port = await freePort();
  const clusterArgs = cluster
    ? [
        `--cluster.listen-address=127.0.0.1:${cluster.port}`,
        `--cluster.advertise-address=127.0.0.1:${cluster.port}`,
        ...cluster.peers.map((peer) => `--cluster.peer=127.0.0.1:${peer}`),
        // A member waits this long per position before sending what another may already have sent.
        '--cluster.peer-timeout=2s',
      ]
    : ['--cluster.listen-address='];
  const url = `http://127.0.0.1:${port}`;
  const managed = await startManagedProcess({
    binary,
    prepare: (dir) => writeFileSync(path.join(dir, 'alertmanager.yml'), configYaml),
    args: (dir) => [
      `--config.file=${path.join(dir, 'alertmanager.yml')}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      ...clusterArgs,
      `--web.external-url=${url}`,
    ],
    readyUrl: `${url}/-/ready`,
  });
  return { ...managed, url };
}

/** An Alertmanager config that sends every alert to one webhook quickly, with bearer auth. */
export function webhookAlertmanagerConfig(webhookUrl: string, options: { bearer?: string; groupBy?: string[] } = {}): string {
  return [
    'route:',
    '  receiver: alertpipe',
    `  group_by: [${(options.groupBy ?? ['alertname']).map((l) => JSON.stringify(l)).join(', ')}]`,
    '  group_wait: 1s',
    '  group_interval: 2s',
    '  repeat_interval: 1h',
    'receivers:',
    '  - name: alertpipe',
    '    webhook_configs:',
    `      - url: ${JSON.stringify(webhookUrl)}`,
    '        send_resolved: true',
    ...(options.bearer
      ? ['        http_config:', '          authorization:', `            credentials: ${JSON.stringify(options.bearer)}`]
      : []),
    '',
  ].join('\n');
}
