import Foundation
import HTTPTypes
import TenureTestSupport
import Testing

/// The built-in pages as HTTP serves them: every page's shell, its module and the shared assets, with no key needed;
/// what the pages do is checked in a real browser by `scripts/browser-test`.
@Suite(.temporaryFolder) struct PagesTests {
    static let pages = [
        ("/", "overview", "Overview"), ("/accounts", "accounts", "Accounts"), ("/accounts/acc_anything", "account", "Account"),
        ("/pipeline", "pipeline", "Pipeline"), ("/work", "work", "Work"), ("/leads", "leads", "Leads"),
    ]

    @Test func everyPageIsAShellNamingItsModule_underAPolicyWithoutInlineScript() async throws {
        try await TestApp.run { app in
            for (path, module, title) in Self.pages {
                let page = try await app.send(.get, path, key: nil)
                #expect(page.status == .ok && page.headers[.contentType] == "text/html; charset=utf-8", "\(path)")
                let policy = page.headers[HTTPField.Name("Content-Security-Policy")!] ?? ""
                #expect(policy.contains("script-src 'self';") && policy.contains("connect-src 'self'") && !policy.contains("unsafe"))
                #expect(page.text.contains(#"<script type="module" src="/assets/\#(module).js"></script>"#), "\(path)")
                #expect(page.text.contains("<title>\(title)</title>") && page.text.contains(#"<h1 id="title">\#(title)</h1>"#))
                #expect(!page.text.contains("{{"), "every placeholder of the shell is filled")
                let script = try await app.send(.get, "/assets/\(module).js", key: nil)
                #expect(script.status == .ok && script.headers[.contentType] == "text/javascript; charset=utf-8")
                #expect(script.text.contains(#"from "/assets/tenure.js""#))
            }
            let style = try await app.send(.get, "/assets/tenure.css", key: nil)
            #expect(style.status == .ok && style.headers[.contentType] == "text/css; charset=utf-8")
            let shared = try await app.send(.get, "/assets/tenure.js", key: nil)
            #expect(shared.text.contains("/v1/keys/current"))
            for missing in ["/assets/nothing.js", "/assets/..%2FPackage.swift", "/accounts/a/b"] {
                let reply = try await app.send(.get, missing, key: nil)
                #expect(reply.status == .notFound && reply.headers[.contentType] == "application/problem+json", "\(missing)")
            }
            #expect(try await app.send(.post, "/", "{}").status == .methodNotAllowed)
            #expect(try await app.send(.post, "/pipeline", "{}").status == .methodNotAllowed)
        }
    }

    @Test func onlyTheOverviewNamesChartJS_andOnlyWhenInstalled() async throws {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("chart-\(UUID().uuidString).js")
        try Data("window.Chart = function () {};".utf8).write(to: script)
        defer { try? FileManager.default.removeItem(at: script) }
        var arguments = TestArguments()
        arguments.chartJSPath = script.path
        try await TestApp.run(arguments: arguments) { app in
            #expect(try await app.send(.get, "/", key: nil).text.contains(#"<script src="/assets/chart.js"></script>"#))
            #expect(!(try await app.send(.get, "/accounts", key: nil).text.contains("chart.js")))
            let chart = try await app.send(.get, "/assets/chart.js", key: nil)
            #expect(chart.status == .ok && chart.text == "window.Chart = function () {};")
            #expect(chart.headers[.contentType] == "text/javascript; charset=utf-8")
        }
        arguments = TestArguments()
        arguments.chartJSPath = script.path + ".missing"
        try await TestApp.run(arguments: arguments) { app in
            let page = try await app.send(.get, "/", key: nil)
            #expect(page.status == .ok && !page.text.contains("/assets/chart.js"))
            let chart = try await app.send(.get, "/assets/chart.js", key: nil)
            #expect(chart.status == .notFound && chart.headers[.contentType] == "application/problem+json")
        }
    }
}
