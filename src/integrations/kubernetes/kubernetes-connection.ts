import { accessSync, constants, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

/** How to reach a Kubernetes API server and who to be there. */
export interface KubernetesConnection {
  readonly server: string;
  /** Where the connection came from, for messages: "in-cluster", "kubeconfig ~/.kube/config (context prod)". */
  readonly origin: string;
  /** Read for every request: a projected service account token is rotated while the pod runs. */
  readonly token?: () => string;
  readonly basic?: { readonly username: string; readonly password: string };
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly insecureSkipTlsVerify?: boolean;
}

export class KubernetesConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubernetesConfigError';
  }
}

export interface ConnectionOptions {
  /** An explicit API server URL (a `kubectl proxy`, a test), used with `token` if given. */
  readonly apiUrl?: string;
  readonly token?: string;
  /** A kubeconfig file; otherwise KUBECONFIG, then in-cluster, then ~/.kube/config. */
  readonly kubeconfig?: string;
  readonly context?: string;
}

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * Finds the API server the way kubectl and client libraries do: an explicit URL first; then a
 * kubeconfig named in the config or by KUBECONFIG; then the pod's service account (in-cluster);
 * then ~/.kube/config. Nothing is guessed: when none applies, the error says what was looked for.
 */
export function resolveKubernetesConnection(
  options: ConnectionOptions,
  env: NodeJS.ProcessEnv = process.env,
  serviceAccountDir = SERVICE_ACCOUNT_DIR,
): KubernetesConnection {
  if (options.apiUrl) {
    const token = options.token;
    return { server: options.apiUrl.replace(/\/+$/, ''), origin: 'api_url', ...(token ? { token: () => token } : {}) };
  }
  const named = options.kubeconfig ?? firstPath(env.KUBECONFIG);
  if (named) return fromKubeconfig(named, options.context);
  if (env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT) return inCluster(env, serviceAccountDir);
  const home = path.join(env.HOME ?? homedir(), '.kube', 'config');
  if (readable(home)) return fromKubeconfig(home, options.context);
  throw new KubernetesConfigError(
    'no Kubernetes API found: not in a cluster (KUBERNETES_SERVICE_HOST unset), no kubeconfig (KUBECONFIG unset, no ~/.kube/config), and no api_url in the action',
  );
}

function inCluster(env: NodeJS.ProcessEnv, dir: string): KubernetesConnection {
  const tokenFile = path.join(dir, 'token');
  if (!readable(tokenFile))
    throw new KubernetesConfigError(`in a cluster, but no service account token at ${tokenFile} (automountServiceAccountToken: false?)`);
  const host = env.KUBERNETES_SERVICE_HOST as string;
  // An IPv6 service address needs brackets in a URL.
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${env.KUBERNETES_SERVICE_PORT}`;
  return {
    server,
    origin: 'in-cluster service account',
    token: cachedFile(tokenFile),
    ca: readFileSync(path.join(dir, 'ca.crt')),
  };
}

interface KubeconfigFile {
  'current-context'?: string;
  contexts?: Array<{ name: string; context: { cluster: string; user?: string } }>;
  clusters?: Array<{
    name: string;
    cluster: {
      server: string;
      'certificate-authority'?: string;
      'certificate-authority-data'?: string;
      'insecure-skip-tls-verify'?: boolean;
    };
  }>;
  users?: Array<{
    name: string;
    user: {
      token?: string;
      tokenFile?: string;
      username?: string;
      password?: string;
      'client-certificate'?: string;
      'client-certificate-data'?: string;
      'client-key'?: string;
      'client-key-data'?: string;
      exec?: unknown;
      'auth-provider'?: unknown;
    };
  }>;
}

/** Reads a kubeconfig as kubectl does: the named (or current) context, its cluster and its user. */
export function fromKubeconfig(file: string, contextName?: string): KubernetesConnection {
  let parsed: KubeconfigFile;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8')) as KubeconfigFile;
  } catch (error) {
    throw new KubernetesConfigError(`cannot read kubeconfig ${file}: ${(error as Error).message}`);
  }
  const dir = path.dirname(file);
  const name = contextName ?? parsed['current-context'];
  if (!name) throw new KubernetesConfigError(`kubeconfig ${file} has no current-context; name one with \`context\``);
  const context = parsed.contexts?.find((c) => c.name === name)?.context;
  if (!context) throw new KubernetesConfigError(`kubeconfig ${file} has no context "${name}"`);
  const cluster = parsed.clusters?.find((c) => c.name === context.cluster)?.cluster;
  if (!cluster?.server)
    throw new KubernetesConfigError(`kubeconfig ${file}: context "${name}" names cluster "${context.cluster}", which has no server`);
  const user = parsed.users?.find((u) => u.name === context.user)?.user ?? {};
  if (user.exec || user['auth-provider']) {
    // Cloud logins (aws eks get-token, gke-gcloud-auth-plugin) run a program: use a token instead.
    throw new KubernetesConfigError(
      `kubeconfig ${file}: user "${context.user}" logs in through an exec or auth-provider plugin, which alertpipe does not run; give it a token or a client certificate`,
    );
  }
  const fileOrData = (filePath: string | undefined, data: string | undefined): Buffer | undefined =>
    data ? Buffer.from(data, 'base64') : filePath ? readFileSync(path.resolve(dir, filePath)) : undefined;
  const ca = fileOrData(cluster['certificate-authority'], cluster['certificate-authority-data']);
  const cert = fileOrData(user['client-certificate'], user['client-certificate-data']);
  const key = fileOrData(user['client-key'], user['client-key-data']);
  const token = user.token;
  const tokenFile = user.tokenFile ? path.resolve(dir, user.tokenFile) : undefined;
  return {
    server: cluster.server.replace(/\/+$/, ''),
    origin: `kubeconfig ${file} (context ${name})`,
    ...(token ? { token: () => token } : tokenFile ? { token: cachedFile(tokenFile) } : {}),
    ...(user.username !== undefined && user.password !== undefined ? { basic: { username: user.username, password: user.password } } : {}),
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(cluster['insecure-skip-tls-verify'] ? { insecureSkipTlsVerify: true } : {}),
  };
}

// A token file is re-read at most once a minute: the kubelet refreshes projected tokens well
// before they expire, and reading it per request would be needless I/O.
function cachedFile(file: string): () => string {
  let value = '';
  let readAt = -Infinity;
  return () => {
    if (Date.now() - readAt > 60_000) {
      value = readFileSync(file, 'utf8').trim();
      readAt = Date.now();
    }
    return value;
  };
}

function firstPath(list: string | undefined): string | undefined {
  return list?.split(path.delimiter).find((p) => p.trim() !== '');
}

function readable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
