{{- define "tunestream.deployment" -}}
{{- $global := .Values.global -}}
{{- $kafkaTls := and .Values.uses.kafka (hasSuffix "SSL" $global.kafka.securityProtocol) -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "tunestream.fullname" . }}
  labels:
    {{- include "tunestream.labels" . | nindent 4 }}
spec:
  {{- if eq .Values.scaling.mode "replicas" }}
  replicas: {{ .Values.scaling.replicas }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "tunestream.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "tunestream.labels" . | nindent 8 }}
      annotations:
        checksum/config: {{ include "tunestream.configData" . | sha256sum }}
        {{- with .Values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "tunestream.fullname" . }}
      automountServiceAccountToken: false
      {{- with $global.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        runAsNonRoot: true
        runAsUser: {{ $global.securityContext.runAsUser }}
        runAsGroup: {{ $global.securityContext.runAsGroup }}
        fsGroup: {{ $global.securityContext.runAsGroup }}
        seccompProfile:
          type: RuntimeDefault
      terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}
      {{- if .Values.topologySpread.enabled }}
      topologySpreadConstraints:
        {{- range .Values.topologySpread.topologyKeys }}
        - maxSkew: {{ $.Values.topologySpread.maxSkew }}
          topologyKey: {{ . }}
          whenUnsatisfiable: {{ $.Values.topologySpread.whenUnsatisfiable }}
          labelSelector:
            matchLabels:
              {{- include "tunestream.selectorLabels" $ | nindent 14 }}
        {{- end }}
      {{- end }}
      {{- with .Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .Chart.Name }}
          image: {{ include "tunestream.image" . }}
          imagePullPolicy: {{ $global.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ .Values.port }}
              protocol: TCP
          envFrom:
            - configMapRef:
                name: {{ include "tunestream.fullname" . }}
          env:
            {{- include "tunestream.secretEnv" . | trim | nindent 12 }}
          {{- with .Values.startupProbe }}
          startupProbe:
            httpGet:
              path: /q/health/started
              port: http
            {{- toYaml . | nindent 12 }}
          {{- end }}
          livenessProbe:
            httpGet:
              path: /q/health/live
              port: http
            {{- toYaml .Values.livenessProbe | nindent 12 }}
          readinessProbe:
            httpGet:
              path: /q/health/ready
              port: http
            {{- toYaml .Values.readinessProbe | nindent 12 }}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: ["ALL"]
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            - name: cache
              mountPath: /var/cache/tunestream
            {{- if $kafkaTls }}
            - name: kafka-tls
              mountPath: /etc/tunestream/kafka-tls
              readOnly: true
            {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: {{ .Values.volumes.tmpSize }}
        {{- /* The DJL native libraries (DJL_CACHE_DIR) and the model files: rebuilt on a new pod, so an emptyDir. */}}
        - name: cache
          emptyDir:
            sizeLimit: {{ .Values.volumes.cacheSize }}
        {{- if $kafkaTls }}
        - name: kafka-tls
          secret:
            secretName: {{ required "global.kafka.tls.existingSecret is required with an SSL security protocol" $global.kafka.tls.existingSecret }}
            items:
              - key: {{ $global.kafka.tls.caKey }}
                path: {{ $global.kafka.tls.caKey }}
        {{- end }}
{{- end -}}
