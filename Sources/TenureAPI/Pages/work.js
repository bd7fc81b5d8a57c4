// `/work`: one person's day — open tasks by due date (overdue marked, "Complete" on each), at-risk customers,
// renewals in the next 90 days and cases still owed a first response. The person is chosen from the owners and
// remembered in this browser; a key kept to an owner starts on that owner.
import {
  api, path, el, region, table, cell, numberCell, badge, flags, marker, due, completeTask, accountLink, accountsByID, money, number, date, words,
  params, navigate, session, start,
} from "/assets/tenure.js";

const rememberedOwner = "tenure.work_owner";

async function tasksTable(owner) {
  const page = await api(path("/v1/tasks", { owner, status: "open", sort: "due_at", limit: 100 }));
  const accounts = await accountsByID(page.data.map((task) => task.account_id));
  const holder = el("div", { id: "tasks" });
  holder.append(table("Tasks", [["Due"], ["Task"], ["Account"], ["Action"]], page.data.map((task) => [
    due(task), cell(task.title, "wrap"), cell(accountLink(accounts.get(task.account_id))),
    cell(completeTask(task, async () => holder.replaceWith(await tasksTable(owner)))),
  ]), "No open task."));
  return holder;
}

start(async (content) => {
  const owners = (await api("/v1/owners")).data;
  const owner = params().get("owner") || localStorage.getItem(rememberedOwner) || session.key.owner || owners[0]?.owner || "";
  localStorage.setItem(rememberedOwner, owner);
  const choose = el("select", { id: "work-owner", name: "owner" }, owners.map((o) => el("option", { value: o.owner, selected: o.owner === owner }, o.owner)));
  const form = el("form", { className: "filters", "aria-label": "Person" }, el("label", {}, "Whose day", choose), el("button", { type: "submit" }, "Show"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    localStorage.setItem(rememberedOwner, choose.value);
    navigate(new URLSearchParams({ owner: choose.value }));
  });
  const [tasks, risky, renewals, cases] = await Promise.all([
    tasksTable(owner),
    api(path("/v1/accounts", { owner, at_risk: true, sort: "-mrr", limit: 100 })),
    api(path("/v1/renewals", { owner, within_days: 90, limit: 100 })),
    api(path("/v1/cases", { owner, status: "open", awaiting_response: true, limit: 100 })),
  ]);
  const caseAccounts = await accountsByID(cases.data.map((c) => c.account_id));
  content.append(
    el("section", { "aria-label": "Person" }, form),
    region("Tasks", { note: "Open, earliest due first." }, tasks),
    region("At-risk customers", { className: "half", note: "Customers with an open high or critical risk flag." },
      table("At-risk customers", [["Customer"], ["Score", true], ["Band"], ["Flags"], ["MRR", true]], risky.data.map((account) => [
        cell(accountLink(account)), numberCell(number(account.health.score)), cell(badge(account.health.band)),
        flags(account.open_flags), numberCell(money(account.mrr)),
      ]), "No customer at risk.")),
    region("Renewals", { className: "half", note: "In the next 90 days, the soonest 100." },
      table("Renewals", [["Customer"], ["Renews"], ["MRR", true], ["Health"]], renewals.data.map((r) => [
        cell(accountLink({ id: r.account_id, name: r.account_name })), date(r.renewal_date), numberCell(money(r.mrr)), cell(badge(r.health.band)),
      ]), "No renewal in the next 90 days.")),
    region("Cases", { note: "Open cases still owed a first response: breaching, or breached." },
      table("Cases", [["Subject"], ["Account"], ["Priority"], ["Opened"], ["First response due"]], cases.data.map((c) => [
        cell(c.subject, "wrap"), cell(accountLink(caseAccounts.get(c.account_id))), words(c.priority), date(c.opened_at),
        cell([date(c.first_response_due_at), c.breached ? marker("breached") : null]),
      ]), "No case waiting for a response.")),
  );
});
