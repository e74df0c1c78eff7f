// Checks of the observability files that no schema covers:
//  - deploy/grafana/kestrelupper.json parses; every panel (rows aside) has a datasource and at least
//    one target with a non-empty expr; panel ids are unique; the datasource variable exists.
//  - every metric named in the dashboard and in the alert rules is one the service (or Prometheus /
//    kube-state-metrics) exposes, so a renamed or mistyped metric fails here, not at 3 a.m.
//  - every runbook_url anchor of the rules exists as a heading in deploy/README.md.
//  - (scrape NAMES_FILE) every metric the dashboard and the rules use is among the names a real Prometheus
//    scraped from the running service (scripts/prometheus-check.sh writes NAMES_FILE, one name a line), so a
//    series the exporter names differently, or one the service never emits, fails against the real thing.
//   node deploy/.validate/check-observability.mjs dashboard|rules|scrape NAMES_FILE
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const deployDir = join(dirname(fileURLToPath(import.meta.url)), "..");

// The metric contract (see deploy/README.md#metrics).
const KNOWN_METRICS = new Set([
  "kestrel_active_connections", "kestrel_queued_connections", "kestrel_rejected_connections_total",
  "kestrel_connection_duration_seconds_bucket", "kestrel_connection_duration_seconds_sum", "kestrel_connection_duration_seconds_count",
  "upper_tcp_bytes_total", "upper_udp_datagrams_total", "upper_udp_bytes_total", "upper_udp_dropped_total",
  "upper_tcp_rejected_total", "upper_tcp_closed_total", "upper_text_invalid_bytes_total", "upper_tcp_max_connections", "upper_ready",
  "dotnet_process_cpu_time_seconds_total", "dotnet_process_memory_working_set_bytes", "dotnet_gc_collections_total",
  "dotnet_gc_heap_total_allocated_bytes_total", "dotnet_gc_pause_time_seconds_total", "dotnet_thread_pool_thread_count_total",
  "target_info", "up",
  "kube_pod_container_status_restarts_total", "kube_deployment_status_replicas_available",
]);

// Series of other exporters (kube-state-metrics): no scrape of the service can have them.
const EXTERNAL_METRICS = new Set(["kube_pod_container_status_restarts_total", "kube_deployment_status_replicas_available"]);

// Metric names in a PromQL expression: every identifier directly followed by a `{` selector.
// (All expressions in this repo spell selectors with braces; one without any is reported.)
function metricsIn(expr) {
  const names = [];
  const re = /(?<![\w$:])([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{/g;
  for (let m; (m = re.exec(expr)); ) names.push(m[1]);
  return names;
}

function checkExpr(where, expr, problems) {
  const names = metricsIn(expr);
  if (names.length === 0) problems.push(`${where}: no metric selector found in ${JSON.stringify(expr)}`);
  for (const n of names) if (!KNOWN_METRICS.has(n)) problems.push(`${where}: unknown metric ${n}`);
}

function readDashboard() {
  return JSON.parse(readFileSync(join(deployDir, "grafana", "kestrelupper.json"), "utf8"));
}

function panelsOf(dash) {
  const all = [];
  const walk = (list) => { for (const p of list ?? []) { all.push(p); walk(p.panels); } };
  walk(dash.panels);
  return all;
}

function readRules() {
  return parse(readFileSync(join(deployDir, "prometheus", "kestrelupper.rules.yml"), "utf8"));
}

// Every expression the dashboard and the rules evaluate, with where it is.
function allExprs() {
  const exprs = [];
  for (const p of panelsOf(readDashboard())) {
    for (const t of p.targets ?? []) if (typeof t.expr === "string" && t.expr.trim() !== "") exprs.push({ where: `panel ${p.id} "${p.title}" target ${t.refId}`, expr: t.expr });
  }
  for (const group of readRules().groups ?? []) {
    for (const r of group.rules ?? []) exprs.push({ where: r.alert ? `alert ${r.alert}` : `record ${r.record}`, expr: String(r.expr) });
  }
  return exprs;
}

function checkScrape(namesFile) {
  if (!namesFile) return { problems: ["usage: check-observability.mjs scrape NAMES_FILE"], summary: "" };
  const scraped = new Set(readFileSync(namesFile, "utf8").split("\n").map((n) => n.trim()).filter(Boolean));
  const problems = [];
  const used = new Set();
  for (const { where, expr } of allExprs()) {
    for (const name of metricsIn(expr)) {
      if (EXTERNAL_METRICS.has(name)) continue;
      used.add(name);
      if (!scraped.has(name)) problems.push(`${where}: ${name} is not in the real scrape`);
    }
  }
  return { problems, summary: `${used.size} metrics used by the dashboard and the rules are all in the real scrape (${scraped.size} names; ${[...EXTERNAL_METRICS].join(", ")} come from kube-state-metrics)` };
}

function checkDashboard() {
  const problems = [];
  let dash;
  try {
    dash = readDashboard();
  } catch (e) {
    return { problems: [`kestrelupper.json does not parse: ${e.message}`], summary: "" };
  }
  const vars = dash.templating?.list ?? [];
  if (!vars.some((v) => v.type === "datasource" && v.query === "prometheus")) problems.push("no Prometheus datasource template variable");
  if (!vars.some((v) => v.name === "pod" || v.name === "instance")) problems.push("no pod/instance template variable");
  if (typeof dash.schemaVersion !== "number" || dash.schemaVersion < 36) problems.push(`schemaVersion ${dash.schemaVersion} is too old`);
  const all = panelsOf(dash);
  const ids = new Set();
  let checked = 0;
  let targets = 0;
  for (const p of all) {
    const where = `panel ${p.id} "${p.title}"`;
    if (ids.has(p.id)) problems.push(`${where}: duplicate id`);
    ids.add(p.id);
    if (p.type === "row") continue;
    checked++;
    const ds = p.datasource;
    if (!ds || (typeof ds === "object" && !ds.uid)) problems.push(`${where}: no datasource`);
    const withExpr = (p.targets ?? []).filter((t) => typeof t.expr === "string" && t.expr.trim() !== "");
    if (withExpr.length === 0) problems.push(`${where}: no target with an expr`);
    for (const t of withExpr) { targets++; checkExpr(`${where} target ${t.refId}`, t.expr, problems); }
  }
  if (checked === 0) problems.push("no panels");
  return { problems, summary: `${checked} panels, ${targets} queries, ${vars.length} variables` };
}

function headingAnchors(markdown) {
  const anchors = new Set();
  for (const line of markdown.split("\n")) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    anchors.add(m[1].toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").trim().replace(/\s/g, "-"));
  }
  return anchors;
}

function checkRules() {
  const problems = [];
  const rules = readRules();
  const anchors = headingAnchors(readFileSync(join(deployDir, "README.md"), "utf8"));
  let alerts = 0;
  for (const group of rules.groups ?? []) {
    for (const r of group.rules ?? []) {
      const where = r.alert ? `alert ${r.alert}` : `record ${r.record}`;
      checkExpr(where, String(r.expr), problems);
      if (!r.alert) continue;
      alerts++;
      if (!r.for) problems.push(`${where}: no for:`);
      if (!r.labels?.severity) problems.push(`${where}: no severity label`);
      for (const a of ["summary", "description", "runbook_url"]) if (!r.annotations?.[a]) problems.push(`${where}: no ${a} annotation`);
      const m = /^deploy\/README\.md#(.+)$/.exec(r.annotations?.runbook_url ?? "");
      if (!m) problems.push(`${where}: runbook_url must be deploy/README.md#<anchor>`);
      else if (!anchors.has(m[1])) problems.push(`${where}: deploy/README.md has no heading for #${m[1]}`);
    }
  }
  return { problems, summary: `${alerts} alerts use known metrics and have runbook anchors` };
}

const what = process.argv[2];
const checks = { dashboard: checkDashboard, rules: checkRules, scrape: () => checkScrape(process.argv[3]) };
if (!checks[what]) {
  console.error("usage: check-observability.mjs dashboard|rules|scrape NAMES_FILE");
  process.exit(2);
}
const { problems, summary } = checks[what]();
if (problems.length > 0) {
  console.error(`FAIL ${what}: ${problems.length} problem(s)`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
console.log(`ok   ${what}: ${summary}`);
