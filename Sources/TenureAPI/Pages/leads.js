// `/leads`: the inbox — open leads (new, working, qualified) best score first, the rules that fired for each on
// demand, and "Qualify", "Disqualify" (with a reason) and "Convert" through the API.
import { api, path, el, region, table, cell, action, accountLink, number, date, words, params, navigate, refresh, canWrite, start } from "/assets/tenure.js";

const open = "new,working,qualified";
const leadPath = (lead, verb) => `/v1/leads/${encodeURIComponent(lead.id)}/${verb}`;

/// The rules that fired for a lead, read when the person opens them.
function rules(lead) {
  const details = el("details", {}, el("summary", {}, number(lead.score) + (lead.mql ? " · MQL" : "")));
  details.addEventListener("toggle", async () => {
    if (!details.open || details.dataset.loaded) return;
    details.dataset.loaded = "true";
    try {
      const score = await api(leadPath(lead, "score"));
      details.append(el("ul", {}, score.fired.length
        ? score.fired.map((rule) => el("li", {}, words(rule.key), " ", (rule.points > 0 ? "+" : "") + rule.points))
        : el("li", { className: "empty" }, "No rule fired.")));
    } catch (error) {
      details.append(el("p", { className: "error" }, error.message));
    }
  }, { once: false });
  return details;
}

function actions(lead) {
  const reason = el("input", { type: "text", placeholder: "Reason", "aria-label": "Disqualify reason for " + (lead.name || lead.email), maxLength: 500 });
  const disqualify = el("span", { className: "inline", hidden: true }, reason,
    action("Confirm disqualify", () => api(leadPath(lead, "disqualify"), { method: "POST", body: { reason: reason.value.trim() } }), refresh));
  const ask = el("button", { type: "button", className: "quiet", disabled: !canWrite() }, "Disqualify");
  ask.addEventListener("click", () => { disqualify.hidden = false; reason.focus(); });
  return el("div", { className: "inline" },
    lead.status === "qualified" ? null : action("Qualify", () => api(leadPath(lead, "qualify"), { method: "POST", body: {} }), refresh),
    ask,
    action("Convert", () => api(leadPath(lead, "convert"), { method: "POST", body: {} }), refresh),
    disqualify);
}

start(async (content) => {
  const current = params();
  const owner = current.get("owner") || "";
  const page = await api(path("/v1/leads", { status: open, owner, sort: "-score", limit: 50, cursor: current.get("cursor") }));
  const pager = el("div", { className: "pager" });
  if (page.next_cursor) {
    const button = el("button", { type: "button", className: "quiet" }, "Next page");
    button.addEventListener("click", () => navigate(new URLSearchParams({ ...(owner ? { owner } : {}), cursor: page.next_cursor })));
    pager.append(button);
  }
  content.append(region("Inbox", { note: "Open leads, best score first; open a score to see the rules that fired." },
    table("Inbox", [["Lead"], ["Company"], ["Status"], ["Score"], ["Source"], ["Owner"], ["Created"], ["Actions"]], page.data.map((lead) => [
      cell([lead.name || lead.email, el("br"), el("span", { className: "note" }, lead.email)]), lead.account_id ? cell(accountLink({ id: lead.account_id, name: lead.company || lead.account_id })) : lead.company || "—",
      words(lead.status), cell(rules(lead)), words(lead.source), lead.owner || "—", date(lead.created_at), cell(actions(lead)),
    ]), "No open lead."),
    pager));
});
