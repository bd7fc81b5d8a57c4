import Testing

@testable import TenureServices

/// What is derived from the won accounts is made once per version of their facts and key, and a reader still on the
/// previous version does not throw away the current one.
@Suite struct VersionedMemoTests {
    @Test func aValueIsMadeOncePerVersionAndKey() {
        let memo = VersionedMemo<Int?, Int>()
        var made = 0
        func value(_ version: DataVersion, _ key: Int?) -> Int {
            memo.value(at: version, for: key) {
                made += 1
                return made
            }
        }
        let first = DataVersion.unique()
        #expect(value(first, nil) == 1 && value(first, nil) == 1, "kept for the same version and key")
        #expect(value(first, 30) == 2, "another key is another value")
        let second = DataVersion.unique()
        #expect(second != first && value(second, nil) == 3, "a new version is made afresh")
        #expect(value(first, nil) == 1, "the previous version is still kept")
        #expect(value(second, nil) == 3)
        _ = value(DataVersion.unique(), nil)
        #expect(value(first, nil) == 5, "only two versions are kept: the oldest was made again")
    }
}
