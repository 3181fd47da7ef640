{{/* Names, labels and the environment every Vigil container gets. */}}

{{- define "vigil.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "vigil.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "vigil.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "vigil.labels" -}}
helm.sh/chart: {{ include "vigil.chart" . }}
app.kubernetes.io/name: {{ include "vigil.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: vigil
{{- end -}}

{{/* Selector labels of one component: (dict "root" $ "component" "ingest") */}}
{{- define "vigil.selectorLabels" -}}
app.kubernetes.io/name: {{ include "vigil.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "vigil.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* A service's image: the release's, or the tag the service pins (a staged upgrade). (dict "root" $ "component" "ingest") */}}
{{- define "vigil.serviceImage" -}}
{{- $svc := index .root.Values.services .component -}}
{{- printf "%s:%s" .root.Values.image.repository (default (default .root.Chart.AppVersion .root.Values.image.tag) $svc.imageTag) -}}
{{- end -}}

{{- define "vigil.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "vigil.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "vigil.secretName" -}}
{{- default (printf "%s-secrets" (include "vigil.fullname" .)) .Values.existingSecret -}}
{{- end -}}

{{/* The in-cluster address of a component's Service. */}}
{{- define "vigil.serviceUrl" -}}
{{- $svc := index .root.Values.services .component -}}
{{- printf "http://%s-%s.%s.svc:%v" (include "vigil.fullname" .root) .component .root.Release.Namespace $svc.port -}}
{{- end -}}

{{- define "vigil.publicIngestUrl" -}}
{{- if .Values.publicUrls.ingest -}}{{ .Values.publicUrls.ingest }}
{{- else if and .Values.ingress.enabled .Values.ingress.ingestHost -}}{{ printf "%s://%s" (ternary "https" "http" (gt (len .Values.ingress.tls) 0)) .Values.ingress.ingestHost }}
{{- else -}}{{ include "vigil.serviceUrl" (dict "root" . "component" "ingest") }}
{{- end -}}
{{- end -}}

{{- define "vigil.publicApiUrl" -}}
{{- if .Values.publicUrls.api -}}{{ .Values.publicUrls.api }}
{{- else if and .Values.ingress.enabled .Values.ingress.apiHost -}}{{ printf "%s://%s" (ternary "https" "http" (gt (len .Values.ingress.tls) 0)) .Values.ingress.apiHost }}
{{- else -}}{{ include "vigil.serviceUrl" (dict "root" . "component" "api") }}
{{- end -}}
{{- end -}}

{{/* Store addresses: the external ones, or the all-in-one's. */}}
{{- define "vigil.kafkaBrokers" -}}
{{- if .Values.allInOne.enabled -}}{{ printf "%s-kafka:9092" (include "vigil.fullname" .) }}{{- else -}}{{ .Values.kafka.brokers }}{{- end -}}
{{- end -}}

{{- define "vigil.clickhouseUrl" -}}
{{- if .Values.allInOne.enabled -}}{{ printf "http://%s-clickhouse:8123" (include "vigil.fullname" .) }}{{- else -}}{{ .Values.clickhouse.url }}{{- end -}}
{{- end -}}

{{/*
The environment of every Vigil container (services, their init containers, the migrate Job): only variables that
libs/config declares; `make helm-test` renders the chart and refuses any other. (dict "root" $ "component" "ingest")
*/}}
{{- define "vigil.env" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
{{- $env := dict
  "VIGIL_LOG_LEVEL" $v.logLevel
  "VIGIL_HOST" "0.0.0.0"
  "VIGIL_KAFKA_BROKERS" (include "vigil.kafkaBrokers" $root)
  "VIGIL_KAFKA_TOPIC_PREFIX" $v.kafka.topicPrefix
  "VIGIL_KAFKA_REPLICATION_FACTOR" (ternary 1 $v.kafka.replicationFactor $v.allInOne.enabled)
  "VIGIL_CLICKHOUSE_URL" (include "vigil.clickhouseUrl" $root)
  "VIGIL_CLICKHOUSE_DATABASE" $v.clickhouse.database
  "VIGIL_CLICKHOUSE_USER" $v.clickhouse.user
  "VIGIL_PUBLIC_INGEST_URL" (include "vigil.publicIngestUrl" $root)
  "VIGIL_PUBLIC_API_URL" (include "vigil.publicApiUrl" $root)
  "VIGIL_PUBLIC_APP_URL" (default (include "vigil.publicApiUrl" $root) $v.publicUrls.app)
  "VIGIL_SHUTDOWN_TIMEOUT_MS" (mul $v.shutdown.timeoutSeconds 1000)
-}}
{{- if eq .component "ingest" -}}
{{- $_ := set $env "VIGIL_TRUSTED_PROXIES" $v.trustedProxies -}}
{{- $_ := set $env "VIGIL_INGEST_SNAPSHOT_PATH" "/tmp/vigil/ingest.catalog" -}}
{{- end -}}
{{- if has .component (list "notifier" "api") -}}
{{- $_ := set $env "VIGIL_NOTIFIER_ALLOWED_CIDRS" $v.notifierAllowedCidrs -}}
{{- $_ := set $env "VIGIL_SMTP_HOST" $v.smtp.host -}}
{{- $_ := set $env "VIGIL_SMTP_PORT" $v.smtp.port -}}
{{- $_ := set $env "VIGIL_SMTP_TLS" $v.smtp.tls -}}
{{- $_ := set $env "VIGIL_SMTP_USER" $v.smtp.user -}}
{{- $_ := set $env "VIGIL_SMTP_FROM" $v.smtp.from -}}
{{- end -}}
{{- if eq .component "api" -}}
{{- /* The dashboard's Status page asks every service's /readyz and /metrics through its Service. */ -}}
{{- $urls := list -}}
{{- range $name := list "ingest" "api" "scheduler" "issues" "notifier" "history" -}}
{{- $s := index $v.services $name | default dict -}}
{{- if $s.enabled -}}
{{- $urls = append $urls (printf "%s=http://%s-%s:%v" $name (include "vigil.fullname" $root) $name $s.port) -}}
{{- if and (eq $name "ingest") $s.metricsPort -}}
{{- $urls = append $urls (printf "ingest-metrics=http://%s-ingest:%v" (include "vigil.fullname" $root) $s.metricsPort) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $_ := set $env "VIGIL_STATUS_URLS" (join "," $urls) -}}
{{- end -}}
{{- $svc := index $v.services .component | default dict -}}
{{- if $svc.port -}}
{{- $_ := set $env (printf "VIGIL_%s_PORT" (upper .component)) $svc.port -}}
{{- end -}}
{{- if $svc.metricsPort -}}
{{- $_ := set $env (printf "VIGIL_%s_METRICS_PORT" (upper .component)) $svc.metricsPort -}}
{{- end -}}
{{- range $name, $value := $v.env }}{{ $_ := set $env $name $value }}{{ end -}}
{{- range $name, $value := ($svc.env | default dict) }}{{ $_ := set $env $name $value }}{{ end -}}
{{- range $name := keys $env | sortAlpha }}
- name: {{ $name }}
  value: {{ index $env $name | toString | quote }}
{{- end }}
- name: VIGIL_POSTGRES_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "vigil.secretName" $root }}
      key: VIGIL_POSTGRES_URL
- name: VIGIL_CLICKHOUSE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "vigil.secretName" $root }}
      key: VIGIL_CLICKHOUSE_PASSWORD
      optional: true
{{- if has .component (list "notifier" "api") }}
- name: VIGIL_SMTP_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "vigil.secretName" $root }}
      key: VIGIL_SMTP_PASSWORD
      optional: true
{{- end }}
{{- end -}}

{{/* A Vigil container's security context, volume mounts (a writable /tmp on a read-only root). */}}
{{- define "vigil.containerSecurity" -}}
securityContext:
  {{- toYaml .Values.securityContext | nindent 2 }}
volumeMounts:
  - name: tmp
    mountPath: /tmp
{{- end -}}

{{/* The init container that waits until `vigil migrate --check` reports every store current. */}}
{{- define "vigil.waitForMigrations" -}}
- name: wait-for-migrations
  image: {{ include "vigil.image" .root }}
  imagePullPolicy: {{ .root.Values.image.pullPolicy }}
  args: ["migrate", "--check", "--wait", {{ .root.Values.migrate.waitSeconds | quote }}]
  env:
    {{- include "vigil.env" (dict "root" .root "component" "migrate") | trim | nindent 4 }}
  resources:
    {{- toYaml .root.Values.migrate.resources | nindent 4 }}
  {{- include "vigil.containerSecurity" .root | nindent 2 }}
{{- end -}}
