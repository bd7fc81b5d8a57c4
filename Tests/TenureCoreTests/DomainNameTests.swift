import TenureCore
import Testing

@Suite struct DomainNameTests {
    @Test(arguments: [
        ("acme.com", "acme.com"),
        ("WWW.Acme.com", "acme.com"),
        ("https://www.acme.com/pricing?x=1", "acme.com"),
        ("acme.com.", "acme.com"),
        ("shop.acme.co.uk", "shop.acme.co.uk"),
        ("acme.com:8443", "acme.com"),
    ])
    func domainsAreNormalized(input: String, normalized: String) {
        #expect(DomainName.normalize(input) == normalized)
    }

    @Test(arguments: ["acme", "not a domain", "-acme.com", "acme..com", "", "www."])
    func implausibleDomainsAreRefused(input: String) {
        #expect(DomainName.normalize(input) == nil)
    }
}
