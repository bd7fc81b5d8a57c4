// `/accounts`: search by name or domain, filter by lifecycle stage, segment, owner, band or risk, sort by MRR, health
// or renewal; one page of 50 at a time. The filters live in the address, so a list is a link and back returns to it.
import { api, path, el, region, table, cell, numberCell, badge, accountLink, money, number, date, words, params, navigate, start } from "/assets/tenure.js";

const filters = ["q", "lifecycle_stage", "segment", "owner", "band", "at_risk", "sort"];
const choices = {
  lifecycle_stage: [["", "any stage"], ["prospect", "prospect"], ["pending_payment", "pending payment"], ["customer", "customer"], ["churned", "churned"]],
  segment: [["", "any segment"], ["smb", "smb"], ["mid_market", "mid market"], ["enterprise", "enterprise"]],
  band: [["", "any band"], ["green", "green"], ["yellow", "yellow"], ["red", "red"], ["unscored", "unscored"]],
  sort: [["", "oldest first"], ["-mrr", "MRR, highest first"], ["mrr", "MRR, lowest first"], ["health", "health, lowest first"],
    ["-health", "health, highest first"], ["renewal", "renewal, soonest first"]],
};

function select(name, label, options, current) {
  return el("label", {}, label, el("select", { name, id: "filter-" + name }, options.map(([value, text]) => el("option", { value, selected: value === current }, text))));
}

function filterForm(current, owners) {
  const form = el("form", { className: "filters", id: "account-filters", "aria-label": "Filters" },
    el("label", {}, "Name or domain", el("input", { name: "q", id: "filter-q", type: "search", value: current.get("q") || "", autocomplete: "off" })),
    select("lifecycle_stage", "Lifecycle stage", choices.lifecycle_stage, current.get("lifecycle_stage") || ""),
    select("segment", "Segment", choices.segment, current.get("segment") || ""),
    select("owner", "Owner", [["", "any owner"], ...owners.map((o) => [o.owner, o.owner])], current.get("owner") || ""),
    select("band", "Band", choices.band, current.get("band") || ""),
    el("label", {}, "At risk", el("input", { type: "checkbox", name: "at_risk", id: "filter-at_risk", checked: current.get("at_risk") === "true" })),
    select("sort", "Sort", choices.sort, current.get("sort") || ""),
    el("button", { type: "submit" }, "Show"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const name of filters) {
      const field = form.elements[name];
      const value = field.type === "checkbox" ? (field.checked ? "true" : "") : field.value.trim();
      if (value) next.set(name, value);
    }
    navigate(next);
  });
  return form;
}

start(async (content) => {
  const current = params();
  const query = { limit: 50, cursor: current.get("cursor") };
  for (const name of filters) query[name] = current.get(name);
  const [page, owners] = await Promise.all([api(path("/v1/accounts", query)), api("/v1/owners")]);
  const rows = page.data.map((account) => [
    cell(accountLink(account)), account.domain || "—", words(account.lifecycle_stage), words(account.segment), account.owner || "—",
    numberCell(money(account.mrr)), numberCell(number(account.health.score)), cell(badge(account.health.band)), date(account.renewal_date),
  ]);
  const pager = el("div", { className: "pager" });
  if (current.get("cursor")) {
    const first = new URLSearchParams(current);
    first.delete("cursor");
    pager.append(el("a", { href: location.pathname + (first.toString() ? "?" + first : "") }, "First page"));
  }
  if (page.next_cursor) {
    const next = new URLSearchParams(current);
    next.set("cursor", page.next_cursor);
    const button = el("button", { type: "button", className: "quiet" }, "Next page");
    button.addEventListener("click", () => navigate(next));
    pager.append(button);
  }
  content.append(region("Accounts", {},
    filterForm(current, owners.data),
    table("Accounts", [["Name"], ["Domain"], ["Lifecycle stage"], ["Segment"], ["Owner"], ["MRR", true], ["Score", true], ["Band"], ["Renewal"]],
      rows, "No account matches."),
    pager));
});
