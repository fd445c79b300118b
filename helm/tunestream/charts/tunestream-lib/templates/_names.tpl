{{/*
Names and labels. A service's objects are named <release>-<service>, so the gateway can name its upstreams from the
release name alone and two releases in one namespace never collide.
*/}}
{{- define "tunestream.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "tunestream.serviceName" -}}
{{- $root := index . 0 -}}
{{- printf "%s-%s" $root.Release.Name (index . 1) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "tunestream.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "tunestream.labels" -}}
{{ include "tunestream.selectorLabels" . }}
app.kubernetes.io/part-of: tunestream
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end -}}

{{- define "tunestream.image" -}}
{{- $image := .Values.global.image -}}
{{- printf "%s/%s:%s" $image.registry .Values.image.repository (default .Chart.AppVersion $image.tag) -}}
{{- end -}}

{{/* The topic of a channel under the one prefix every service reads (tunestream.topic-prefix). */}}
{{- define "tunestream.topic" -}}
{{- $root := index . 0 -}}
{{- printf "%s.%s" $root.Values.global.kafka.topicPrefix (index . 1) -}}
{{- end -}}
