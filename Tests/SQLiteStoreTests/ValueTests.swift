import Foundation
import Logging
import SQLiteStore
import TenureTestSupport
import Testing

@Suite(.temporaryFolder) struct ValueTests {
    /// Found by scripts/fuzz: text was read up to its first NUL, so a name holding U+0000 came back cut short.
    @Test func textRoundTripsWhateverItHolds() throws {
        let connection = try Connection(path: temporaryPath())
        try connection.execute("CREATE TABLE t (value TEXT)")
        let texts = ["Robert'); DROP TABLE t;--", "nul \u{0} inside", "emoji 🧾 and accents é", ""]
        for text in texts { try connection.query("INSERT INTO t (value) VALUES (?)", [text]) }
        #expect(try connection.query("SELECT value FROM t ORDER BY rowid").map { $0.string("value") } == texts)
    }
}
