{{- define "tunestream.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "tunestream.fullname" . }}
  labels:
    {{- include "tunestream.labels" . | nindent 4 }}
spec:
  type: {{ .Values.service.type }}
  selector:
    {{- include "tunestream.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .Values.port }}
      targetPort: http
      protocol: TCP
{{- end -}}

{{- define "tunestream.serviceAccount" -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "tunestream.fullname" . }}
  labels:
    {{- include "tunestream.labels" . | nindent 4 }}
automountServiceAccountToken: false
{{- end -}}

{{- define "tunestream.pdb" -}}
{{- if .Values.podDisruptionBudget.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "tunestream.fullname" . }}
  labels:
    {{- include "tunestream.labels" . | nindent 4 }}
spec:
  maxUnavailable: {{ .Values.podDisruptionBudget.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "tunestream.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end -}}

{{- define "tunestream.serviceMonitor" -}}
{{- if .Values.global.monitoring.serviceMonitor.enabled }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "tunestream.fullname" . }}
  labels:
    {{- include "tunestream.labels" . | nindent 4 }}
    {{- with .Values.global.monitoring.serviceMonitor.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "tunestream.selectorLabels" . | nindent 6 }}
  endpoints:
    - port: http
      path: /q/metrics
      interval: {{ .Values.global.monitoring.serviceMonitor.interval }}
{{- end }}
{{- end -}}

{{/*
Only the gateway takes traffic from outside the release; a service takes it from the gateway, from the services its
values name (the training-service reads promotion policies from the registry), and from the monitoring namespace.
*/}}
{{- define "tunestream.networkPolicy" -}}
{{- if .Values.global.networkPolicy.enabled }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "tunestream.fullname" . }}
  labels:
    {{- include "tunestream.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "tunestream.selectorLabels" . | nindent 6 }}
  policyTypes:
    - Ingress
  ingress:
    {{- if .Values.networkPolicy.external }}
    - ports:
        - port: http
          protocol: TCP
    {{- else }}
    - from:
        {{- range .Values.networkPolicy.allowFrom }}
        - podSelector:
            matchLabels:
              app.kubernetes.io/name: {{ . }}
              app.kubernetes.io/instance: {{ $.Release.Name }}
        {{- end }}
        - namespaceSelector:
            matchLabels:
              {{- toYaml .Values.global.monitoring.namespaceLabels | nindent 14 }}
      ports:
        - port: http
          protocol: TCP
    {{- end }}
{{- end }}
{{- end -}}
