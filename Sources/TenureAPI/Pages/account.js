// `/accounts/{id}`: the 360° view of one account — who it is and how healthy, why it is at risk, what to do, and
// everything else it has (contacts, deals, contracts, payments, cases, usage, timeline), each region from the API.
import {
  api, path, el, region, table, cell, numberCell, badge, link, marker, due, completeTask, money, amount, number, date, words, stageName, setTitle,
  start,
} from "/assets/tenure.js";

const id = decodeURIComponent(location.pathname.split("/")[2] || "");
const base = "/accounts/" + encodeURIComponent(id);
const trend = (points) => points == null ? "no trend yet" : (points > 0 ? "▲ " : points < 0 ? "▼ " : "") + Math.abs(points) + " points in 30 days";
const inputs = (values) => Object.entries(values).map(([name, value]) => words(name) + " " + (value == null ? "—" : number(value, 2))).join(" · ");

function header(account, health) {
  const facts = [
    ["Domain", account.domain || "—"], ["Lifecycle stage", words(account.lifecycle_stage)], ["MRR", money(account.mrr)],
    ["Customer since", date(account.customer_since)], ["Renewal date", date(account.renewal_date)], ["Owner", account.owner || "—"],
    ["Health", el("span", {}, number(health.score), " ", badge(health.band), " ", el("span", { className: "note" }, trend(health.trend_30d)))],
  ];
  return el("section", { "aria-label": "Account", id: "account-header" },
    el("dl", { className: "facts" }, facts.map(([label, value]) => el("div", { "data-fact": label }, el("dt", {}, label), el("dd", {}, value)))));
}

function healthRegion(health) {
  const flags = [...health.flags, ...health.growth_flags];
  return region("Health", { className: "half" },
    table("Health", [["Component"], ["Weight", true], ["Score", true], ["Inputs"]], health.components.map((c) => [
      words(c.name), numberCell(number(c.weight, 2)), numberCell(number(c.score)), cell(inputs(c.inputs), "wrap"),
    ]), "Not scored yet."),
    el("h3", { id: "open-flags" }, "Open flags"),
    el("ul", { className: "flags", "aria-labelledby": "open-flags" }, flags.length
      ? flags.map((flag) => el("li", { "data-flag": flag.code },
        el("span", { className: "flag" + (flag.severity === "info" ? " growth" : "") }, words(flag.code)), " ", flag.severity, " since ", date(flag.since),
        el("br"), el("strong", {}, "What to do: "), flag.action))
      : el("li", { className: "empty" }, "No open flag.")));
}

async function tasksTable() {
  const [open, done] = await Promise.all([
    api(path("/v1/tasks", { account_id: id, status: "open", sort: "due_at", limit: 100 })),
    api(path("/v1/tasks", { account_id: id, status: "done", limit: 20 })),
  ]);
  const holder = el("div", { id: "tasks" });
  const rows = [...open.data, ...done.data].map((task) => [
    cell(task.title, "wrap"), task.owner || "—", due(task), words(task.status),
    cell(task.status === "open" ? completeTask(task, async () => holder.replaceWith(await tasksTable())) : date(task.completed_at)),
  ]);
  holder.append(table("Tasks", [["Task"], ["Owner"], ["Due"], ["Status"], ["Action"]], rows, "No task."));
  return holder;
}

function timelineRegion(first) {
  const list = el("ol", { className: "timeline" });
  const more = el("button", { type: "button", className: "quiet" }, "Load more");
  const add = (page) => {
    list.append(...page.data.map((item) => el("li", {}, el("time", { dateTime: item.at }, date(item.at)), " ", el("strong", {}, words(item.kind)), " — ", item.summary)));
    more.hidden = !page.next_cursor;
    more.dataset.cursor = page.next_cursor || "";
  };
  more.addEventListener("click", async () => add(await api(path(`/v1/accounts/${encodeURIComponent(id)}/timeline`, { limit: 20, cursor: more.dataset.cursor }))));
  add(first);
  if (!first.data.length) list.append(el("li", { className: "empty" }, "Nothing yet."));
  return region("Timeline", {}, list, more);
}

start(async (content) => {
  const ninetyDaysAgo = new Date(Date.now() - 90 * 86400000).toISOString().slice(0, 10);
  const [account, health, tasks, contacts, deals, contracts, payments, cases, usage, timeline] = await Promise.all([
    api("/v1/accounts/" + encodeURIComponent(id)),
    api(`/v1/accounts/${encodeURIComponent(id)}/health`),
    tasksTable(),
    api(path("/v1/contacts", { account_id: id, limit: 100 })),
    api(path("/v1/opportunities", { account_id: id, limit: 100 })),
    api(path("/v1/contracts", { account_id: id, limit: 100 })),
    api(path("/v1/payments", { account_id: id, limit: 50 })),
    api(path("/v1/cases", { account_id: id, limit: 100 })),
    api(path("/v1/usage", { account_id: id, from: ninetyDaysAgo, limit: 100 })),
    api(path(`/v1/accounts/${encodeURIComponent(id)}/timeline`, { limit: 20 })),
  ]);
  setTitle(account.name);
  content.append(
    header(account, health),
    healthRegion(health),
    region("Tasks", { className: "half" }, tasks),
    region("Contacts", { className: "half" }, table("Contacts", [["Name"], ["Title"], ["Role"], ["Relationship"], ["Last contacted"]],
      contacts.data.map((c) => [c.name || c.email || "—", c.title || "—", words(c.role), words(c.relationship_strength), date(c.last_contacted_at)]),
      "No contact.")),
    region("Opportunities", { className: "half" }, table("Opportunities", [["Deal"], ["Stage"], ["Amount", true], ["Days in stage", true], ["Close date"], ["Owner"]],
      deals.data.map((d) => [d.name, cell([stageName(d.stage), d.stalled ? marker("stalled") : null]),
        numberCell(amount(d.amount, d.currency)), numberCell(number(d.days_in_stage)), date(d.close_date), d.owner || "—"]),
      "No opportunity.")),
    region("Contracts", { className: "half" }, table("Contracts", [["Status"], ["Start"], ["End"], ["Billing"], ["Amount", true], ["MRR", true], ["Renews"]],
      contracts.data.map((c) => [words(c.status), date(c.start_date), date(c.end_date), words(c.billing_interval),
        numberCell(amount(c.recurring_amount, c.currency)), numberCell(money(c.mrr)), date(c.renewal_date)]),
      "No contract.")),
    region("Payments", { className: "half" }, table("Payments", [["Date"], ["Amount", true], ["Status"], ["Source"], ["Reference"]],
      payments.data.map((p) => [date(p.at), numberCell(amount(p.amount, p.currency)), words(p.status), words(p.source), p.reference || "—"]),
      "No payment.")),
    region("Cases", { className: "half" }, table("Cases", [["Subject"], ["Priority"], ["Status"], ["Opened"], ["First response"]],
      cases.data.map((c) => [cell(c.subject, "wrap"), words(c.priority), words(c.status), date(c.opened_at),
        cell([c.first_response_at ? date(c.first_response_at) : "owed, due " + date(c.first_response_due_at), c.breached ? marker("breached") : null])]),
      "No case.")),
    region("Usage", { className: "half", note: "Active users against licensed seats, last 90 days." },
      el("div", { className: "tall" }, table("Usage", [["Date"], ["Active users", true], ["Seats", true]],
        [...usage.data].reverse().map((u) => [date(u.date), numberCell(number(u.active_users)), numberCell(number(u.licensed_seats))]),
        "No usage in the last 90 days."))),
    timelineRegion(timeline),
    el("p", {}, link("/accounts", "All accounts")),
  );
});
