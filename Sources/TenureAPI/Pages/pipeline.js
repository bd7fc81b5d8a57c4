// `/pipeline`: the board — a column per open stage in pipeline order with the API's count and total, a card per open
// deal; "Move to …" moves a deal (closed lost asks for a reason). `?owner=` keeps one person's deals.
import {
  api, path, el, action, marker, accountLink, accountsByID, money, amount, number, stageName, params, navigate, refresh, canWrite, start,
} from "/assets/tenure.js";

const targets = ["prospecting", "discovery", "solution_fit", "proposal", "closed_won", "closed_lost"];
const move = (deal, stage, lostReason) => api(`/v1/opportunities/${encodeURIComponent(deal.id)}/stage`, {
  method: "POST", body: lostReason === undefined ? { stage } : { stage, lost_reason: lostReason },
});

function lostForm(deal) {
  const reason = el("input", { type: "text", placeholder: "Why was it lost?", "aria-label": "Lost reason for " + deal.name, maxLength: 500 });
  const form = el("span", { className: "inline", hidden: true }, reason,
    action("Mark lost", () => move(deal, "closed_lost", reason.value.trim()), refresh));
  return form;
}

function card(deal, account) {
  const lost = lostForm(deal);
  const moves = targets.filter((stage) => stage !== deal.stage).map((stage) => {
    const name = "Move to " + stageName(stage);
    const shown = { closed_won: "Won", closed_lost: "Lost" }[stage] || stageName(stage);
    if (stage !== "closed_lost") return action(name, () => move(deal, stage), refresh, { shown });
    const button = el("button", { type: "button", "aria-label": name, disabled: !canWrite() }, shown);
    button.addEventListener("click", () => { lost.hidden = false; lost.querySelector("input").focus(); });
    return button;
  });
  return el("li", { "data-deal": deal.id },
    el("div", { className: "deal" }, deal.name),
    el("div", {}, accountLink(account || { id: deal.account_id, name: deal.account_id })),
    el("div", { className: "meta" }, amount(deal.amount, deal.currency), " · ", number(deal.days_in_stage), " days in stage",
      deal.stalled ? marker("stalled") : null),
    el("div", { className: "moves" }, "Move to", moves), lost);
}

async function column(stage, totals, owner) {
  const heading = "column-" + stage;
  const list = el("ul", { "aria-labelledby": heading });
  const more = el("button", { type: "button", className: "quiet", hidden: true }, "Show more");
  const load = async (cursor) => {
    const page = await api(path("/v1/opportunities", { stage, open: true, owner, limit: 20, cursor }));
    const accounts = await accountsByID(page.data.map((deal) => deal.account_id));
    list.append(...page.data.map((deal) => card(deal, accounts.get(deal.account_id))));
    more.hidden = !page.next_cursor;
    more.dataset.cursor = page.next_cursor || "";
  };
  more.addEventListener("click", () => load(more.dataset.cursor));
  await load();
  return el("div", { className: "column", "data-stage": stage },
    el("h2", { id: heading }, stageName(stage)),
    el("p", { className: "totals", "data-count": totals.count, "data-value": totals.value },
      number(totals.count), totals.count === 1 ? " deal · " : " deals · ", money(totals.value), totals.stalled_count ? " · " + totals.stalled_count + " stalled" : ""),
    list, more);
}

start(async (content) => {
  const owner = params().get("owner") || "";
  const [metrics, owners] = await Promise.all([api(path("/v1/metrics/pipeline", { owner })), api("/v1/owners")]);
  const choose = el("select", { id: "board-owner", name: "owner" },
    [["", "every owner"], ...owners.data.map((o) => [o.owner, o.owner])].map(([value, text]) => el("option", { value, selected: value === owner }, text)));
  const form = el("form", { className: "filters", "aria-label": "Owner" }, el("label", {}, "Owner", choose), el("button", { type: "submit" }, "Show"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    navigate(new URLSearchParams(choose.value ? { owner: choose.value } : {}));
  });
  const columns = await Promise.all(metrics.open_by_stage.map((totals) => column(totals.stage, totals, owner)));
  content.append(el("section", { "aria-label": "Board" }, form, el("div", { className: "board" }, columns)));
});
