{{/*
Scaling, one signal per service (scaling.mode): "cpu" (HorizontalPodAutoscaler), "kafka-lag" (KEDA's Kafka scaler
on the consumer group's lag), "queued-jobs" (KEDA's PostgreSQL scaler on a query), or "replicas" (a fixed count).
*/}}
{{- define "tunestream.scaling" -}}
{{- $scaling := .Values.scaling -}}
{{- if eq $scaling.mode "cpu" }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "tunestream.fullname" . }}
  labels:
    {{- include "tunestream.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "tunestream.fullname" . }}
  minReplicas: {{ $scaling.minReplicas }}
  maxReplicas: {{ $scaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $scaling.cpu.averageUtilization }}
{{- else if or (eq $scaling.mode "kafka-lag") (eq $scaling.mode "queued-jobs") }}
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: {{ include "tunestream.fullname" . }}
  labels:
    {{- include "tunestream.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    name: {{ include "tunestream.fullname" . }}
  minReplicaCount: {{ $scaling.minReplicas }}
  maxReplicaCount: {{ $scaling.maxReplicas }}
  pollingInterval: {{ $scaling.keda.pollingInterval }}
  cooldownPeriod: {{ $scaling.keda.cooldownPeriod }}
  triggers:
    {{- if eq $scaling.mode "kafka-lag" }}
    {{- include "tunestream.kafkaTrigger" . | nindent 4 }}
    {{- else }}
    {{- include "tunestream.queuedJobsTrigger" . | nindent 4 }}
    {{- end }}
{{- if or (eq $scaling.mode "queued-jobs") (ne .Values.global.kafka.securityProtocol "PLAINTEXT") }}
---
apiVersion: keda.sh/v1alpha1
kind: TriggerAuthentication
metadata:
  name: {{ include "tunestream.fullname" . }}
  labels:
    {{- include "tunestream.labels" . | nindent 4 }}
spec:
  secretTargetRef:
    {{- if eq $scaling.mode "kafka-lag" }}
    {{- $kafka := .Values.global.kafka }}
    {{- if hasPrefix "SASL_" $kafka.securityProtocol }}
    - parameter: username
      name: {{ $kafka.sasl.existingSecret }}
      key: {{ $kafka.sasl.usernameKey }}
    - parameter: password
      name: {{ $kafka.sasl.existingSecret }}
      key: {{ $kafka.sasl.passwordKey }}
    {{- end }}
    {{- if hasSuffix "SSL" $kafka.securityProtocol }}
    - parameter: ca
      name: {{ $kafka.tls.existingSecret }}
      key: {{ $kafka.tls.caKey }}
    {{- end }}
    {{- else }}
    - parameter: password
      name: {{ .Values.database.existingSecret }}
      key: {{ .Values.database.passwordKey }}
    {{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
The Kafka scaler follows the consumer group the service really uses on the topic it really reads. KEDA never runs
more consumers than the topic has partitions (an extra one would idle), so maxReplicas above the partition count is
refused rather than silently capped.
*/}}
{{- define "tunestream.kafkaTrigger" -}}
{{- $kafka := .Values.global.kafka -}}
{{- $lag := .Values.scaling.kafka -}}
{{- $partitions := index $kafka.topics $lag.channel "partitions" -}}
{{- if gt (int .Values.scaling.maxReplicas) (int $partitions) -}}
{{- fail (printf "%s: scaling.maxReplicas %v is above the %v partitions of %s (global.kafka.topics.%s.partitions): the extra replicas would idle" .Chart.Name .Values.scaling.maxReplicas $partitions (include "tunestream.topic" (list . $lag.channel)) $lag.channel) -}}
{{- end -}}
- type: kafka
  metadata:
    bootstrapServers: {{ $kafka.bootstrapServers | quote }}
    consumerGroup: {{ $lag.consumerGroup | quote }}
    topic: {{ include "tunestream.topic" (list . $lag.channel) | quote }}
    lagThreshold: {{ $lag.lagThreshold | quote }}
    activationLagThreshold: {{ $lag.activationLagThreshold | quote }}
    offsetResetPolicy: earliest
    allowIdleConsumers: "false"
    {{- if hasPrefix "SASL_" $kafka.securityProtocol }}
    sasl: {{ get (dict "PLAIN" "plaintext" "SCRAM-SHA-256" "scram_sha256" "SCRAM-SHA-512" "scram_sha512") $kafka.sasl.mechanism | quote }}
    {{- end }}
    {{- if hasSuffix "SSL" $kafka.securityProtocol }}
    tls: enable
    {{- end }}
  {{- if ne $kafka.securityProtocol "PLAINTEXT" }}
  authenticationRef:
    name: {{ include "tunestream.fullname" . }}
  {{- end }}
{{- end -}}

{{- define "tunestream.queuedJobsTrigger" -}}
{{- $db := .Values.database -}}
- type: postgresql
  metadata:
    host: {{ $db.host | quote }}
    port: {{ $db.port | quote }}
    dbName: {{ $db.name | quote }}
    userName: {{ $db.username | quote }}
    sslmode: {{ $db.sslmode | quote }}
    query: {{ .Values.scaling.queuedJobs.query | quote }}
    targetQueryValue: {{ .Values.scaling.queuedJobs.targetQueryValue | quote }}
    activationTargetQueryValue: "0"
  authenticationRef:
    name: {{ include "tunestream.fullname" . }}
{{- end -}}

{{/* Everything a service chart renders. */}}
{{- define "tunestream.all" -}}
{{ include "tunestream.serviceAccount" . }}
---
{{ include "tunestream.configmap" . }}
---
{{ include "tunestream.deployment" . }}
---
{{ include "tunestream.service" . }}
{{- with include "tunestream.pdb" . }}
---
{{ . }}
{{- end }}
{{- with include "tunestream.scaling" . }}
---
{{ . }}
{{- end }}
{{- with include "tunestream.networkPolicy" . }}
---
{{ . }}
{{- end }}
{{- with include "tunestream.serviceMonitor" . }}
---
{{ . }}
{{- end }}
{{- end -}}
