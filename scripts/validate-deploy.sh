#!/usr/bin/env bash
# Validates everything under deploy/ offline. Run from anywhere; CI runs it with CI=true.
#
#   scripts/validate-deploy.sh
#
#  1. kubectl kustomize renders the base and the example overlay
#  2. every rendered object validates against the Kubernetes / Prometheus Operator schemas
#     (npm: kubernetes-models, @kubernetes-models/prometheus-operator; tool in deploy/.validate),
#     has no unknown fields, and meets the KestrelUpper contract (ports, probes, security, shutdown)
#  3. the PrometheusRule is in sync with deploy/prometheus/kestrelupper.rules.yml
#  4. promtool check rules / test rules, promtool check config on the rendered prometheus.yml
#  5. rules and Grafana dashboard use only known metrics; every dashboard panel has a datasource
#     and a query; every alert has a runbook heading in deploy/README.md
#
# Needs node + npm (20+), kubectl (with kustomize) and promtool (Debian: apt-get install prometheus).
# Without CI=true a missing kubectl or promtool skips its checks with a warning; with CI=true it
# fails, except that promtool is installed with apt-get when running as root.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
tool_dir="deploy/.validate"
ci="${CI:-false}"

work="$(mktemp -d "${TMPDIR:-/tmp}/validate-deploy.XXXXXX")"
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
skipped=0
declare -a summary=()

# run_check NAME COMMAND...: runs one check, keeps its output, records PASS/FAIL.
run_check() {
  local name="$1"
  shift
  local log="$work/check.log"
  if "$@" >"$log" 2>&1; then
    passed=$((passed + 1))
    summary+=("PASS  $name")
    printf 'PASS  %s\n' "$name"
    sed 's/^/      /' "$log"
  else
    failed=$((failed + 1))
    summary+=("FAIL  $name")
    printf 'FAIL  %s\n' "$name"
    sed 's/^/      /' "$log"
  fi
}

skip_check() {
  local name="$1" why="$2"
  skipped=$((skipped + 1))
  summary+=("SKIP  $name ($why)")
  printf 'SKIP  %s (%s)\n' "$name" "$why"
}

# missing_tool NAME HINT: fail hard in CI, else warn (callers then skip their checks).
missing_tool() {
  if [[ "$ci" == "true" ]]; then
    printf 'error: %s is required with CI=true but was not found on PATH. %s\n' "$1" "$2" >&2
    exit 1
  fi
  printf 'warning: %s not found: its checks are skipped. %s\n' "$1" "$2" >&2
}

# --- tools ---------------------------------------------------------------------------------
for tool in node npm; do
  command -v "$tool" >/dev/null 2>&1 || { echo "error: $tool is required (Node.js 20+ with npm)" >&2; exit 1; }
done

have_kubectl=true
if ! command -v kubectl >/dev/null 2>&1; then
  have_kubectl=false
  missing_tool kubectl "Install kubectl (1.27+, it embeds kustomize)."
fi

have_promtool=true
if ! command -v promtool >/dev/null 2>&1; then
  if [[ "$ci" == "true" && "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
    echo "promtool not found: installing Debian package prometheus (waits for the apt lock)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 || true
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends prometheus >&2 || true
  fi
  if ! command -v promtool >/dev/null 2>&1; then
    have_promtool=false
    missing_tool promtool "Debian/Ubuntu: apt-get install -y prometheus."
  fi
fi

# --- npm tool folder (npm ci only when the lock file changed) ----------------------------------
lock_sum="$(sha256sum "$tool_dir/package-lock.json" | cut -d' ' -f1)"
stamp="$tool_dir/node_modules/.validate-lock-sha256"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$lock_sum" ]]; then
  echo "npm ci in $tool_dir" >&2
  # kubernetes-models 5.x declares engines node>=22 but runs on Node 20; don't let that warning fail us.
  (cd "$tool_dir" && npm ci --no-audit --no-fund --engine-strict=false --loglevel=error >&2)
  printf '%s\n' "$lock_sum" >"$stamp"
fi

# --- 1 + 2: render and validate the manifests ------------------------------------------------
render_and_validate() {
  kubectl kustomize deploy/kubernetes/base >"$work/base.yaml"
  kubectl kustomize deploy/kubernetes/overlays/example >"$work/overlay-example.yaml"
  echo "rendered base ($(grep -c '^kind:' "$work/base.yaml") objects) and overlays/example ($(grep -c '^kind:' "$work/overlay-example.yaml") objects)"
}
validate_rendered() {
  node "$tool_dir/validate.mjs" "base=$work/base.yaml" "overlays/example=$work/overlay-example.yaml"
}
if [[ "$have_kubectl" == "true" ]]; then
  run_check "kustomize render (base, overlays/example)" render_and_validate
  if [[ -s "$work/base.yaml" && -s "$work/overlay-example.yaml" ]]; then
    run_check "schema + contract validation of rendered objects" validate_rendered
  else
    failed=$((failed + 1)); summary+=("FAIL  schema + contract validation (nothing rendered)")
    echo "FAIL  schema + contract validation (nothing rendered)"
  fi
else
  skip_check "kustomize render" "kubectl missing"
  skip_check "schema + contract validation" "kubectl missing"
fi

# --- 3: one source of truth for the rules -----------------------------------------------------
run_check "PrometheusRule in sync with kestrelupper.rules.yml" node "$tool_dir/sync-rules.mjs" --check

# --- 4: promtool ---------------------------------------------------------------------------
check_prometheus_config() {
  mkdir -p "$work/prometheus"
  sed 's/\${HTTP_PORT}/8080/g' deploy/prometheus/prometheus.yml >"$work/prometheus/prometheus.yml"
  cp deploy/prometheus/kestrelupper.rules.yml "$work/prometheus/"
  if grep -q '\${' "$work/prometheus/prometheus.yml"; then
    echo "prometheus.yml has template variables other than \${HTTP_PORT}"
    return 1
  fi
  promtool check config "$work/prometheus/prometheus.yml"
}
if [[ "$have_promtool" == "true" ]]; then
  run_check "promtool check rules" promtool check rules deploy/prometheus/kestrelupper.rules.yml
  run_check "promtool test rules" promtool test rules deploy/prometheus/kestrelupper.rules.test.yml
  run_check "promtool check config (prometheus.yml, HTTP_PORT=8080)" check_prometheus_config
else
  skip_check "promtool check rules" "promtool missing"
  skip_check "promtool test rules" "promtool missing"
  skip_check "promtool check config" "promtool missing"
fi

# --- 5: metrics, runbooks, dashboard -------------------------------------------------------
run_check "alert rules: known metrics, for/severity/annotations, runbook anchors" node "$tool_dir/check-observability.mjs" rules
run_check "Grafana dashboard: JSON, datasource + expr on every panel, known metrics" node "$tool_dir/check-observability.mjs" dashboard

# --- summary -------------------------------------------------------------------------------
echo
echo "validate-deploy summary:"
printf '  %s\n' "${summary[@]}"
echo "validate-deploy: $passed passed, $failed failed, $skipped skipped"
if ((failed > 0)); then
  exit 1
fi
if [[ "$ci" == "true" && $skipped -gt 0 ]]; then
  echo "error: checks were skipped with CI=true" >&2
  exit 1
fi
