{{/* Chart name, truncated to a DNS label. */}}
{{- define "frappe-admission.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: the release name when it already contains the chart name. */}}
{{- define "frappe-admission.fullname" -}}
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

{{- define "frappe-admission.selectorLabels" -}}
app.kubernetes.io/name: {{ include "frappe-admission.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "frappe-admission.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "frappe-admission.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "frappe-admission.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "frappe-admission.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The webhook Service; its DNS names are the serving certificate's SANs. */}}
{{- define "frappe-admission.serviceName" -}}
{{- include "frappe-admission.fullname" . }}
{{- end }}

{{/* The Secret with tls.crt/tls.key: written by cert-manager or, self-managed, by the process. */}}
{{- define "frappe-admission.tlsSecretName" -}}
{{- default (printf "%s-tls" (include "frappe-admission.fullname" .)) .Values.certificates.secretName }}
{{- end }}

{{- define "frappe-admission.servingCertificateName" -}}
{{- printf "%s-serving" (include "frappe-admission.fullname" .) }}
{{- end }}

{{- define "frappe-admission.leaseName" -}}
{{- default (include "frappe-admission.fullname" .) .Values.leaderElection.name }}
{{- end }}

{{- define "frappe-admission.leaseNamespace" -}}
{{- default .Release.Namespace .Values.leaderElection.namespace }}
{{- end }}

{{- define "frappe-admission.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}
