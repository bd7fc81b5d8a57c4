# Starts `$tenure serve` in the background and waits until it answers /healthz.
#   start_tenure PORT LOG [serve flags...]    → sets $server to its pid; on failure prints LOG and exits 1
start_tenure() {
    local port=$1 log=$2
    shift 2
    "$tenure" serve --port "$port" "$@" >>"$log" 2>&1 &
    server=$!
    for _ in $(seq 400); do
        curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return
        kill -0 "$server" 2>/dev/null || break
        sleep 0.025
    done
    echo "the server on port $port did not start" >&2
    cat "$log" >&2
    exit 1
}
