"""Every built-in page (UI.md) in headless Chromium on a demo company, checked against the API at the same moment.

Usage: check-pages.py BASE_URL WRITE_KEY READ_KEY OWNER_KEY SCREENSHOT_DIR   (OWNER_KEY: a read key kept to one owner)

For each page: no console error, page error or failed request (but where a step provokes an API error on purpose);
one h1, equal to the title; every region a landmark named by its heading, its table captioned the same, non-empty
where the demo has data; readable at 390 px (nothing wider than the screen) and 1440 px, with a screenshot of each.
Then the figures against the API (the account header's MRR and health score, contacts and open deals, the board's
column counts and totals), one action per page through the UI checked through the API afterwards, a read key's
actions disabled, an API error shown beside its control with nothing changed, the keyboard, deep links and the back
button, a key kept to one owner seeing its accounts only, and the journey from the overview's at-risk number to
completing the task a flag created.
"""
import json
import re
import sys
import time
import urllib.parse
import urllib.request

from playwright.sync_api import sync_playwright

base, write_key, read_key, owner_key, out = sys.argv[1:6]
problems = []
expected_errors = []  # while non-empty, HTTP errors and console errors are what a step provoked on purpose


def problem(text):
    problems.append(text)
    print("  PROBLEM", text, flush=True)


def api(path, key=write_key, method="GET", body=None):
    request = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode())
    request.add_header("Authorization", "Bearer " + key)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def task_status(task):
    """A task's status now, read from its account's tasks."""
    tasks = api(f"/v1/tasks?account_id={urllib.parse.quote(task['account_id'])}&limit=500")["data"]
    return next((t["status"] for t in tasks if t["id"] == task["id"]), None)


def digits(text):
    """The whole units of a formatted amount ("$41,267" → 41267), or None."""
    found = re.sub(r"[^0-9]", "", text.split(".")[0])
    return int(found) if found else None


def watch(page, name):
    def on_console(message):
        if message.type in ("error", "warning") and not expected_errors:
            problem(f"{name}: console {message.type}: {message.text}")

    def on_response(response):
        if response.status >= 400 and not expected_errors:
            problem(f"{name}: HTTP {response.status}: {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problem(f"{name}: page error: {error}"))
    page.on("requestfailed", lambda request: problem(f"{name}: request failed: {request.url} {request.failure}"))
    page.on("response", on_response)


def settle(page, name):
    page.wait_for_selector("body[data-state=complete], body[data-state=failed]", timeout=30000)
    if page.get_attribute("body", "data-state") != "complete":
        problem(f"{name}: the page did not complete: {page.inner_text('#message')}")


def open_page(browser, path, key=write_key, width=1440):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.add_init_script(f"localStorage.setItem('tenure.api_key', {key!r})")
    watch(page, path)
    page.goto(base + path)
    settle(page, path)
    return page


def check_structure(page, name, regions, may_be_empty=()):
    """One h1 equal to the title; each region a landmark with a captioned table of the same name, with rows."""
    if page.locator("h1").count() != 1 or page.inner_text("h1") != page.title():
        problem(f"{name}: h1 {page.inner_text('h1')!r} and title {page.title()!r} differ")
    for region in regions:
        landmark = page.get_by_role("region", name=region, exact=True)
        if landmark.count() != 1:
            problem(f"{name}: {landmark.count()} regions named {region!r}")
            continue
        tables = landmark.locator("table").count()
        if tables != landmark.get_by_role("table", name=region, exact=True).count():
            problem(f"{name}: of the {tables} tables of region {region!r}, not every one is captioned {region!r}")
        if not landmark.locator("tbody tr, ol li, .card").count():
            problem(f"{name}: region {region!r} shows nothing")
        empty = landmark.locator("td.empty, li.empty").count() > 0
        if empty and region not in may_be_empty:
            problem(f"{name}: region {region!r} is empty")


def check_widths(browser, path, key, shot):
    for width in (1440, 390):
        page = open_page(browser, path, key, width)
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        if wide > width:
            problem(f"{path} at {width} px is {wide} px wide")
        page.screenshot(path=f"{out}/{shot}-{width}.png", full_page=True)
        page.close()


def at_risk_account():
    """The at-risk customer with the most to show: open tasks, contacts, deals, contracts, payments, cases, usage."""
    best, best_filled = None, -1
    for account in api("/v1/accounts?at_risk=true&sort=-mrr&limit=20")["data"]:
        q = urllib.parse.quote(account["id"])
        filled = sum(bool(api(f"{path}account_id={q}&limit=1")["data"]) for path in (
            "/v1/tasks?status=open&", "/v1/contacts?", "/v1/opportunities?", "/v1/contracts?", "/v1/payments?", "/v1/cases?", "/v1/usage?"))
        if filled > best_filled:
            best, best_filled = account, filled
    return best


def complete_first_task(page, name, press=None, title=None):
    """Completes the first open task of `#tasks` (or the first titled `title`) by a click (or focus and `press`);
    waits until the list offers one Complete less."""
    rows = page.locator("#tasks tbody tr", has_text=title) if title else page.locator("#tasks tbody tr")
    buttons = rows.get_by_role("button", name="Complete")
    count = page.locator("#tasks").get_by_role("button", name="Complete").count()
    if count == 0:
        problem(f"{name}: no Complete button")
        return
    if press:
        buttons.first.focus()
        page.keyboard.press(press)
    else:
        buttons.first.click()
    page.wait_for_function("n => [...document.querySelectorAll('#tasks button')].filter(b => b.textContent === 'Complete').length < n",
                           arg=count, timeout=10000)


with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
    started = time.monotonic()

    # The overview: its regions, and every account name a link into its page.
    page = open_page(browser, "/")
    check_structure(page, "/", ["Headline numbers", "MRR and its movements", "Health of customers", "Pipeline funnel",
                                "Logo retention by cohort", "At-risk customers", "Renewals in the next 90 days"])
    for region in ("At-risk customers", "Renewals in the next 90 days"):
        names = page.get_by_role("region", name=region).locator("tbody tr td:first-child")
        links = page.get_by_role("region", name=region).locator("tbody tr td:first-child a[href^='/accounts/']")
        if names.count() == 0 or names.count() != links.count():
            problem(f"/: {links.count()} of the {names.count()} names of {region!r} link to their account")
    page.close()

    # The accounts list: the API's first page, sorted and filtered through the form; back returns.
    page = open_page(browser, "/accounts")
    check_structure(page, "/accounts", ["Accounts"])
    api_first = api("/v1/accounts?limit=50")["data"]
    rows = page.get_by_role("table", name="Accounts").locator("tbody tr")
    if rows.count() != len(api_first) or rows.first.locator("td").first.inner_text() != api_first[0]["name"]:
        problem(f"/accounts shows {rows.count()} rows, the API {len(api_first)}")
    page.select_option("#filter-sort", "-mrr")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/accounts?sort=-mrr")
    settle(page, "/accounts?sort=-mrr")
    biggest = api("/v1/accounts?sort=-mrr&limit=1")["data"][0]
    if rows.first.locator("td").first.inner_text() != biggest["name"]:
        problem(f"/accounts?sort=-mrr starts with {rows.first.locator('td').first.inner_text()!r}, the API with {biggest['name']!r}")
    page.go_back()
    page.wait_for_url(base + "/accounts")
    settle(page, "/accounts back")
    if rows.first.locator("td").first.inner_text() != api_first[0]["name"]:
        problem("/accounts: the back button did not return to the unsorted list")
    page.close()

    # The account page: header figures, contacts and open deals against the API; complete a task.
    account = at_risk_account()
    account_id = urllib.parse.quote(account["id"])
    account_path = "/accounts/" + account_id
    page = open_page(browser, account_path)
    regions = ["Health", "Tasks", "Contacts", "Opportunities", "Contracts", "Payments", "Cases", "Usage", "Timeline"]
    optional = [r for r, path in zip(regions[3:8], ("/v1/opportunities?", "/v1/contracts?", "/v1/payments?", "/v1/cases?", "/v1/usage?"))
                if not api(f"{path}account_id={account_id}&limit=1")["data"]]
    check_structure(page, account_path, regions, may_be_empty=optional)
    fresh = api(f"/v1/accounts/{account_id}")
    health = api(f"/v1/accounts/{account_id}/health")
    if page.inner_text("h1") != fresh["name"]:
        problem(f"{account_path}: h1 {page.inner_text('h1')!r}, the account is {fresh['name']!r}")
    shown_mrr = digits(page.inner_text("[data-fact=MRR] dd"))
    if shown_mrr != round(fresh["mrr"] / 100):
        problem(f"{account_path}: header MRR {shown_mrr}, the API {fresh['mrr']}")
    shown_score = page.inner_text("[data-fact=Health] dd").split()[0]
    if shown_score != str(health["score"]) or str(fresh["health"]["score"]) != shown_score:
        problem(f"{account_path}: header score {shown_score}, the API {health['score']}")
    contacts = api(f"/v1/contacts?account_id={account_id}&limit=100")["data"]
    if page.get_by_role("table", name="Contacts").locator("tbody tr:not(:has(td.empty))").count() != len(contacts):
        problem(f"{account_path}: the contacts shown are not the API's {len(contacts)}")
    open_deals = api(f"/v1/opportunities?account_id={account_id}&open=true&limit=100")["data"]
    shown_open = sum(1 for text in page.get_by_role("table", name="Opportunities").locator("tbody tr td:nth-child(2)").all_inner_texts()
                     if not text.startswith("Closed"))
    if shown_open != len(open_deals):
        problem(f"{account_path}: {shown_open} open deals shown, the API {len(open_deals)}")
    flags = page.get_by_role("list", name="Open flags").locator("li:not(.empty)")
    if flags.count() != len(health["flags"]) + len(health["growth_flags"]) or flags.count() == 0:
        problem(f"{account_path}: {flags.count()} flags shown, the API {len(health['flags'])} risks (at risk: why must show)")
    open_tasks = api(f"/v1/tasks?account_id={account_id}&status=open&sort=due_at")["data"]
    complete_first_task(page, account_path)
    if not open_tasks or task_status(open_tasks[0]) != "done":
        problem(f"{account_path}: completing the first task did not complete it")
    page.close()
    check_widths(browser, account_path, write_key, "account")

    # A read key: everything shown, every action disabled.
    page = open_page(browser, account_path, read_key)
    buttons = page.get_by_role("button", name="Complete")
    if buttons.count() == 0 or any(buttons.nth(i).is_enabled() for i in range(buttons.count())):
        problem(f"{account_path} with a read key: {buttons.count()} Complete buttons, some enabled")
    page.close()

    # The board: each column's count and total are the API's; move a deal; a read key cannot; an error is shown.
    page = open_page(browser, "/pipeline")
    check_structure(page, "/pipeline", [])
    board = api("/v1/metrics/pipeline")["open_by_stage"]
    names = {"prospecting": "Prospecting", "discovery": "Discovery", "solution_fit": "Solution fit", "proposal": "Proposal"}
    for column in board:
        listed = page.get_by_role("list", name=names[column["stage"]], exact=True)
        totals = page.locator(f"[data-stage={column['stage']}] .totals")
        if listed.count() != 1 or listed.get_by_role("listitem").count() != min(column["count"], 20):
            problem(f"/pipeline: column {names[column['stage']]} shows {listed.get_by_role('listitem').count()} cards of {column['count']}")
        text = totals.inner_text()
        if not text.startswith(f"{column['count']} deal") or totals.get_attribute("data-value") != str(column["value"]):
            problem(f"/pipeline: column {names[column['stage']]} says {text!r}, the API {column}")
    discovery = page.get_by_role("list", name="Discovery", exact=True).get_by_role("listitem").first
    deal_id = discovery.get_attribute("data-deal")
    discovery.get_by_role("button", name="Move to Proposal").click()
    page.wait_for_selector(f"[data-stage=proposal] [data-deal='{deal_id}']", timeout=10000)
    settle(page, "/pipeline after a move")
    if api(f"/v1/opportunities/{deal_id}")["stage"] != "proposal":
        problem("/pipeline: Move to Proposal did not move the deal")
    # A deal closed elsewhere since the page loaded: moving it is refused, the refusal shown, nothing changed.
    card = page.locator(f"[data-deal='{deal_id}']")
    api(f"/v1/opportunities/{deal_id}/stage", method="POST", body={"stage": "closed_lost", "lost_reason": "browser test"})
    before = page.inner_text("[data-stage=proposal] .totals")
    expected_errors.append("move a closed deal")
    card.get_by_role("button", name="Move to Discovery").click()
    card.get_by_role("alert").filter(has_text=re.compile(".+")).first.wait_for(timeout=10000)
    expected_errors.clear()
    if api(f"/v1/opportunities/{deal_id}")["stage"] != "closed_lost" or page.inner_text("[data-stage=proposal] .totals") != before:
        problem("/pipeline: a refused move changed something")
    page.close()
    page = open_page(browser, "/pipeline", read_key)
    moves = page.locator(".moves button")
    if moves.count() == 0 or any(moves.nth(i).is_enabled() for i in range(min(moves.count(), 20))):
        problem("/pipeline with a read key: moves are enabled")
    page.close()
    check_widths(browser, "/pipeline", write_key, "pipeline")

    # The worklist of the at-risk account's owner (a deep link), completing a task with the keyboard.
    owner = fresh["owner"]
    work_path = "/work?owner=" + urllib.parse.quote(owner)
    page = open_page(browser, work_path)
    check_structure(page, work_path, ["Tasks", "At-risk customers", "Renewals", "Cases"], may_be_empty=["Renewals", "Cases"])
    mine = api(f"/v1/tasks?owner={urllib.parse.quote(owner)}&status=open&sort=due_at&limit=100")["data"]
    if page.get_by_role("table", name="Tasks").locator("tbody tr").count() != len(mine):
        problem(f"{work_path}: the tasks shown are not the API's {len(mine)}")
    page.keyboard.press("Tab")
    if page.evaluate("() => document.activeElement.textContent") != "Skip to content":
        problem(f"{work_path}: the first Tab does not reach 'Skip to content'")
    complete_first_task(page, work_path, press="Enter")
    if task_status(mine[0]) != "done":
        problem(f"{work_path}: Enter on Complete did not complete the first task")
    page.close()
    check_widths(browser, work_path, write_key, "work")

    # The leads inbox: best score first as the API has it; qualify one.
    page = open_page(browser, "/leads")
    check_structure(page, "/leads", ["Inbox"])
    inbox = api("/v1/leads?status=new,working,qualified&sort=-score&limit=50")["data"]
    first_new = next(lead for lead in inbox if lead["status"] != "qualified")
    row = page.get_by_role("table", name="Inbox").locator("tbody tr", has_text=first_new["email"])
    row.get_by_role("button", name="Qualify", exact=True).click()
    page.wait_for_function("email => [...document.querySelectorAll('tbody tr')].some(r => r.textContent.includes(email) && !r.textContent.includes('Qualify'))",
                           arg=first_new["email"], timeout=10000)
    if api(f"/v1/leads/{first_new['id']}")["status"] != "qualified":
        problem("/leads: Qualify did not qualify the lead")
    page.close()
    check_widths(browser, "/leads", write_key, "leads")
    check_widths(browser, "/accounts", write_key, "accounts")
    check_widths(browser, "/", write_key, "overview")

    # A key kept to one owner: its accounts only, its own worklist, and no company-wide figure on the overview.
    kept_to = api("/v1/keys/current", key=owner_key)["owner"]
    page = open_page(browser, "/accounts", owner_key)
    owners = set(page.get_by_role("table", name="Accounts").locator("tbody tr td:nth-child(5)").all_inner_texts())
    if {owner.strip().lower() for owner in owners} != {kept_to.strip().lower()}:
        problem(f"/accounts with a key kept to {kept_to!r} shows the accounts of {owners}")
    page.close()
    page = open_page(browser, "/work", owner_key)
    if page.input_value("#work-owner").strip().lower() != kept_to.strip().lower():
        problem(f"/work with a key kept to {kept_to!r} starts on {page.input_value('#work-owner')!r}")
    page.close()
    page = open_page(browser, "/", owner_key)
    if page.get_by_role("region", name="Your accounts").count() != 1:
        problem("/ with a key kept to an owner does not send it to its accounts")
    page.close()

    # The journey: the overview's at-risk number → the at-risk accounts → an account → why → complete its task.
    page = open_page(browser, "/")
    page.get_by_role("link", name=re.compile("^At-risk accounts")).click()
    page.wait_for_url("**/accounts?at_risk=true*")
    settle(page, "at-risk list")
    listed = page.get_by_role("table", name="Accounts").locator("tbody tr")
    at_risk = api("/v1/metrics/summary")["at_risk_accounts"]
    if listed.count() != min(at_risk, 50):
        problem(f"the at-risk list shows {listed.count()} accounts, the summary counts {at_risk}")
    listed.first.get_by_role("link").click()
    page.wait_for_url("**/accounts/acc_*")
    settle(page, "at-risk account")
    flagged = page.get_by_role("list", name="Open flags").locator("li:not(.empty)").count()
    flag_tasks = [task for task in api(f"/v1/tasks?account_id={page.url.rsplit('/', 1)[1]}&status=open&sort=due_at")["data"] if task["flag_id"]]
    if not flagged or not flag_tasks:
        problem("the at-risk account shows no flag, or its flags made no open task")
    else:
        complete_first_task(page, "the at-risk account", title=flag_tasks[0]["title"])
        if task_status(flag_tasks[0]) != "done":
            problem("the journey: the flag's task was not completed")
    page.go_back()
    page.wait_for_url("**/accounts?at_risk=true*")
    page.close()
    elapsed = time.monotonic() - started
    browser.close()

print(f"pages: checked in {elapsed:.1f} s; screenshots in {out}")
sys.exit(1 if problems else 0)
