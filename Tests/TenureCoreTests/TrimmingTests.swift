import Testing

@testable import TenureCore

@Suite struct TrimmingTests {
    @Test func whitespaceGoesFromBothEndsOnly() {
        let cases = [
            ("  a b  ", "a b"), ("abc", "abc"), ("", ""), ("   ", ""), ("\n\tx\u{00A0}", "x"), ("é ", "é"), (" 👍🏽", "👍🏽"), ("a\n", "a"),
        ]
        for (text, trimmed) in cases { #expect(text.trimmingWhitespace() == trimmed, "\(text.debugDescription)") }
    }
}
