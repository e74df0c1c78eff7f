// Offline validation of rendered Kubernetes manifests (multi-document YAML) against the schemas
// shipped in `kubernetes-models` and `@kubernetes-models/prometheus-operator`.
//
//   node deploy/.validate/validate.mjs NAME=FILE [NAME=FILE ...]     (FILE "-" = stdin)
//
// For each document: map apiVersion/kind to its model class (an unknown kind is an error), run the
// model's schema validation, and also report fields the schema does not know (the published
// Kubernetes schemas allow unknown fields, which would let a typo such as `readinesProbe` through).
// Then a few checks of the KestrelUpper contract (ports, probes, security, shutdown budget).
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const CORE_GROUPS = new Set(["", "core"]);
const OPERATOR_GROUPS = new Set(["monitoring.coreos.com"]);

async function loadModel(apiVersion, kind) {
  if (typeof apiVersion !== "string" || typeof kind !== "string" || !/^[A-Za-z0-9]+$/.test(kind)) {
    throw new Error(`missing or malformed apiVersion/kind (${apiVersion}/${kind})`);
  }
  const slash = apiVersion.lastIndexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  let specifier;
  if (CORE_GROUPS.has(group)) specifier = `kubernetes-models/${version}/${kind}`;
  else if (OPERATOR_GROUPS.has(group)) specifier = `@kubernetes-models/prometheus-operator/${group}/${version}/${kind}`;
  else specifier = `kubernetes-models/${group}/${version}/${kind}`;
  let mod;
  try {
    mod = await import(specifier);
  } catch {
    throw new Error(`unknown kind ${apiVersion}/${kind} (no model ${specifier})`);
  }
  const Model = mod[kind] ?? mod.default;
  if (typeof Model !== "function") throw new Error(`unknown kind ${apiVersion}/${kind} (module has no ${kind})`);
  return Model;
}

// Wraps plain data in proxies that record which keys the compiled schema validator looks at.
// The validator reads every property its schema declares; an object it enumerates is a map
// (labels, data, ...) whose keys are all fine; an object it never touches is free-form.
function track(value, path, records) {
  if (Array.isArray(value)) return value.map((v, i) => track(v, `${path}/${i}`, records));
  if (value === null || typeof value !== "object") return value;
  const record = { path, keys: Object.keys(value), read: new Set(), enumerated: false };
  records.push(record);
  const target = {};
  for (const key of record.keys) target[key] = track(value[key], `${path}/${key}`, records);
  return new Proxy(target, {
    get(t, key, receiver) {
      if (typeof key === "string") record.read.add(key);
      return Reflect.get(t, key, receiver);
    },
    has(t, key) {
      if (typeof key === "string") record.read.add(key);
      return Reflect.has(t, key);
    },
    ownKeys(t) {
      record.enumerated = true;
      return Reflect.ownKeys(t);
    },
  });
}

function unknownFields(records) {
  const unknown = [];
  for (const r of records) {
    if (r.enumerated || r.read.size === 0) continue;
    for (const key of r.keys) if (!r.read.has(key)) unknown.push(`${r.path}/${key}`);
  }
  return unknown;
}

function schemaErrors(err) {
  const details = Array.isArray(err?.errors) ? err.errors : [];
  if (details.length === 0) return [String(err?.message ?? err)];
  return details.map((e) => `${e.instancePath || "/"} ${e.message ?? e.keyword}${e.params ? " " + JSON.stringify(e.params) : ""}`);
}

// ---- KestrelUpper contract checks (names operators rely on) ----------------------------------
function parseTimeSpan(s) {
  const m = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.\d+)?$/.exec(String(s ?? ""));
  return m ? Number(m[1] ?? 0) * 86400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]) : NaN;
}

function contractChecks(objects) {
  const problems = [];
  const find = (kind, name) => objects.find((o) => o.kind === kind && o.metadata?.name === name);
  const dep = find("Deployment", "kestrelupper");
  const svc = find("Service", "kestrelupper");
  const cm = find("ConfigMap", "kestrelupper-config");
  if (!dep) return ["Deployment kestrelupper is missing"];
  const pod = dep.spec?.template?.spec ?? {};
  const c = (pod.containers ?? []).find((x) => x.name === "kestrelupper");
  if (!c) return ["Deployment kestrelupper has no container named kestrelupper"];

  const want = [["tcp-upper", 12000, "TCP"], ["udp-upper", 12000, "UDP"], ["http-metrics", 8080, "TCP"]];
  for (const [name, port, proto] of want) {
    const p = (c.ports ?? []).find((x) => x.name === name);
    if (!p || p.containerPort !== port || (p.protocol ?? "TCP") !== proto) problems.push(`container port ${name} must be ${port}/${proto}`);
  }
  for (const [probe, path] of [["startupProbe", "/readyz"], ["readinessProbe", "/readyz"], ["livenessProbe", "/livez"]]) {
    const g = c[probe]?.httpGet;
    if (!g || g.path !== path || g.port !== "http-metrics") problems.push(`${probe} must GET ${path} on port http-metrics`);
  }
  const psc = pod.securityContext ?? {};
  if (psc.runAsNonRoot !== true || psc.runAsUser !== 1654 || psc.runAsGroup !== 1654 || psc.fsGroup === undefined || psc.seccompProfile?.type !== "RuntimeDefault") {
    problems.push("pod securityContext must be runAsNonRoot, runAsUser/runAsGroup 1654, fsGroup, seccomp RuntimeDefault");
  }
  const csc = c.securityContext ?? {};
  if (csc.readOnlyRootFilesystem !== true || csc.allowPrivilegeEscalation !== false || !(csc.capabilities?.drop ?? []).includes("ALL")) {
    problems.push("container securityContext must be readOnlyRootFilesystem, no privilege escalation, drop ALL");
  }
  if (!(c.volumeMounts ?? []).some((m) => m.mountPath === "/tmp")) problems.push("/tmp must be a mounted emptyDir");
  if (pod.automountServiceAccountToken !== false) problems.push("automountServiceAccountToken must be false");
  const ru = dep.spec?.strategy?.rollingUpdate ?? {};
  if (ru.maxUnavailable !== 0 || ru.maxSurge !== 1) problems.push("rollingUpdate must be maxUnavailable 0, maxSurge 1");
  if ((dep.spec?.replicas ?? 1) < 2) problems.push("replicas must be at least 2");

  const preStop = c.lifecycle?.preStop;
  const sleep = preStop?.sleep?.seconds ?? (preStop?.exec?.command?.[0] === "sleep" ? Number(preStop.exec.command[1]) : NaN);
  if (!(sleep > 0)) problems.push("preStop must sleep (lifecycle.preStop.sleep.seconds or exec sleep)");
  const shutdown = parseTimeSpan(cm?.data?.Upper__Shutdown__Timeout ?? "00:00:10");
  const grace = pod.terminationGracePeriodSeconds ?? 30;
  if (!(grace > sleep + shutdown)) problems.push(`terminationGracePeriodSeconds ${grace} must exceed preStop ${sleep} s + Upper__Shutdown__Timeout ${shutdown} s`);

  if (!cm) problems.push("ConfigMap kestrelupper-config is missing");
  else if (!(c.envFrom ?? []).some((e) => e.configMapRef?.name === cm.metadata.name)) problems.push("container must envFrom the ConfigMap");

  if (!svc) problems.push("Service kestrelupper is missing");
  else {
    for (const proto of ["TCP", "UDP"]) {
      if (!(svc.spec?.ports ?? []).some((p) => p.port === 12000 && (p.protocol ?? "TCP") === proto)) problems.push(`Service kestrelupper must expose 12000/${proto}`);
    }
  }
  const metricsSvc = objects.some((o) => o.kind === "Service" && (o.spec?.ports ?? []).some((p) => p.name === "http-metrics" && p.port === 8080));
  if (!metricsSvc) problems.push("no Service exposes http-metrics 8080 for the ServiceMonitor");
  const sm = objects.find((o) => o.kind === "ServiceMonitor");
  if (!sm || !(sm.spec?.endpoints ?? []).some((e) => e.port === "http-metrics" && e.path === "/metrics" && e.interval === "15s")) {
    problems.push("ServiceMonitor must scrape port http-metrics, path /metrics, every 15s");
  }
  for (const kind of ["ServiceAccount", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy", "PrometheusRule"]) {
    if (!objects.some((o) => o.kind === kind)) problems.push(`${kind} is missing`);
  }
  return problems;
}

// ---- main ------------------------------------------------------------------------------------
const args = process.argv.slice(2);
if (args.length === 0) {
  console.error("usage: validate.mjs NAME=FILE [NAME=FILE ...]   (FILE - reads stdin)");
  process.exit(2);
}

let failed = false;
for (const arg of args) {
  const eq = arg.indexOf("=");
  const name = eq < 0 ? arg : arg.slice(0, eq);
  const file = eq < 0 ? arg : arg.slice(eq + 1);
  const text = readFileSync(file === "-" ? 0 : file, "utf8");
  const problems = [];
  const objects = [];
  const kinds = new Map();
  for (const [i, doc] of parseAllDocuments(text).entries()) {
    if (doc.errors.length > 0) {
      problems.push(`document ${i}: YAML: ${doc.errors.map((e) => e.message).join("; ")}`);
      continue;
    }
    const data = doc.toJS();
    if (data === null || data === undefined) continue;
    const id = `${data.kind ?? "?"}/${data.metadata?.name ?? "?"}`;
    let Model;
    try {
      Model = await loadModel(data.apiVersion, data.kind);
    } catch (e) {
      problems.push(`${id}: ${e.message}`);
      continue;
    }
    const records = [];
    const tracked = track(data, "", records);
    try {
      Model.prototype.validate.call(tracked);
    } catch (e) {
      for (const msg of schemaErrors(e)) problems.push(`${id}: ${msg}`);
    }
    for (const path of unknownFields(records)) problems.push(`${id}: unknown field ${path}`);
    objects.push(data);
    kinds.set(data.kind, (kinds.get(data.kind) ?? 0) + 1);
  }
  if (objects.length === 0) problems.push("no objects rendered");
  problems.push(...contractChecks(objects).map((p) => `contract: ${p}`));

  if (problems.length > 0) {
    failed = true;
    console.error(`FAIL ${name}: ${problems.length} problem(s)`);
    for (const p of problems) console.error(`  - ${p}`);
  } else {
    const summary = [...kinds].map(([k, n]) => (n > 1 ? `${k} x${n}` : k)).join(", ");
    console.log(`ok   ${name}: ${objects.length} objects valid (${summary})`);
  }
}
process.exit(failed ? 1 : 0);
