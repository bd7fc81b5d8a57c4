import Foundation
import HTTPTypes
import TenureTestSupport
import Testing

/// `GET /` and `GET /assets/chart.js`; the page itself is checked in a real browser by `scripts/browser-test`.
@Suite(.temporaryFolder) struct DashboardTests {
    @Test func thePageNeedsNoKeyAndNamesChartJSOnlyWhenInstalled() async throws {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("chart-\(UUID().uuidString).js")
        try Data("window.Chart = function () {};".utf8).write(to: script)
        defer { try? FileManager.default.removeItem(at: script) }
        var arguments = TestArguments()
        arguments.chartJSPath = script.path
        try await TestApp.run(arguments: arguments) { app in
            let page = try await app.send(.get, "/", key: nil)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("connect-src 'self'") == true)
            #expect(page.text.contains(#"<script src="/assets/chart.js"></script>"#) && page.text.contains("/v1/metrics/summary"))
            let chart = try await app.send(.get, "/assets/chart.js", key: nil)
            #expect(chart.status == .ok && chart.text == "window.Chart = function () {};")
            #expect(chart.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(try await app.send(.post, "/", "{}").status == .methodNotAllowed)
        }
        arguments = TestArguments()
        arguments.chartJSPath = script.path + ".missing"
        try await TestApp.run(arguments: arguments) { app in
            let page = try await app.send(.get, "/", key: nil)
            #expect(page.status == .ok && !page.text.contains("/assets/chart.js") && page.text.contains(#"id="headline""#))
            let chart = try await app.send(.get, "/assets/chart.js", key: nil)
            #expect(chart.status == .notFound && chart.headers[.contentType] == "application/problem+json")
        }
    }
}
