import Foundation
import Testing

@testable import TenureCore

@Suite struct IdentifierTests {
    @Test func aPrefixAnd20CharactersTheRandomPositionsUsingTheWholeAlphabet() {
        let alphabet = Set("0123456789abcdefghjkmnpqrstvwxyz")
        let ids = (0..<10_000).map { _ in Identifier.make("act", at: Date()) }
        #expect(Set(ids).count == ids.count)
        var seen = [Set<Character>](repeating: [], count: 20)
        for id in ids {
            #expect(id.hasPrefix("act_") && id.count == 24, "\(id)")
            for (position, character) in id.dropFirst(4).enumerated() where position < 20 { seen[position].insert(character) }
        }
        #expect(seen[9...].allSatisfy { $0 == alphabet }, "every random position draws from all 32 characters")
        #expect(seen.allSatisfy { $0.isSubset(of: alphabet) })
    }

    @Test func idsMadeLaterSortLaterAndEqualInstantsShareTheirTimePart() {
        let start = Date(timeIntervalSince1970: 1_700_000_000.123)
        let instants = [0, 0.001, 0.002, 1, 59, 86_400, 31_536_000 * 30].map { start.addingTimeInterval($0) }
        let ids = instants.map { Identifier.make("whe", at: $0) }
        #expect(ids == ids.sorted(), "\(ids)")
        #expect(Set(ids).count == ids.count)
        let twins = (0..<100).map { _ in Identifier.make("whe", at: start) }
        #expect(Set(twins.map { $0.prefix(13) }) == [ids[0].prefix(13)])
        #expect(Set(twins).count == twins.count)
        #expect(Identifier.make("acc", at: Date(timeIntervalSince1970: 0)).hasPrefix("acc_000000000"))
    }
}
