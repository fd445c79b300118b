{{/*
The non-secret settings of a service, as the environment variables Quarkus maps to its configuration keys
(KAFKA_SECURITY_PROTOCOL -> kafka.security.protocol, which every channel of the service inherits).
*/}}
{{- define "tunestream.configData" -}}
{{- $global := .Values.global -}}
TUNESTREAM_LOG_JSON: {{ $global.logJson | quote }}
{{- if .Values.uses.kafka }}
{{- $kafka := $global.kafka }}
KAFKA_BOOTSTRAP_SERVERS: {{ required "global.kafka.bootstrapServers is required" $kafka.bootstrapServers | quote }}
TUNESTREAM_TOPIC_PREFIX: {{ $kafka.topicPrefix | quote }}
KAFKA_SECURITY_PROTOCOL: {{ $kafka.securityProtocol | quote }}
{{- if hasPrefix "SASL_" $kafka.securityProtocol }}
KAFKA_SASL_MECHANISM: {{ $kafka.sasl.mechanism | quote }}
{{- end }}
{{- if hasSuffix "SSL" $kafka.securityProtocol }}
KAFKA_SSL_TRUSTSTORE_TYPE: "PEM"
KAFKA_SSL_TRUSTSTORE_LOCATION: {{ printf "/etc/tunestream/kafka-tls/%s" $kafka.tls.caKey | quote }}
{{- end }}
{{- end }}
{{- if .Values.uses.objectStore }}
{{- $store := $global.objectStore }}
QUARKUS_MINIO_HOST: {{ required "global.objectStore.host is required" $store.host | quote }}
QUARKUS_MINIO_PORT: {{ $store.port | quote }}
QUARKUS_MINIO_SECURE: {{ $store.secure | quote }}
TUNESTREAM_STORAGE_BUCKET: {{ $store.bucket | quote }}
{{- end }}
{{- with .Values.database }}
QUARKUS_DATASOURCE_JDBC_URL: {{ include "tunestream.jdbcUrl" . | quote }}
QUARKUS_DATASOURCE_USERNAME: {{ .username | quote }}
{{- end }}
{{- range $name, $value := .Values.config }}
{{ $name }}: {{ tpl (toString $value) $ | quote }}
{{- end }}
{{- end -}}

{{- define "tunestream.jdbcUrl" -}}
{{- printf "jdbc:postgresql://%s:%v/%s?sslmode=%s" .host .port .name .sslmode -}}
{{- end -}}

{{/* The settings that come from Secrets: the chart names the Secrets, it never holds or creates a secret value. */}}
{{- define "tunestream.secretEnv" -}}
{{- $global := .Values.global -}}
{{- with $global.internalToken.existingSecret }}
- name: TUNESTREAM_INTERNAL_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $global.internalToken.key }}
{{- end }}
{{- with .Values.database }}
- name: QUARKUS_DATASOURCE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ required "database.existingSecret is required" .existingSecret }}
      key: {{ .passwordKey }}
{{- end }}
{{- if .Values.uses.objectStore }}
{{- $store := $global.objectStore }}
- name: QUARKUS_MINIO_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ required "global.objectStore.existingSecret is required" $store.existingSecret }}
      key: {{ $store.accessKeyKey }}
- name: QUARKUS_MINIO_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $store.existingSecret }}
      key: {{ $store.secretKeyKey }}
{{- end }}
{{- if and .Values.uses.kafka (hasPrefix "SASL_" $global.kafka.securityProtocol) }}
{{- $sasl := $global.kafka.sasl }}
{{- /* One Secret with a user name and a password serves both the services and KEDA's Kafka scaler, which takes no
     JAAS line; the JAAS line is composed here with Kubernetes' $(VAR) expansion of the two variables above it. */}}
- name: TUNESTREAM_KAFKA_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ required "global.kafka.sasl.existingSecret is required with a SASL_ security protocol" $sasl.existingSecret }}
      key: {{ $sasl.usernameKey }}
- name: TUNESTREAM_KAFKA_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $sasl.existingSecret }}
      key: {{ $sasl.passwordKey }}
- name: KAFKA_SASL_JAAS_CONFIG
  value: {{ printf "%s required username=\"$(TUNESTREAM_KAFKA_USERNAME)\" password=\"$(TUNESTREAM_KAFKA_PASSWORD)\";" (include "tunestream.loginModule" $sasl.mechanism) | quote }}
{{- end }}
{{- range .Values.secretEnv }}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret }}
      key: {{ .key }}
      optional: {{ .optional | default false }}
{{- end }}
{{- end -}}

{{- define "tunestream.loginModule" -}}
{{- if eq . "PLAIN" -}}
org.apache.kafka.common.security.plain.PlainLoginModule
{{- else -}}
org.apache.kafka.common.security.scram.ScramLoginModule
{{- end -}}
{{- end -}}

{{- define "tunestream.configmap" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "tunestream.fullname" . }}
  labels:
    {{- include "tunestream.labels" . | nindent 4 }}
data:
  {{- include "tunestream.configData" . | nindent 2 }}
{{- end -}}
