#!/usr/bin/env bash
# A real single-node Apache Kafka broker (KRaft mode) for development and tests, without Docker and
# without a download from apache.org: the broker's jars come from Maven Central through Maven.
#
# Usage: bash scripts/kafka.sh [start|stop|status|fetch]   (default: start)
#
#   fetch   copy the broker jars into the cache (skipped when they are already there)
#   start   fetch if needed, then start the broker on 127.0.0.1:9092 and wait until it is ready;
#           does nothing when something already listens on 9092
#   stop    stop the broker this script started (by its pid file)
#   status  exit 0 when 127.0.0.1:9092 accepts connections, 1 otherwise
#
# Environment:
#   KAFKA_VERSION        Kafka version to fetch and run (default below)
#   KAFKA_HOME_CACHE     where the jars are kept (default ~/.cache/alphintra/kafka-<version>);
#                        outside the clone so that a fresh clone or CI run does not fetch twice
#   KAFKA_STATE_DIR      config, data, log and pid file of the running broker (default <repo>/.kafka)
#   KAFKA_START_TIMEOUT  seconds to wait for the broker to be ready (default 60)
#   KAFKA_JAVA           java executable (default: java on PATH)
#   KAFKA_PORT           client port (default 9092) and KAFKA_CONTROLLER_PORT (default 9093): a second broker
#                        beside the shared one, with its own KAFKA_STATE_DIR (the fault tests stop and start one)
#   KAFKA_SASL_USERNAME  with KAFKA_SASL_PASSWORD: the client listener is SASL_PLAINTEXT instead of PLAINTEXT, and
#                        accepts that one user with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 (the SCRAM credentials
#                        are written when the storage is formatted, so use a fresh KAFKA_STATE_DIR). Letters, digits,
#                        '-' and '_' only. For tests of managed-cluster settings; never beside real data.
#   KAFKA_SSL_KEYSTORE   with KAFKA_SSL_TRUSTSTORE: the client listener speaks TLS (SSL, or SASL_SSL with SASL).
#                        The keystore is one PEM file with the broker's unencrypted PKCS#8 private key and its
#                        certificate chain (the certificate must name 127.0.0.1); the truststore is the PEM of the
#                        CA that signed it (the broker talks to itself through that listener too).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/.." && pwd)"
readonly SCRIPT_DIR REPO_ROOT

readonly KAFKA_VERSION="${KAFKA_VERSION:-3.9.2}"
readonly CACHE_DIR="${KAFKA_HOME_CACHE:-${HOME}/.cache/alphintra/kafka-${KAFKA_VERSION}}"
readonly LIB_DIR="${CACHE_DIR}/lib"
# Written last by `fetch`: a lib dir without it is an interrupted fetch and is fetched again.
readonly FETCH_MARKER="${LIB_DIR}/.complete"

readonly STATE_DIR="${KAFKA_STATE_DIR:-${REPO_ROOT}/.kafka}"
readonly CONFIG_FILE="${STATE_DIR}/server.properties"
readonly LOG_FILE="${STATE_DIR}/server.log"
readonly PID_FILE="${STATE_DIR}/kafka.pid"
readonly DATA_DIR="${STATE_DIR}/data"

readonly HOST=127.0.0.1
readonly PORT="${KAFKA_PORT:-9092}"
readonly CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
readonly START_TIMEOUT="${KAFKA_START_TIMEOUT:-60}"
readonly JAVA="${KAFKA_JAVA:-java}"
readonly STARTED_LINE='Kafka Server started'
readonly SASL_USERNAME="${KAFKA_SASL_USERNAME:-}"
readonly SASL_PASSWORD="${KAFKA_SASL_PASSWORD:-}"
readonly SSL_KEYSTORE="${KAFKA_SSL_KEYSTORE:-}"
readonly SSL_TRUSTSTORE="${KAFKA_SSL_TRUSTSTORE:-}"

log() { printf '[kafka] %s\n' "$*"; }
die() {
  printf '[kafka] error: %s\n' "$*" >&2
  exit 1
}

require() {
  local cmd
  for cmd in "$@"; do
    command -v "${cmd}" >/dev/null 2>&1 || die "'${cmd}' is required but was not found on PATH"
  done
}

# True when HOST:PORT accepts a TCP connection. nc is not installed everywhere, so fall back to
# bash's /dev/tcp (under `timeout`, because a filtered port would otherwise hang the connect).
port_open() {
  if command -v nc >/dev/null 2>&1; then
    nc -z -w 2 "${HOST}" "${PORT}" >/dev/null 2>&1
  else
    timeout 2 bash -c "exec 3<>/dev/tcp/${HOST}/${PORT}" >/dev/null 2>&1
  fi
}

# The pid in the pid file, if that process is still alive.
running_pid() {
  local pid
  [[ -f "${PID_FILE}" ]] || return 1
  pid="$(<"${PID_FILE}")"
  [[ "${pid}" =~ ^[0-9]+$ ]] && kill -0 "${pid}" 2>/dev/null || return 1
  printf '%s\n' "${pid}"
}

fetched() { [[ -f "${FETCH_MARKER}" ]]; }

cmd_fetch() {
  if fetched; then
    log "Kafka ${KAFKA_VERSION} jars already in ${LIB_DIR}"
    return 0
  fi
  require mvn
  log "fetching Kafka ${KAFKA_VERSION} broker jars from Maven Central into ${LIB_DIR}"
  local started=${SECONDS}
  # Copy into a temporary dir and rename it at the end, so an interrupted fetch leaves no
  # half-filled lib dir behind.
  local tmp_dir="${CACHE_DIR}/lib.tmp.$$"
  mkdir -p "${CACHE_DIR}"
  rm -rf "${tmp_dir}"
  # Maven's output is only shown when it fails (even with -q it prints stray colour codes).
  local output
  if ! output="$(mvn -B -q -f "${SCRIPT_DIR}/kafka/pom.xml" -Dkafka.version="${KAFKA_VERSION}" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="${tmp_dir}" 2>&1)"; then
    printf '%s\n' "${output}" >&2
    rm -rf "${tmp_dir}"
    die "Maven could not fetch the Kafka ${KAFKA_VERSION} jars"
  fi
  [[ -f "${tmp_dir}/kafka_2.13-${KAFKA_VERSION}.jar" ]] || die "Maven did not bring kafka_2.13-${KAFKA_VERSION}.jar"
  touch "${tmp_dir}/.complete"
  rm -rf "${LIB_DIR}"
  mv "${tmp_dir}" "${LIB_DIR}"
  log "fetched $(find "${LIB_DIR}" -name '*.jar' | wc -l) jars in $((SECONDS - started)) s"
}

# Runs a command-line tool from the broker's classpath in the foreground (the storage tool).
run_tool() {
  "${JAVA}" -Dlog4j.configuration="file:${SCRIPT_DIR}/kafka/tools-log4j.properties" -cp "${LIB_DIR}/*" "$@"
}

write_config() {
  mkdir -p "${DATA_DIR}"
  # '|' as the sed delimiter: the path contains '/'. A path containing '|' or '&' is not supported.
  sed -e "s|@LOG_DIRS@|${DATA_DIR}|" -e "s|:9092|:${PORT}|g" -e "s|:9093|:${CONTROLLER_PORT}|g" \
    "${SCRIPT_DIR}/kafka/server.properties" >"${CONFIG_FILE}"
  local protocol=PLAINTEXT
  if ssl_enabled; then
    protocol=SSL
    if sasl_enabled; then protocol=SASL_SSL; fi
  elif sasl_enabled; then
    protocol=SASL_PLAINTEXT
  fi
  [[ "${protocol}" != PLAINTEXT ]] || return 0
  local listener
  listener="$(tr '[:upper:]' '[:lower:]' <<<"${protocol}")"
  # Later keys win in a .properties file: these replace the PLAINTEXT client listener. The controller listener
  # stays internal and plaintext.
  cat >>"${CONFIG_FILE}" <<EOF

# The client listener (KAFKA_SASL_USERNAME, KAFKA_SSL_KEYSTORE): ${protocol}.
listeners=${protocol}://${HOST}:${PORT},CONTROLLER://${HOST}:${CONTROLLER_PORT}
advertised.listeners=${protocol}://${HOST}:${PORT}
inter.broker.listener.name=${protocol}
listener.security.protocol.map=CONTROLLER:PLAINTEXT,${protocol}:${protocol}
EOF
  if sasl_enabled; then
    cat >>"${CONFIG_FILE}" <<EOF
# Clients authenticate with PLAIN or SCRAM.
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=PLAIN
listener.name.${listener}.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="${SASL_USERNAME}" password="${SASL_PASSWORD}" user_${SASL_USERNAME}="${SASL_PASSWORD}";
listener.name.${listener}.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.${listener}.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
EOF
  fi
  if ssl_enabled; then
    cat >>"${CONFIG_FILE}" <<EOF
# TLS from PEM files: the broker's key and certificate chain, and the CA it trusts when it connects to itself.
ssl.keystore.type=PEM
ssl.keystore.location=${SSL_KEYSTORE}
ssl.truststore.type=PEM
ssl.truststore.location=${SSL_TRUSTSTORE}
ssl.client.auth=none
EOF
  fi
}

# True when the client listener is to speak TLS (KAFKA_SSL_KEYSTORE and KAFKA_SSL_TRUSTSTORE).
ssl_enabled() {
  [[ -n "${SSL_KEYSTORE}" || -n "${SSL_TRUSTSTORE}" ]] || return 1
  [[ -f "${SSL_KEYSTORE}" && -f "${SSL_TRUSTSTORE}" ]] ||
    die "KAFKA_SSL_KEYSTORE and KAFKA_SSL_TRUSTSTORE must both name PEM files"
}

# True when the broker is to authenticate its clients (KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD).
sasl_enabled() {
  [[ -n "${SASL_USERNAME}" ]] || return 1
  [[ "${SASL_USERNAME}" =~ ^[A-Za-z0-9_-]+$ && "${SASL_PASSWORD}" =~ ^[A-Za-z0-9_-]+$ ]] ||
    die "KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD must both be set, with letters, digits, '-' and '_' only"
}

format_storage() {
  local cluster_id meta="${DATA_DIR}/meta.properties"
  # A data dir formatted by an earlier start keeps its cluster id (and so its topics and offsets):
  # formatting it again with another id fails, even with -g.
  if [[ -f "${meta}" ]] && cluster_id="$(sed -n 's/^cluster\.id=//p' "${meta}")" && [[ -n "${cluster_id}" ]]; then
    :
  else
    cluster_id="$(run_tool kafka.tools.StorageTool random-uuid)"
  fi
  # A cluster id is 16 random bytes in URL-safe base64 (22 characters).
  [[ "${cluster_id}" =~ ^[A-Za-z0-9_-]{22}$ ]] || die "unexpected cluster id '${cluster_id}'"
  local scram=()
  if sasl_enabled; then
    scram=(--add-scram "SCRAM-SHA-256=[name=${SASL_USERNAME},password=${SASL_PASSWORD}]"
      --add-scram "SCRAM-SHA-512=[name=${SASL_USERNAME},password=${SASL_PASSWORD}]")
  fi
  # -g: skip the directories that are already formatted.
  run_tool kafka.tools.StorageTool format -t "${cluster_id}" -c "${CONFIG_FILE}" -g "${scram[@]}" >/dev/null ||
    die "formatting ${DATA_DIR} failed; delete ${STATE_DIR} to start from an empty broker"
}

print_log_tail() {
  if [[ -f "${LOG_FILE}" ]]; then
    printf '[kafka] last lines of %s:\n' "${LOG_FILE}" >&2
    tail -n 40 "${LOG_FILE}" >&2
  fi
}

# Waits until the broker with the given pid accepts connections and has logged that it started.
wait_until_ready() {
  local pid="$1" deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "${pid}" 2>/dev/null; then
      print_log_tail
      rm -f "${PID_FILE}"
      die "the broker (pid ${pid}) exited during startup"
    fi
    # The port opens a moment before the broker can serve metadata; the log line comes after both.
    if port_open && grep -q "${STARTED_LINE}" "${LOG_FILE}" 2>/dev/null; then
      return 0
    fi
    sleep 0.5
  done
  print_log_tail
  # Do not leave a half-started broker holding 512 MB and the ports behind.
  cmd_stop >&2
  die "the broker (pid ${pid}) was not ready after ${START_TIMEOUT} s"
}

cmd_start() {
  if port_open; then
    log "something already accepts connections on ${HOST}:${PORT}; using it"
    return 0
  fi
  require "${JAVA}" timeout setsid
  cmd_fetch

  local pid started=${SECONDS}
  # A broker of ours that is still starting (port not open yet): wait for it instead of a second one.
  if pid="$(running_pid)"; then
    log "broker (pid ${pid}) is starting; waiting for it"
    wait_until_ready "${pid}"
    log "Kafka ${KAFKA_VERSION} ready on ${HOST}:${PORT} (pid ${pid})"
    return 0
  fi
  rm -f "${PID_FILE}"

  mkdir -p "${STATE_DIR}"
  write_config
  format_storage

  # setsid: the broker gets its own session, so it outlives this script and the shell (or CI step)
  # that ran it until `stop`. The inner shell writes its own pid before exec'ing java, so the pid
  # file names the java process itself. It is written whole (a rename), so a read never finds it empty
  # or half written.
  # shellcheck disable=SC2016 # expanded by the inner shell
  setsid bash -c 'echo $$ >"$1.new" && mv "$1.new" "$1"; shift; exec "$@"' _ "${PID_FILE}" \
    "${JAVA}" -Xms256m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j.configuration="file:${SCRIPT_DIR}/kafka/log4j.properties" \
    -cp "${LIB_DIR}/*" kafka.Kafka "${CONFIG_FILE}" \
    </dev/null >"${LOG_FILE}" 2>&1 &

  # The pid file appears as soon as the inner shell runs: on a busy machine that can take seconds.
  local waited=0
  local written
  until pid="$(running_pid)"; do
    written=""
    [[ -f "${PID_FILE}" ]] && written="$(<"${PID_FILE}")"
    if { [[ "${written}" =~ ^[0-9]+$ ]] && ! kill -0 "${written}" 2>/dev/null; } || ((waited++ >= 300)); then
      # A pid file naming a dead process: java exited at once (bad option, missing class...).
      print_log_tail
      rm -f "${PID_FILE}"
      die "the broker did not start"
    fi
    sleep 0.1
  done
  log "broker starting (pid ${pid}), log: ${LOG_FILE}"
  wait_until_ready "${pid}"
  log "Kafka ${KAFKA_VERSION} ready on ${HOST}:${PORT} (pid ${pid}) after $((SECONDS - started)) s"
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "${PID_FILE}"
    if port_open; then
      log "${HOST}:${PORT} is served by a broker this script did not start; leaving it alone"
    else
      log "not running"
    fi
    return 0
  fi
  log "stopping broker (pid ${pid})"
  kill -TERM "${pid}"
  # A controlled shutdown takes a few seconds; after 30 s stop waiting politely.
  local deadline=$((SECONDS + 30))
  while kill -0 "${pid}" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      log "still running after 30 s; killing it"
      kill -KILL "${pid}" 2>/dev/null || true
      break
    fi
    sleep 0.5
  done
  rm -f "${PID_FILE}"
  log "stopped"
}

cmd_status() {
  local pid
  if port_open; then
    if pid="$(running_pid)"; then
      log "running on ${HOST}:${PORT} (pid ${pid})"
    else
      log "${HOST}:${PORT} accepts connections (not started by this script)"
    fi
    return 0
  fi
  log "not running"
  return 1
}

main() {
  local command="${1:-start}"
  case "${command}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  fetch) cmd_fetch ;;
  -h | --help | help) sed -n '2,27p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' ;;
  *) die "unknown command '${command}' (expected start, stop, status or fetch)" ;;
  esac
}

main "$@"
