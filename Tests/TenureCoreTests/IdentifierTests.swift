import Testing

@testable import TenureCore

@Suite struct IdentifierTests {
    @Test func aPrefixAnd20CharactersEachPositionUsingTheWholeAlphabet() {
        let alphabet = Set("0123456789abcdefghjkmnpqrstvwxyz")
        let ids = (0..<10_000).map { _ in Identifier.make("act") }
        #expect(Set(ids).count == ids.count)
        var seen = [Set<Character>](repeating: [], count: 20)
        for id in ids {
            #expect(id.hasPrefix("act_") && id.count == 24, "\(id)")
            for (position, character) in id.dropFirst(4).enumerated() where position < 20 { seen[position].insert(character) }
        }
        #expect(seen.allSatisfy { $0 == alphabet }, "every position draws from all 32 characters")
    }
}
