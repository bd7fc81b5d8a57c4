// `/`: the company at a glance — headline numbers, MRR and its movements, health, funnel, cohorts, at-risk customers
// and renewals — for the whole company or a slice (`?segment=&owner=`); every account name links to its page.
import {
  api, path, el, region, table, cell, numberCell, badge, flags, accountLink, money, percent, number, date, words, params, navigate, session, start,
} from "/assets/tenure.js";

const day = 86400000;
const isoMonth = (d) => d.toISOString().slice(0, 7);
let charts = [];

/// The slice in the address, so that a sliced view is a link and the back button returns to it.
function slice() {
  const given = params();
  return { segment: given.get("segment") || "", owner: given.get("owner") || "" };
}

function sliceForm(current) {
  const segment = el("select", { id: "slice-segment", name: "segment" },
    ["", "smb", "mid_market", "enterprise"].map((value) => el("option", { value, selected: value === current.segment }, value ? words(value) : "all segments")));
  const owner = el("input", { id: "slice-owner", name: "owner", placeholder: "any owner", autocomplete: "off", value: current.owner });
  const form = el("form", { id: "slice-form", className: "filters", "aria-label": "Slice" },
    el("label", {}, "Segment", segment), el("label", {}, "Owner", owner), el("button", { type: "submit" }, "Show"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    if (segment.value) next.set("segment", segment.value);
    if (owner.value.trim()) next.set("owner", owner.value.trim());
    navigate(next);
  });
  return el("section", { "aria-label": "Slice" }, form);
}

function headline(now, before, atRiskHref) {
  const cards = [
    ["MRR", (s) => s.mrr, money, true],
    ["ARR", (s) => s.arr, money, true],
    ["Customers", (s) => s.customers, (v) => number(v), true],
    ["ARPA", (s) => s.arpa, money, true],
    ["Committed MRR", (s) => s.cmrr.value, money, true],
    ["NRR, 12 months", (s) => s.nrr_12m, percent, true],
    ["Customer churn (" + now.churn_period + ")", (s) => s.customer_churn_rate, percent, false],
    ["Win rate, 90 days", (s) => s.win_rate, percent, true],
    ["Sales cycle", (s) => s.avg_sales_cycle_days, (v) => v == null ? "—" : number(v, 0) + " days", false],
    ["Open pipeline", (s) => s.open_pipeline_value, money, true],
    ["First response", (s) => s.avg_first_response_hours, (v) => v == null ? "—" : number(v, 1) + " h", false],
    ["LTV : CAC", (s) => s.ltv_cac_ratio, (v) => v == null ? "—" : number(v, 1) + "×", true],
    ["At-risk accounts", (s) => s.at_risk_accounts, (v) => number(v), false, atRiskHref],
  ];
  const container = el("div", { id: "headline", className: "cards" }, cards.map(([label, read, format, higherIsBetter, href]) => {
    const value = read(now), previous = read(before);
    const change = el("div", { className: "change" });
    const delta = value != null && previous != null ? value - previous : null;
    if (delta && format(Math.abs(delta)) !== format(0)) {
      change.textContent = (delta > 0 ? "▲ " : "▼ ") + format(Math.abs(delta)).replace(/^-/, "");
      change.classList.add((delta > 0) === higherIsBetter ? "up" : "down");
    } else {
      change.textContent = value == null ? "no data" : "no change";
    }
    return el(href ? "a" : "div", { className: "card", href }, el("div", { className: "label" }, label), el("div", { className: "value" }, format(value)), change);
  }));
  return region("Headline numbers", { note: "Change over the last 30 days." }, container);
}

function mrr(rows) {
  const last = rows.slice(-6).reverse();
  const section = region("MRR and its movements", { className: "two-thirds", note: "24 months; the table shows the last 6." },
    el("p", { className: "chart-note" }, "Charts appear once Chart.js is installed (Debian package libjs-chart.js)."),
    el("div", { className: "chart" }, el("canvas", { id: "mrr-chart", "aria-label": "MRR chart", role: "img" })),
    table("MRR and its movements", [["Month"], ["MRR", true], ["New", true], ["Expansion", true], ["Reactivation", true], ["Contraction", true], ["Churn", true]],
      last.map((r) => [r.period + (r.partial ? " (so far)" : ""), ...[r.mrr_end, r.new, r.expansion, r.reactivation, r.contraction, r.churn].map((v) => numberCell(money(v)))]),
      "No revenue yet."));
  const draw = () => {
    const series = (label, field, color) => ({ type: "bar", label, data: rows.map((r) => r[field] / 100), backgroundColor: color, stack: "movements", yAxisID: "movements" });
    charts.push(new Chart(document.getElementById("mrr-chart"), {
      data: { labels: rows.map((r) => r.period), datasets: [
        { type: "line", label: "MRR", data: rows.map((r) => r.mrr_end / 100), borderColor: "#1d2430", backgroundColor: "#1d2430", yAxisID: "mrr", tension: 0.2, pointRadius: 2 },
        series("New", "new", "#2563eb"), series("Expansion", "expansion", "#16a34a"), series("Reactivation", "reactivation", "#0ea5e9"),
        series("Contraction", "contraction", "#f59e0b"), series("Churn", "churn", "#dc2626"),
      ] },
      options: { maintainAspectRatio: false, animation: false, interaction: { mode: "index", intersect: false },
        scales: { movements: { position: "right", stacked: true, title: { display: true, text: "movements" } },
                  mrr: { position: "left", beginAtZero: true, title: { display: true, text: "MRR" } }, x: { stacked: true } } },
    }));
  };
  return [section, draw];
}

function health(counts) {
  const bands = ["green", "yellow", "red", "unscored"];
  const total = bands.reduce((sum, band) => sum + counts[band], 0);
  const section = region("Health of customers", { className: "third" },
    el("div", { className: "chart" }, el("canvas", { id: "health-chart", "aria-label": "Health distribution", role: "img" })),
    table("Health of customers", [["Band"], ["Customers", true], ["Share", true]],
      bands.map((band) => [cell(badge(band)), numberCell(number(counts[band])), numberCell(percent(total ? counts[band] / total : null))]), "No customers."));
  const draw = () => charts.push(new Chart(document.getElementById("health-chart"), {
    type: "doughnut",
    data: { labels: bands, datasets: [{ data: bands.map((band) => counts[band]), backgroundColor: ["#16a34a", "#d97706", "#dc2626", "#9ca3af"] }] },
    options: { maintainAspectRatio: false, animation: false, plugins: { legend: { position: "bottom" } } },
  }));
  return [section, draw];
}

function funnel(pipeline) {
  const steps = pipeline.stage_conversion;
  const stages = steps.length ? [steps[0].from, ...steps.map((s) => s.to)] : [];
  const reached = steps.length ? [steps[0].reached, ...steps.map((s) => s.advanced)] : [];
  const section = region("Pipeline funnel", { className: "half", note: "Opportunities created in the last 90 days." },
    el("div", { className: "chart" }, el("canvas", { id: "funnel-chart", "aria-label": "Pipeline funnel", role: "img" })),
    table("Pipeline funnel", [["Stage"], ["Reached", true], ["Conversion from the stage before", true]],
      stages.map((stage, i) => [words(stage), numberCell(number(reached[i])), numberCell(i ? percent(steps[i - 1].rate) : "")]),
      "No opportunities created in the last 90 days."));
  const draw = () => stages.length && charts.push(new Chart(document.getElementById("funnel-chart"), {
    type: "bar",
    data: { labels: stages.map((s, i) => words(s) + (i ? " (" + percent(steps[i - 1].rate) + ")" : "")), datasets: [{ label: "Opportunities", data: reached, backgroundColor: "#2563eb" }] },
    options: { indexAxis: "y", maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } } },
  }));
  return [section, draw];
}

function cohorts(rows) {
  const width = Math.max(0, ...rows.map((r) => r.values.length));
  const headers = [["Cohort"], ["Size", true], ...Array.from({ length: width }, (_, k) => ["M" + k, true])];
  const heat = table("Logo retention by cohort", headers, rows.map((r) => [r.cohort, numberCell(number(r.size)), ...Array.from({ length: width }, (_, k) => {
    const value = r.values[k];
    const td = cell(value == null ? "" : Math.round(value * 100) + "%", "cell");
    if (value != null) td.style.background = "rgba(37, 99, 235, " + (0.1 + 0.8 * Math.min(1, value)).toFixed(2) + ")";
    if (value != null && value > 0.6) td.style.color = "#fff";
    return td;
  })]), "No cohorts yet.");
  heat.querySelector("table").className = "heat";
  return region("Logo retention by cohort", { className: "half" }, heat);
}

function atRisk(accounts, href) {
  return region("At-risk customers", { className: "half", note: "Customers with an open high or critical risk flag, largest first." },
    table("At-risk customers", [["Customer"], ["Score", true], ["Band"], ["Flags"], ["MRR", true], ["Owner"]], accounts.map((account) => [
      cell(accountLink(account)), numberCell(number(account.health.score)), cell(badge(account.health.band)),
      flags(account.open_flags), numberCell(money(account.mrr)), account.owner || "—",
    ]), "No customer at risk."),
    el("p", {}, el("a", { href }, "Every at-risk customer")));
}

function renewals(items) {
  return region("Renewals in the next 90 days", { className: "half" },
    table("Renewals in the next 90 days", [["Customer"], ["Renews"], ["MRR", true], ["Health"], ["Days since executive contact", true]], items.map((r) => [
      cell(accountLink({ id: r.account_id, name: r.account_name })), date(r.renewal_date), numberCell(money(r.mrr)), cell(badge(r.health.band)),
      numberCell(number(r.days_since_executive_contact)),
    ]), "No renewal in the next 90 days."));
}

start(async (content) => {
  charts.forEach((chart) => chart.destroy());
  charts = [];
  document.body.classList.toggle("no-charts", !window.Chart);
  if (session.key.owner) {
    // Company-wide figures are not for a key kept to one owner's accounts (PRIVACY.md): its day is on the worklist.
    content.append(region("Your accounts", {}, el("p", {}, "This key sees only the accounts of " + session.key.owner + ": ",
      el("a", { href: "/work" }, "your worklist"), " and ", el("a", { href: "/accounts" }, "your accounts"), ".")));
    return;
  }
  const current = slice();
  const sliced = (base, extra = {}) => path(base, { ...extra, segment: current.segment, owner: current.owner });
  const now = new Date();
  const monthAgo = new Date(now.getTime() - 30 * day).toISOString();
  const from = isoMonth(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 23, 1)));
  const [summary, before, revenue, pipeline, cohortRows, risky, upcoming] = await Promise.all([
    api(sliced("/v1/metrics/summary")), api(sliced("/v1/metrics/summary", { as_of: monthAgo })),
    api(sliced("/v1/metrics/revenue", { from, to: isoMonth(now) })), api(sliced("/v1/metrics/pipeline")),
    api(sliced("/v1/metrics/cohorts", { basis: "logo" })), api(sliced("/v1/accounts", { at_risk: true, sort: "-mrr", limit: 12 })),
    api(path("/v1/renewals", { within_days: 90, owner: current.owner, limit: 12 })),
  ]);
  document.getElementById("as-of").textContent = "as of " + summary.as_of.slice(0, 16).replace("T", " ") + " UTC · " + session.currency.toUpperCase();
  const atRiskHref = sliced("/accounts", { at_risk: true, sort: "-mrr" });
  const drawn = [mrr(revenue.data), health(summary.health), funnel(pipeline)];
  content.append(sliceForm(current), headline(summary, before, atRiskHref), drawn[0][0], drawn[1][0], drawn[2][0],
    cohorts(cohortRows.data), atRisk(risky.data, atRiskHref), renewals(upcoming.data));
  return () => { if (window.Chart) drawn.forEach(([, draw]) => draw()); };
});
