import Foundation
import Hummingbird
import TenureServices

/// Where Debian's `libjs-chart.js` installs Chart.js.
public let debianChartJSPath = "/usr/share/javascript/chart.js/chart.min.js"

/// `GET /`: the built-in dashboard, one page that reads the public JSON API with a key kept in the browser; and
/// `GET /assets/chart.js`, Chart.js served from where Debian installs it.
struct DashboardController {
    let chartJSPath: String
    let gate: Gate

    /// The page loads only what Tenure serves, and sends the key only to Tenure.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'"

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        let page = String(decoding: PackageResources.dashboard_html, as: UTF8.self)
        routes.get("/", gate.open) { _ in
            // Without Chart.js the page names no script it cannot load, and shows its numbers and tables.
            let chart = FileManager.default.isReadableFile(atPath: chartJSPath) ? #"<script src="/assets/chart.js"></script>"# : ""
            return Reply(
                status: .ok,
                headers: [
                    "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": Self.contentSecurityPolicy, "Cache-Control": "no-cache",
                    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                ],
                body: Array(page.replacingOccurrences(of: "<!--chart.js-->", with: chart).utf8)
            )
        }
        routes.get("/assets/chart.js", gate.open) { _ in
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
        return routes
    }
}
