import Foundation
import Hummingbird
import TenureServices

/// Where Debian's `libjs-chart.js` installs Chart.js.
public let debianChartJSPath = "/usr/share/javascript/chart.js/chart.min.js"

/// The built-in pages (`UI.md`): one shell for every page, naming the page's own ES module; the shared module, the
/// pages' modules and the stylesheet, compiled into the binary; and Chart.js from where Debian installs it. The pages
/// read and write only through the public JSON API with a key kept in the browser.
struct PagesController {
    let chartJSPath: String
    let gate: Gate

    /// A page: where it lives, the module that renders it, and the title it starts with (the account page's becomes the
    /// account's name once it has loaded).
    struct Page {
        var path: String
        var module: String
        var title: String
    }

    static let pages = [
        Page(path: "/", module: "overview", title: "Overview"),
        Page(path: "/accounts", module: "accounts", title: "Accounts"),
        Page(path: "/accounts/{id}", module: "account", title: "Account"),
        Page(path: "/pipeline", module: "pipeline", title: "Pipeline"),
        Page(path: "/work", module: "work", title: "Work"),
        Page(path: "/leads", module: "leads", title: "Leads"),
    ]

    /// Everything under `/assets/` but Chart.js.
    static let assets: [String: [UInt8]] = [
        "tenure.css": PackageResources.tenure_css, "tenure.js": PackageResources.tenure_js, "overview.js": PackageResources.overview_js,
        "accounts.js": PackageResources.accounts_js, "account.js": PackageResources.account_js, "pipeline.js": PackageResources.pipeline_js,
        "work.js": PackageResources.work_js, "leads.js": PackageResources.leads_js,
    ]

    /// The pages load only what Tenure serves, run no inline script, and send the key only to Tenure.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    static let pageHeaders = [
        "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": contentSecurityPolicy, "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
    ]

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        let shell = String(decoding: PackageResources.shell_html, as: UTF8.self)
        for page in Self.pages {
            routes.get(RouterPath(page.path), gate.open) { _ in
                // Only the overview draws charts; without Chart.js it names no script it cannot load.
                let chart = page.module == "overview" && FileManager.default.isReadableFile(atPath: chartJSPath)
                let scripts =
                    (chart ? [#"<script src="/assets/chart.js"></script>"#] : []) + [
                        #"<script type="module" src="/assets/\#(page.module).js"></script>"#
                    ]
                let html = shell.replacingOccurrences(of: "{{title}}", with: page.title)
                    .replacingOccurrences(of: "{{page}}", with: page.module)
                    .replacingOccurrences(of: "{{scripts}}", with: scripts.joined(separator: "\n"))
                return Reply(status: .ok, headers: Self.pageHeaders, body: Array(html.utf8))
            }
        }
        routes.get("/assets/{name}", gate.open) { call in
            let name = try call.parameter("name")
            if name == "chart.js" { return try chartJS() }
            guard let asset = Self.assets[name] else { throw Problem(.notFound, "not-found", detail: "No asset is named \(name).") }
            let contentType = name.hasSuffix(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8"
            return Reply(
                status: .ok,
                headers: ["Content-Type": contentType, "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"],
                body: asset
            )
        }
        return routes
    }

    private func chartJS() throws -> Reply {
        guard let script = FileManager.default.contents(atPath: chartJSPath) else {
            throw Problem(.notFound, "not-found", detail: "Chart.js is not installed at \(chartJSPath) (Debian package libjs-chart.js).")
        }
        return Reply(
            status: .ok,
            headers: [
                "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff",
            ],
            body: Array(script)
        )
    }
}
