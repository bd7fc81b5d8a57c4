import Foundation
import TenureCore
import Testing

/// `INSIGHTS.md`, "Duplicates": the keys that block the search, and the connected groups their matches make.
@Suite struct DuplicateKeyTests {
    @Test(arguments: [
        ("Acme Inc", "acme"), ("ACME, Inc.", "acme"), ("Acme", "acme"), ("Acme Holdings GmbH & Co. KG", "acme holdings"),
        ("O’Reilly Media, LLC", "oreilly media"), ("Inc", ""), ("Co-op Foods Ltd.", "co op foods"), ("Smith & Sons Corp Ltd", "smith sons"),
        ("  Wayne   Enterprises  ", "wayne enterprises"),
    ])
    func companyNames(name: String, key: String) {
        #expect(DuplicateKeys.companyName(name) == key)
    }

    @Test func emailsLoseTheirTag_namesTheirDotsAndSpaces() {
        #expect(DuplicateKeys.email("Ana+CRM@Acme.com") == "ana@acme.com")
        #expect(DuplicateKeys.email("ana@acme.com") == "ana@acme.com")
        #expect(DuplicateKeys.email("a+b+c@x.io") == "a@x.io")
        #expect(DuplicateKeys.personName("  Mary-Ann  O'Neil Jr. ") == "mary-ann oneil jr")
        #expect(DuplicateKeys.parents(of: "eu.shop.acme.co.uk") == ["shop.acme.co.uk", "acme.co.uk", "co.uk"])
        #expect(DuplicateKeys.parents(of: "acme.com") == [])
    }

    @Test func matchesMakeConnectedGroupsOrderedByTheirOldestRecord() {
        // 0–2 by name, 2–4 by domain: one group of four; 1 and 5 by name only; 3 alone.
        let clusters = DuplicateClusters.find(
            count: 7,
            matches: [("name", [(0, 2), (6, 5)]), ("domain", [(4, 2), (2, 0)])]
        )
        #expect(clusters.map(\.records) == [[0, 2, 4], [5, 6]])
        #expect(clusters[0].pairs == [DuplicatePair(a: 0, b: 2, reasons: ["name", "domain"]), DuplicatePair(a: 2, b: 4, reasons: ["domain"])])
        #expect(DuplicateClusters.sharing(count: 4) { ["x", nil, "x", ""][$0] }.map { [$0.0, $0.1] } == [[0, 2]])
    }
}
