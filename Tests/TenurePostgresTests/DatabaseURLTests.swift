import PostgresNIO
import TenurePostgres
import Testing

@Suite struct DatabaseURLTests {
    @Test func aFullURLGivesEveryPartDecoded() throws {
        let url = try DatabaseURL("postgres://ten%40ure:p%3As%2Fs@db.example.com:6543/tenure_prod?sslmode=disable")
        #expect(url.host == "db.example.com")
        #expect(url.port == 6543)
        #expect(url.user == "ten@ure")
        #expect(url.password == "p:s/s")
        #expect(url.database == "tenure_prod")
        #expect(url.sslMode == .disable)
        #expect(url.configuration.username == "ten@ure" && url.configuration.database == "tenure_prod")
    }

    @Test func thePortDefaultsTo5432AndTLSToPrefer() throws {
        let url = try DatabaseURL("postgresql://tenure@127.0.0.1/tenure")
        #expect(url.port == 5432)
        #expect(url.password == nil)
        #expect(url.sslMode == .prefer)
        #expect(try DatabaseURL("postgres://u@h/d?sslmode=require").sslMode == .require)
        #expect(try DatabaseURL("postgres://u@h/d?sslmode=verify-full").sslMode == .verifyFull)
        #expect(url.connectTimeout == .seconds(10))
    }

    @Test func aConnectTimeoutReachesThePoolAndTheDirectConnection() throws {
        let url = try DatabaseURL("postgres://u@h/d?connect_timeout=45&sslmode=disable")
        #expect(url.connectTimeout == .seconds(45))
        #expect(url.configuration.options.connectTimeout == .seconds(45))
        #expect(try url.connectionConfiguration().options.connectTimeout == .seconds(45))
    }

    @Test(arguments: [
        ("mysql://u@h/d", "must start with postgres://"),
        ("postgres://h/d", "names no user"),
        ("postgres://u@/d", "names no host"),
        ("postgres://u@h", "names no database"),
        ("postgres://u@h/", "names no database"),
        ("postgres://u@h/d/e", "names no database"),
        ("postgres://u@h:0/d", "out of range"),
        ("postgres://u@h/d?sslmode=allow-anything", "sslmode allow-anything"),
        ("postgres://u@h/d?pool=3", "unknown parameter pool"),
        ("postgres://u@h/d?connect_timeout=0", "connect_timeout 0"),
        ("postgres://u@h/d?connect_timeout=2.5", "connect_timeout 2.5"),
        ("not a url", "must start with postgres://"),
    ])
    func anUnusableURLSaysWhyInOneLine(url: String, reason: String) {
        #expect {
            try DatabaseURL(url)
        } throws: { error in
            let text = "\(error)"
            return text.contains(reason) && !text.contains("\n") && text.hasPrefix("invalid --database-url")
        }
    }

    @Test func theMessageNeverShowsThePassword() {
        #expect {
            try DatabaseURL("postgres://u:s3cret-word@h/d?sslmode=nope")
        } throws: { !"\($0)".contains("s3cret") }
    }
}
