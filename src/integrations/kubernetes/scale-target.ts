import type { EnrichedAlert } from '../../model/model.js';
import type { ScaleTarget, WorkloadKind } from './kubernetes-scale-client.js';
import { renderLabelTemplate } from '../label-template.js';

export interface TargetTemplates {
  readonly kind: WorkloadKind;
  /** Fixed (`shop`) or from labels (`{{ namespace }}`). */
  readonly namespace: string;
  readonly name: string;
  /** When set, targets outside these namespaces are refused. */
  readonly allowedNamespaces?: readonly string[];
}

// Kubernetes names: a namespace is a DNS label, a Deployment or StatefulSet a DNS subdomain.
// Checking them keeps a label value such as `../../secrets` from ever reaching a URL path.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** The workload an alert asks to scale, or why there is none. */
export function scaleTargetOf(alert: EnrichedAlert, templates: TargetTemplates): { target: ScaleTarget } | { problem: string } {
  const alertname = alert.labels.alertname ?? alert.fingerprint;
  const namespace = renderLabelTemplate(templates.namespace, alert.labels);
  if ('missing' in namespace) return { problem: `${alertname}: no "${namespace.missing}" label for the namespace` };
  const name = renderLabelTemplate(templates.name, alert.labels);
  if ('missing' in name) return { problem: `${alertname}: no "${name.missing}" label for the ${templates.kind} name` };
  if (!DNS_LABEL.test(namespace.value)) return { problem: `${alertname}: "${namespace.value}" is not a namespace name` };
  if (!DNS_SUBDOMAIN.test(name.value)) return { problem: `${alertname}: "${name.value}" is not a ${templates.kind} name` };
  if (templates.allowedNamespaces && !templates.allowedNamespaces.includes(namespace.value)) {
    return { problem: `${alertname}: namespace "${namespace.value}" is not in allowed_namespaces` };
  }
  return { target: { kind: templates.kind, namespace: namespace.value, name: name.value } };
}

export function targetKey(target: ScaleTarget): string {
  return `${target.kind}/${target.namespace}/${target.name}`;
}
