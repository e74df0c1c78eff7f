// Keeps deploy/kubernetes/base/prometheusrule.yaml generated from deploy/prometheus/kestrelupper.rules.yml,
// the single source of truth for the alert rules.
//   node deploy/.validate/sync-rules.mjs --write   regenerate the PrometheusRule
//   node deploy/.validate/sync-rules.mjs --check   exit 1 when it is out of date (CI)
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";

const deployDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const rulesPath = join(deployDir, "prometheus", "kestrelupper.rules.yml");
const targetPath = join(deployDir, "kubernetes", "base", "prometheusrule.yaml");

const mode = process.argv[2];
if (mode !== "--write" && mode !== "--check") {
  console.error("usage: sync-rules.mjs --write | --check");
  process.exit(2);
}

const rules = parse(readFileSync(rulesPath, "utf8"));
if (!rules || !Array.isArray(rules.groups) || rules.groups.length === 0) {
  console.error(`${rulesPath}: no rule groups`);
  process.exit(1);
}

const resource = {
  apiVersion: "monitoring.coreos.com/v1",
  kind: "PrometheusRule",
  metadata: {
    name: "kestrelupper",
    labels: { "app.kubernetes.io/component": "alerting" },
  },
  spec: { groups: rules.groups },
};

const header = [
  "# GENERATED from deploy/prometheus/kestrelupper.rules.yml: do not edit by hand.",
  "# Regenerate with: node deploy/.validate/sync-rules.mjs --write",
  "# Your Prometheus' ruleSelector must match this object's labels (add e.g. `release: <name>` in an overlay).",
  "",
].join("\n");
const generated = header + stringify(resource, { lineWidth: 0 });

const rel = (p) => relative(process.cwd(), p) || p;
if (mode === "--write") {
  writeFileSync(targetPath, generated);
  console.log(`wrote ${rel(targetPath)}`);
} else {
  const current = existsSync(targetPath) ? readFileSync(targetPath, "utf8") : "";
  if (current !== generated) {
    console.error(`${rel(targetPath)} is out of date with ${rel(rulesPath)}: run node deploy/.validate/sync-rules.mjs --write`);
    process.exit(1);
  }
  const alerts = rules.groups.flatMap((g) => g.rules ?? []).filter((r) => r.alert).length;
  console.log(`${rel(targetPath)} matches ${rel(rulesPath)} (${rules.groups.length} groups, ${alerts} alerts)`);
}
