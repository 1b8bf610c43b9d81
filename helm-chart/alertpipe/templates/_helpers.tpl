{{/*
The chart's name, or nameOverride.
*/}}
{{- define "alertpipe.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The full name: fullnameOverride, or the release name with the chart's name unless it already has it.
*/}}
{{- define "alertpipe.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "alertpipe.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "alertpipe.labels" -}}
helm.sh/chart: {{ include "alertpipe.chart" . }}
{{ include "alertpipe.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "alertpipe.selectorLabels" -}}
app.kubernetes.io/name: {{ include "alertpipe.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "alertpipe.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "alertpipe.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The config file's text: the value as it is when a string, as YAML when a map; empty when unset.
*/}}
{{- define "alertpipe.configText" -}}
{{- if kindIs "string" .Values.config }}
{{- .Values.config }}
{{- else if .Values.config }}
{{- toYaml .Values.config }}
{{- end }}
{{- end }}

{{/*
The Secret the container's environment comes from: existingSecret, the chart's own when any
secret value is set, or none.
*/}}
{{- define "alertpipe.createSecret" -}}
{{- if and (not .Values.existingSecret) (or .Values.secrets.slackWebhookUrl .Values.secrets.pagerdutyRoutingKey .Values.secrets.authToken) }}true{{- end }}
{{- end }}

{{- define "alertpipe.secretName" -}}
{{- if .Values.existingSecret }}
{{- .Values.existingSecret }}
{{- else if include "alertpipe.createSecret" . }}
{{- include "alertpipe.fullname" . }}
{{- end }}
{{- end }}

{{/*
Namespaces that get a scaler Role and RoleBinding.
*/}}
{{- define "alertpipe.scaleNamespaces" -}}
{{- $namespaces := .Values.rbac.scaleNamespaces | default (list .Release.Namespace) }}
{{- toJson (uniq $namespaces) }}
{{- end }}
