"""Loads the dashboard in headless Chromium and fails on any console error, page error or failed request.

Usage: check-dashboard.py URL KEY SCREENSHOT [--without-charts]
Checks that the page becomes complete, that every chart was drawn with data (or, without Chart.js, that no chart
was drawn) and that every table has rows; saves a full-page screenshot and prints how long the page took.
"""
import sys
import time

from playwright.sync_api import sync_playwright

url, key, screenshot = sys.argv[1:4]
with_charts = "--without-charts" not in sys.argv
problems = []

with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.add_init_script(f"localStorage.setItem('tenure.api_key', {key!r})")
    page.on("console", lambda m: m.type in ("error", "warning") and problems.append(f"console {m.type}: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url} {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"))
    started = time.monotonic()
    page.goto(url)
    page.wait_for_selector("body[data-state=complete], body[data-state=failed]", timeout=int(__import__("os").environ.get("DASHBOARD_TIMEOUT_MS", "30000")))
    elapsed = time.monotonic() - started
    if page.get_attribute("body", "data-state") != "complete":
        problems.append("the page did not complete: " + page.inner_text("#message"))
    charts = page.evaluate(
        """() => [...document.querySelectorAll("canvas")].map((canvas) => {
            const chart = window.Chart && Chart.getChart(canvas);
            return [canvas.id, chart ? chart.data.datasets.reduce((n, d) => n + d.data.filter((v) => v).length, 0) : null];
        })"""
    )
    for name, points in charts:
        if with_charts and not points:
            problems.append(f"chart {name} has no data")
        if not with_charts and points is not None:
            problems.append(f"chart {name} was drawn without Chart.js")
    tables = page.evaluate(
        """() => [...document.querySelectorAll("table")].map((t) => [t.id, t.tBodies[0] ? t.tBodies[0].rows.length : 0,
                                                                  t.querySelectorAll("td.empty").length])"""
    )
    for name, rows, empty in tables:
        if rows == 0 or empty:
            problems.append(f"table {name} has no rows")
    cards = page.locator("#headline .card").count()
    if cards < 10:
        problems.append(f"only {cards} headline numbers")
    page.screenshot(path=screenshot, full_page=True)
    if with_charts:
        # The slice selector: a sliced view is a link (?segment=), shows other numbers, and the back button returns.
        mrr_card = "#headline .card:first-child .value"
        whole = page.inner_text(mrr_card)
        page.select_option("#slice-segment", "enterprise")
        page.click("#slice-form button")
        page.wait_for_url("**/?segment=enterprise")
        page.wait_for_selector("body[data-state=complete], body[data-state=failed]")
        sliced = page.inner_text(mrr_card)
        if page.get_attribute("body", "data-state") != "complete" or sliced == whole:
            problems.append(f"the enterprise slice shows {sliced!r} where the company shows {whole!r}")
        page.go_back()
        page.wait_for_url(url)
        page.wait_for_selector("body[data-state=complete], body[data-state=failed]")
        if page.inner_text(mrr_card) != whole or page.input_value("#slice-segment") != "":
            problems.append("the back button did not return to the whole company")
    browser.close()

mode = "with charts" if with_charts else "without Chart.js"
print(f"dashboard {mode}: complete in {elapsed:.2f} s, {len(charts)} charts, {len(tables)} tables, {cards} headline numbers; screenshot {screenshot}")
for problem in problems:
    print("  PROBLEM", problem)
sys.exit(1 if problems else 0)
