#!/bin/sh
# Registers every connector JSON in $CONNECTORS_DIR with the Connect worker at $CONNECT_URL, once the
# worker answers and has loaded the Syncline plugin. Run by the `register` service of compose.yaml
# (curlimages/curl: POSIX sh and curl only). Already registered connectors are left as they are, so
# `docker compose up` can be run again. Gives up (exit 1) after $REGISTER_TIMEOUT_S seconds.
set -eu

CONNECT_URL="${CONNECT_URL:-http://connect:8083}"
CONNECTORS_DIR="${CONNECTORS_DIR:-/connectors}"
REGISTER_TIMEOUT_S="${REGISTER_TIMEOUT_S:-300}"
deadline=$(( $(date +%s) + REGISTER_TIMEOUT_S ))

wait_until() {
  # $1: what we wait for (for the message); the rest: the command that must succeed.
  what="$1"; shift
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "register: gave up after ${REGISTER_TIMEOUT_S}s waiting for $what" >&2
      exit 1
    fi
    sleep 3
  done
}

plugin_loaded() {
  curl -fsS "$CONNECT_URL/connector-plugins" | grep -q 'io.syncline.connector.sink.SynclineSinkConnector'
}

echo "register: waiting for the Syncline plugin at $CONNECT_URL"
wait_until "the Connect REST API" curl -fsS "$CONNECT_URL/"
wait_until "the Syncline plugin" plugin_loaded

for file in "$CONNECTORS_DIR"/*.json; do
  # The worker refuses requests (409/5xx) while its group rebalances; retry those until the deadline.
  while :; do
    code=$(curl -sS -o /tmp/register-response -w '%{http_code}' -X POST \
      -H 'Content-Type: application/json' --data @"$file" "$CONNECT_URL/connectors" || echo 000)
    case "$code" in
      201) echo "register: $file registered"; break ;;
      409)
        if grep -q 'already exists' /tmp/register-response; then
          echo "register: $file already registered"; break
        fi ;;
      4*) echo "register: $file refused ($code): $(cat /tmp/register-response)" >&2; exit 1 ;;
    esac
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "register: gave up on $file (last answer $code: $(cat /tmp/register-response 2>/dev/null))" >&2
      exit 1
    fi
    sleep 3
  done
done
echo "register: done; watch with curl 'localhost:8083/connectors?expand=status'"
