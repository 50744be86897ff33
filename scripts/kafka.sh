#!/usr/bin/env bash
# A local Apache Kafka broker for development and tests: one node in KRaft mode (broker and controller in
# one JVM), its jars resolved from Maven Central by Maven (scripts/kafka/pom.xml), run with plain java.
#
#   scripts/kafka.sh prepare   resolve the jars into $MLCYCLE_KAFKA_HOME/lib (start does it when missing)
#   scripts/kafka.sh start     format the data dir once, start the broker, return once it serves
#   scripts/kafka.sh stop      stop it cleanly (SIGTERM, then SIGKILL after 60 s)
#   scripts/kafka.sh status    exit 0 and print the pid if it runs, exit 3 if not
#   scripts/kafka.sh consume TOPIC [ARGS]   print a topic's records as they come (Kafka's console consumer;
#                              ARGS go to it, e.g. --from-beginning, --property print.key=true)
#
# Environment (all optional):
#   MLCYCLE_KAFKA_PORT             client port (9092); listens on MLCYCLE_KAFKA_HOST (127.0.0.1)
#   MLCYCLE_KAFKA_CONTROLLER_PORT  KRaft controller port (client port + 1)
#   MLCYCLE_KAFKA_DATA             data dir: config, pid file, logs, partitions
#                                  ($MLCYCLE_HOME/kafka when MLCYCLE_HOME is set, else $MLCYCLE_KAFKA_HOME/data)
#   MLCYCLE_KAFKA_HOME             where the jars go (<clone>/.kafka); lib/ inside it is the classpath
#   MLCYCLE_KAFKA_HEAP             broker heap cap (512m)
#   JAVA_HOME                      Java 17 or newer (else java on PATH)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pom="$root/scripts/kafka/pom.xml"
kafka_home="${MLCYCLE_KAFKA_HOME:-$root/.kafka}"
lib="$kafka_home/lib"
host="${MLCYCLE_KAFKA_HOST:-127.0.0.1}"
port="${MLCYCLE_KAFKA_PORT:-9092}"
controller_port="${MLCYCLE_KAFKA_CONTROLLER_PORT:-$((port + 1))}"
if [ -n "${MLCYCLE_KAFKA_DATA:-}" ]; then
  data="$MLCYCLE_KAFKA_DATA"
elif [ -n "${MLCYCLE_HOME:-}" ]; then
  data="$MLCYCLE_HOME/kafka"
else
  data="$kafka_home/data"
fi
# Absolute, so the pid check (which looks for the config path in the broker's command line) holds from any folder.
data="$(realpath -m "$data")"
lib="$(realpath -m "$lib")"
heap="${MLCYCLE_KAFKA_HEAP:-512m}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
pid_file="$data/kafka.pid"
# A fixed cluster id (22 characters of URL-safe base64, 16 bytes): the data dir is formatted once with it.
cluster_id="bWxjeWNsZS1rYWZrYS0xMQ"

say() { printf 'kafka | %s\n' "$*"; }
fail() {
  printf 'kafka | %s\n' "$*" >&2
  exit 1
}

# The jars, resolved again when the pom changed since the last time.
prepare() {
  command -v "$java" >/dev/null 2>&1 || fail "no java found (set JAVA_HOME or put Java 17+ on PATH)"
  local want have=""
  want="$(sha256sum "$pom" | cut -d' ' -f1)"
  [ -f "$lib/.pom.sha256" ] && have="$(cat "$lib/.pom.sha256")"
  [ "$want" = "$have" ] && return 0
  command -v mvn >/dev/null 2>&1 || fail "no mvn found: Maven resolves the broker's jars from Maven Central"
  say "resolving the broker's jars with Maven into $lib"
  rm -rf "$lib"
  mkdir -p "$kafka_home"
  mvn -q -B -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$lib" >"$kafka_home/mvn.log" 2>&1 ||
    fail "mvn dependency:copy-dependencies failed (Maven Central must be reachable once): $(tail -n 30 "$kafka_home/mvn.log")"
  echo "$want" >"$lib/.pom.sha256"
}

# The pid in the pid file, if that process is still our broker (a pid can be reused after a crash).
running_pid() {
  [ -f "$pid_file" ] || return 1
  local pid
  pid="$(cat "$pid_file")"
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$data/server.properties" || return 1
  echo "$pid"
}

write_config() {
  mkdir -p "$data/logs"
  cat >"$data/server.properties" <<EOF
# Written by scripts/kafka.sh at each start; edit the script, not this file.
node.id=1
process.roles=broker,controller
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://$host:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://$host:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$data/log
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# One node: a consumer group has nobody to wait for before its first assignment.
group.initial.rebalance.delay.ms=0
EOF
  cat >"$data/log4j2.properties" <<EOF
status = warn
appender.file.type = RollingFile
appender.file.name = file
appender.file.fileName = $data/logs/server.log
appender.file.filePattern = $data/logs/server.log.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 10MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 3
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.state.name = state.change.logger
logger.state.level = WARN
logger.request.name = kafka.request.logger
logger.request.level = WARN
EOF
}

port_answers() { (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; }
# Alive and not a zombie (the broker is this shell's child while start waits for it).
alive() { [ -r "/proc/$1/stat" ] && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat"; }

start() {
  local pid
  if pid="$(running_pid)"; then
    say "already running (pid $pid) on $host:$port, data in $data"
    return 0
  fi
  port_answers && fail "$host:$port is taken by another process; set MLCYCLE_KAFKA_PORT"
  prepare
  write_config
  local classpath="$lib/*"
  local log4j="-Dlog4j2.configurationFile=file:$data/log4j2.properties"
  if [ ! -f "$data/log/meta.properties" ]; then
    say "formatting $data/log (cluster id $cluster_id)"
    "$java" -Xmx256m "$log4j" -cp "$classpath" kafka.tools.StorageTool format \
      --cluster-id "$cluster_id" --config "$data/server.properties" --ignore-formatted >"$data/logs/format.log" 2>&1 ||
      fail "formatting the storage failed: $(tail -n 5 "$data/logs/format.log")"
  fi
  # Its own session (setsid): a Ctrl-C meant for the program that started it must not reach the broker,
  # which is stopped through this script.
  # Each start logs to a fresh server.log (the last one's is kept as server.log.previous), so the line
  # that says it started is this start's.
  [ -f "$data/logs/server.log" ] && mv -f "$data/logs/server.log" "$data/logs/server.log.previous"
  setsid "$java" -Xms128m -Xmx"$heap" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    "$log4j" -cp "$classpath" kafka.Kafka "$data/server.properties" >"$data/logs/stdout.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$pid_file"
  # Ready when the broker says it started (the socket listens earlier than it serves) and the port answers.
  local waited=0
  until grep -qs 'Kafka Server started' "$data/logs/server.log" && port_answers; do
    if ! alive "$pid"; then
      rm -f "$pid_file"
      fail "the broker exited while starting: $(tail -n 20 "$data/logs/stdout.log" "$data/logs/server.log" 2>/dev/null)"
    fi
    if [ "$waited" -ge 1200 ]; then
      kill -KILL "$pid" 2>/dev/null || true
      rm -f "$pid_file"
      fail "the broker did not start within 120 s; see $data/logs/server.log"
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  say "broker running (pid $pid) on $host:$port, data in $data"
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$pid_file"
    say "not running"
    return 0
  fi
  kill -TERM "$pid"
  local waited=0
  while alive "$pid"; do
    if [ "$waited" -ge 600 ]; then
      say "no clean stop within 60 s; killing pid $pid"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  rm -f "$pid_file"
  say "stopped (pid $pid)"
}

status() {
  local pid
  if pid="$(running_pid)"; then
    say "running (pid $pid) on $host:$port, data in $data"
  else
    say "not running (data in $data)"
    exit 3
  fi
}

# Kafka's own console consumer, as a way to watch a topic of the local broker.
consume() {
  [ -n "${1:-}" ] || fail "usage: $0 consume TOPIC [console consumer options]"
  local topic="$1"
  shift
  prepare
  exec "$java" -Xmx256m -cp "$lib/*" org.apache.kafka.tools.consumer.ConsoleConsumer \
    --bootstrap-server "$host:$port" --topic "$topic" "$@"
}

case "${1:-}" in
  prepare) prepare && say "jars ready in $lib" ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  consume)
    shift
    consume "$@"
    ;;
  *)
    echo "usage: $0 prepare|start|stop|status|consume TOPIC" >&2
    exit 2
    ;;
esac
