// The fleet dashboard: polls /api/state once a second and renders it; buttons send control
// requests with the per-run token from the URL's fragment (never sent to the server by itself).
/* global document, window, fetch, setInterval, setTimeout, URLSearchParams */
"use strict";

const token = new URLSearchParams(window.location.hash.slice(1)).get("token") ?? "";
const COLORS = ["#2f6fde", "#d9480f", "#2b8a3e", "#9c36b5", "#e8590c", "#1098ad", "#c2255c"];

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  for (const child of children) node.append(child);
  return node;
}

function svg(tag, attrs) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  return node;
}

async function api(path, method = "GET") {
  const res = await fetch(path, { method, headers: { "X-Fleet-Token": token } });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
  return body;
}

/** After a control action: time for the engine to see a killed process exit. */
const CONTROL_REFRESH_MS = 100;

async function control(path, what) {
  const message = document.getElementById("message");
  try {
    await api(path, "POST");
    message.textContent = `${what}: sent`;
    // Show its effect now, not at the next poll: a killed process is in its restart backoff
    // (0.5 s) for about as long as a poll takes to come round.
    setTimeout(refresh, CONTROL_REFRESH_MS);
  } catch (err) {
    message.textContent = `${what}: ${err.message}`;
  }
}

function uptime(ms) {
  if (ms <= 0) return "–";
  const s = Math.floor(ms / 1000);
  return s < 60
    ? `${s} s`
    : s < 3600
      ? `${Math.floor(s / 60)} min ${s % 60} s`
      : `${(s / 3600).toFixed(1)} h`;
}

function renderProcesses(sample) {
  const body = document.querySelector("#processes tbody");
  body.replaceChildren();
  const nodes = new Map(sample.nodes.map((n) => [n.name, n]));
  const backends = new Map(sample.backends.map((b) => [b.server, b]));
  const shards = new Map((sample.redis ?? []).map((r) => [r.name, r]));
  for (const p of sample.processes) {
    const node = nodes.get(p.name);
    const backend = backends.get(p.name);
    const shard = shards.get(p.name);
    const num = (value, field) => el("td", { class: "num", "data-field": field }, value);
    const row = el(
      "tr",
      { "data-process": p.name, "data-kind": p.kind },
      el("td", {}, p.name),
      num(p.pid > 0 ? String(p.pid) : "–", "pid"),
      el("td", { class: `state-${p.state}`, "data-field": "state" }, p.state),
      num(String(p.restarts), "restarts"),
      num(uptime(p.uptimeMs), "uptime"),
      el(
        "td",
        { "data-field": "ready", class: node ? (node.ready ? "up" : "down") : "" },
        node ? (node.ready ? "ready" : "not ready") : "",
      ),
      num(node ? String(node.clients) : "", "clients"),
      num(node ? node.eventsInPerSecond.toFixed(1) : "", "events-in"),
      num(node ? node.eventsOutPerSecond.toFixed(1) : "", "events-out"),
      el(
        "td",
        {
          "data-field": "backend",
          class: backend ? (backend.status === "UP" ? "up" : "down") : "",
        },
        backend ? backend.status : "",
      ),
      num(backend ? String(backend.sessions) : "", "sessions"),
      el("td", { "data-field": "redis-role" }, shard ? shardText(shard) : ""),
    );
    const actions = el("td");
    if (shard !== undefined) {
      const button = el(
        "button",
        { "data-action": "kill", class: "danger", title: `kill ${p.name}` },
        "Kill",
      );
      button.addEventListener("click", () =>
        control(`/api/redis/${p.name}/kill`, `Kill ${p.name}`),
      );
      actions.append(button);
    }
    if (p.kind === "node") {
      for (const [action, label, cls] of [
        ["kill", "Kill", "danger"],
        ["drain", "Drain", ""],
        ["remove", "Remove", ""],
      ]) {
        const button = el(
          "button",
          { "data-action": action, class: cls, title: `${action} ${p.name}` },
          label,
        );
        button.addEventListener("click", () =>
          control(`/api/nodes/${p.name}/${action}`, `${label} ${p.name}`),
        );
        actions.append(button, " ");
      }
    }
    row.append(actions);
    body.append(row);
  }
}

/** "master 0-5460" or "replica of redis-1", plus failure flags. */
function shardText(shard) {
  const role =
    shard.role === "master"
      ? `master ${shard.slots.length > 0 ? shard.slots.join(",") : "(no slots)"}`
      : `replica of ${shard.replicaOf ?? "?"}`;
  return shard.flags.length > 0 ? `${role} [${shard.flags.join(",")}]` : role;
}

function renderChart(id, legendId, series) {
  const chart = document.getElementById(id);
  const legend = document.getElementById(legendId);
  chart.replaceChildren();
  legend.replaceChildren();
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  for (let y = 0; y <= 4; y++) {
    chart.append(
      svg("line", { x1: 0, x2: 600, y1: 5 + y * 37.5, y2: 5 + y * 37.5, stroke: "#e3e6eb" }),
    );
  }
  chart.append(svg("text", { x: 4, y: 16, "font-size": 12, fill: "#566074" }));
  chart.lastChild.textContent = String(Math.round(max * 10) / 10);
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const points = s.values.map((v, j) => `${(j / 59) * 600},${155 - (v / max) * 150}`).join(" ");
    chart.append(svg("polyline", { points, fill: "none", stroke: color, "stroke-width": 2 }));
    const last = s.values.at(-1) ?? 0;
    const entry = el("span", {}, `■ ${s.name}: ${Math.round(last * 10) / 10}`);
    entry.style.color = color; // a CSSOM property: the CSP allows no inline style attributes
    legend.append(entry);
  });
}

function render(history, processes) {
  const sample = history.at(-1);
  if (sample === undefined) return;
  renderProcesses({ ...sample, processes });
  const names = [...new Set(history.flatMap((h) => h.nodes.map((n) => n.name)))];
  const pad = (values) =>
    Array(Math.max(0, 60 - values.length))
      .fill(0)
      .concat(values);
  renderChart(
    "clients-chart",
    "clients-legend",
    names.map((name) => ({
      name,
      values: pad(history.map((h) => h.nodes.find((n) => n.name === name)?.clients ?? 0)),
    })),
  );
  renderChart("messages-chart", "messages-legend", [
    {
      name: "sent/s",
      values: pad(history.map((h) => h.nodes.reduce((t, n) => t + n.eventsOutPerSecond, 0))),
    },
    {
      name: "received/s",
      values: pad(history.map((h) => h.nodes.reduce((t, n) => t + n.eventsInPerSecond, 0))),
    },
  ]);
  // Node count over time (the autoscaler's work); without autoscaling, the nodes added or removed.
  renderChart("nodes-chart", "nodes-legend", [
    { name: "nodes", values: pad(history.map((h) => h.nodes.length)) },
  ]);
  const status = document.getElementById("status");
  status.textContent = `${sample.nodes.length} nodes, updated ${new Date(sample.at).toLocaleTimeString()}`;
}

/** Alerts as the engine's Prometheus evaluates them (through the dashboard's /api/alerts). */
function renderAlerts(answer) {
  const note = document.getElementById("alerts-note");
  const body = document.querySelector("#alerts tbody");
  body.replaceChildren();
  if (!answer.monitoring) {
    note.textContent = "(monitoring off: npm start -- --monitoring)";
    return;
  }
  const scale = answer.timeScale === 1 ? "" : `, durations × ${answer.timeScale}`;
  const firing = answer.rules.filter((r) => r.state === "firing").length;
  note.textContent = answer.error
    ? `(Prometheus: ${answer.error})`
    : `(${firing} firing of ${answer.rules.length}, from Prometheus${scale})`;
  for (const rule of answer.rules) {
    const since = rule.since ? Date.now() - Date.parse(rule.since) : 0;
    body.append(
      el(
        "tr",
        { "data-alert": rule.name, class: rule.state },
        el("td", { class: `alert-${rule.state}`, "data-field": "state" }, rule.state),
        el("td", {}, rule.name),
        el("td", {}, rule.severity),
        el("td", { class: "summary" }, rule.summary),
        el("td", { class: "num" }, uptime(rule.forSeconds * 1000)),
        el(
          "td",
          { "data-field": "since" },
          rule.since ? `${new Date(rule.since).toLocaleTimeString()} (${uptime(since)} ago)` : "",
        ),
        el(
          "td",
          { "data-field": "instances" },
          rule.instances
            .map((i) => `${i.labels === "" ? "fleet" : i.labels} (${i.state})`)
            .join("; "),
        ),
      ),
    );
  }
}

async function refresh() {
  try {
    const [state, alerts] = await Promise.all([api("/api/state"), api("/api/alerts")]);
    render(state.history, state.processes);
    renderAlerts(alerts);
  } catch (err) {
    document.getElementById("status").textContent = `no state: ${err.message}`;
  }
}

document
  .getElementById("add-node")
  .addEventListener("click", () => control("/api/nodes", "Add a node"));
document
  .getElementById("restart-redis")
  .addEventListener("click", () => control("/api/redis/restart", "Restart Redis"));
void refresh();
setInterval(refresh, 1000);
