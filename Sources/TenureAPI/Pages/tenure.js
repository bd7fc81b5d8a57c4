// What every page shares: the key kept in the browser, the API, formatting, regions, tables and actions.
// A page module calls `start(render)`; `render(content)` fills a fragment from the API (and may return what to run once
// it is in the page, such as drawing charts), or throws to show the problem.
"use strict";

const storageKey = "tenure.api_key";
const message = document.getElementById("message");

/// The calling key (`GET /v1/keys/current`) and the reporting currency, read once per render.
export const session = { key: null, currency: "usd" };

/// Whether the key may act (complete, move, qualify): a read key sees everything with its actions disabled.
export const canWrite = () => session.key != null && (session.key.scope === "write" || session.key.scope === "admin");

/// Calls the API with the key; answers the JSON body, or throws an Error carrying the problem's `detail` and status.
export async function api(path, { method = "GET", body } = {}) {
  const headers = { Authorization: "Bearer " + (localStorage.getItem(storageKey) || "") };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const payload = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw Object.assign(new Error(payload.detail || payload.title || response.statusText), { status: response.status, problem: payload });
  }
  return payload;
}

/// A path with query parameters, leaving out empty ones.
export function path(base, params = {}) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== "") query.set(name, value);
  const text = query.toString();
  return text ? base + (base.includes("?") ? "&" : "?") + text : base;
}

/// The accounts of these ids by id (`GET /v1/accounts?ids=`, 100 at a time), for lists that name each row's account.
export async function accountsByID(ids) {
  const unique = [...new Set(ids.filter(Boolean))];
  const found = new Map();
  for (let start = 0; start < unique.length; start += 100) {
    const page = await api(path("/v1/accounts", { ids: unique.slice(start, start + 100).join(","), limit: 100 }));
    page.data.forEach((account) => found.set(account.id, account));
  }
  return found;
}

// Formatting: amounts are minor units of the reporting currency; dates are YYYY-MM-DD.
export const money = (minor) => minor == null ? "—" : new Intl.NumberFormat("en-US", {
  style: "currency", currency: session.currency.toUpperCase(), notation: Math.abs(minor) >= 1e8 ? "compact" : "standard",
  maximumFractionDigits: Math.abs(minor) >= 1e8 ? 1 : 0,
}).format(minor / 100);
/// An amount in its own currency (a deal's, a contract's, a payment's), with the currency's symbol.
export const amount = (minor, currency) => minor == null ? "—" : new Intl.NumberFormat("en-US", {
  style: "currency", currency: (currency || session.currency).toUpperCase(),
}).format(minor / 100);
export const percent = (rate) => rate == null ? "—" : (rate * 100).toFixed(1) + "%";
export const number = (value, digits = 0) => value == null ? "—" : Number(value).toLocaleString("en-US", { maximumFractionDigits: digits });
export const date = (text) => text ? String(text).slice(0, 10) : "—";
export const words = (code) => code ? String(code).replaceAll("_", " ") : "—";
export const stageName = (stage) => ({ solution_fit: "Solution fit", closed_won: "Closed won", closed_lost: "Closed lost" })[stage]
  || (stage ? stage[0].toUpperCase() + stage.slice(1) : "—");

/// An element: `el("td", { className: "number" }, "12")`; attributes with a dash (aria-*, data-*) are set as attributes.
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.includes("-") || name === "role" || name === "for") element.setAttribute(name, value === true ? "" : value);
    else element[name] = value;
  }
  element.append(...children.flat().filter((child) => child !== undefined && child !== null).map((child) => child instanceof Node ? child : String(child)));
  return element;
}

let regions = 0;
/// A region: a `section` named by its heading (`aria-labelledby`), so a screen reader lists it as a landmark.
export function region(name, { className, note } = {}, ...content) {
  const id = "region-" + (++regions);
  return el("section", { "aria-labelledby": id, className }, el("h2", { id }, name), note ? el("p", { className: "note" }, note) : null, ...content);
}

export const cell = (content, className) => el("td", { className }, content);
export const numberCell = (content) => el("td", { className: "number" }, content);
export const badge = (band) => el("span", { className: "band " + (band || "unscored") }, band || "unscored");
export const link = (href, text) => el("a", { href }, text);
/// A small warning beside a value: "overdue", "stalled", "breached".
export const marker = (text) => el("span", { className: "marker" }, " " + text);
/// A task's due date, marked overdue while it is open and past due.
export const due = (task) => cell([date(task.due_at), task.status === "open" && task.due_at < new Date().toISOString() ? marker("overdue") : null]);
/// "Complete" on an open task (`PATCH /v1/tasks/{id}`); `done` shows the new state.
export const completeTask = (task, done) =>
  action("Complete", () => api("/v1/tasks/" + encodeURIComponent(task.id), { method: "PATCH", body: { status: "done" } }), done);
export const flags = (codes) => cell(codes.map((code) => el("span", { className: "flag" }, words(code))));
export const accountLink = (account) => account ? link("/accounts/" + encodeURIComponent(account.id), account.name) : "—";

/// A table captioned `caption`: `headers` are `[label, numeric?]`, each row an array of cells (a `td` or text).
/// The caption is for screen readers: the region's heading above shows the same name.
export function table(caption, headers, rows, emptyText) {
  const head = el("tr", {}, headers.map(([label, numeric]) => el("th", { scope: "col", className: numeric ? "number" : undefined }, label)));
  const body = rows.length
    ? rows.map((cells) => el("tr", {}, cells.map((c) => c instanceof HTMLTableCellElement ? c : cell(c))))
    : [el("tr", {}, el("td", { className: "empty", colSpan: headers.length }, emptyText))];
  return el("div", { className: "scroll" },
    el("table", {}, el("caption", { className: "hidden" }, caption), el("thead", {}, head), el("tbody", {}, body)));
}

/// A button named `name` that calls the API: disabled for a key that cannot write; while it runs, disabled; on an
/// error, the problem's detail beside it and nothing else changes; on success, `done(result)` shows the new state.
/// `shown` is a shorter visible text (a board's "Proposal" for "Move to Proposal").
export function action(name, run, done, { shown, className } = {}) {
  const problem = el("span", { className: "error", role: "alert" });
  const button = el("button", {
    type: "button", className, disabled: !canWrite(), title: canWrite() ? undefined : "Needs a key with write scope", "aria-label": shown ? name : undefined,
  }, shown || name);
  button.addEventListener("click", async () => {
    problem.textContent = "";
    button.disabled = true;
    try {
      const result = await run();
      await done(result);
    } catch (error) {
      problem.textContent = error.message;
    } finally {
      button.disabled = !canWrite();
    }
  });
  return el("span", { className: "inline" }, button, problem);
}

/// The page's own address parameters (its filters), and a way to change them that the back button undoes.
export const params = () => new URLSearchParams(location.search);
export function navigate(search) {
  const text = search.toString();
  history.pushState(null, "", location.pathname + (text ? "?" + text : ""));
  rerender();
}

export function show(text) {
  message.textContent = text;
  message.classList.toggle("shown", Boolean(text));
}

export function setTitle(text) {
  document.getElementById("title").textContent = text;
  document.title = text;
}

let rerender = () => {};
/// Renders the page again from the API (after an action), without reloading it.
export const refresh = () => rerender();

/// Runs `render` once the key is known, again on the back button and when another key is pasted; marks the body
/// `data-state` loading, complete or failed (what the browser tests wait for).
export function start(render) {
  const page = document.getElementById("page");
  for (const anchor of document.querySelectorAll("header nav a")) {
    const here = anchor.getAttribute("href") === "/" ? location.pathname === "/" : location.pathname.startsWith(anchor.getAttribute("href"));
    if (here) anchor.setAttribute("aria-current", "page");
  }
  const keyInput = document.getElementById("key");
  document.getElementById("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const key = keyInput.value.trim();
    if (key) localStorage.setItem(storageKey, key); else localStorage.removeItem(storageKey);
    keyInput.value = "";
    run();
  });
  let generation = 0;
  async function run() {
    const mine = ++generation;
    regions = 0;
    if (!localStorage.getItem(storageKey)) {
      page.replaceChildren();
      show("Paste an API key (tenure keys create --name pages --scope write) to see and work on your accounts.");
      document.body.dataset.state = "needs-key";
      return;
    }
    show("");
    document.body.dataset.state = "loading";
    try {
      const [key, settings] = await Promise.all([api("/v1/keys/current"), api("/v1/settings/revenue")]);
      session.key = key;
      session.currency = settings.reporting_currency || "usd";
      const note = document.getElementById("key-note");
      note.hidden = canWrite();
      note.textContent = canWrite() ? "" : "This key reads only: actions are disabled.";
      const content = document.createDocumentFragment();
      const attached = await render(content);
      if (mine !== generation) return;
      page.replaceChildren(content);
      if (attached) attached();
      performance.mark("page-complete");
      document.body.dataset.state = "complete";
    } catch (error) {
      if (mine !== generation) return;
      document.body.dataset.state = "failed";
      show(error.status === 401 || error.status === 403 ? "The key was refused (" + error.message + "). Paste another one." : "Could not load the page: " + error.message);
    }
  }
  rerender = run;
  window.addEventListener("popstate", run);
  run();
}
