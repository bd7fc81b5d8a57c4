import TenureCore
import Testing

@Suite struct ContactRoleTests {
    @Test(arguments: [
        ("VP of Engineering", ContactRole.executive),
        ("Senior Software Engineer", .user),
        ("Head of Customer Success", .executive),
        ("Directory Services Admin", .user),
        ("Director of IT", .executive),
        ("Sr. Director, Procurement", .executive),
        ("Vice President, Sales", .executive),
        ("SVP Operations", .executive),
        ("EVP & General Counsel", .executive),
        ("President", .executive),
        ("Chief Revenue Officer", .executive),
        ("CEO", .executive),
        ("cfo", .executive),
        ("Co-Founder & CTO", .executive),
        ("Founder", .executive),
        ("Owner", .executive),
        ("Managing Partner", .executive),
        ("General Manager, EMEA", .executive),
        ("Product Manager", .user),
        ("Customer Success Manager", .user),
        ("Headcount Planner", .user),
        ("Chiefly Curious Intern", .user),
        ("Executive Assistant", .user),
        ("Data Analyst", .user),
        ("", .user),
    ])
    func roleIsDerivedFromTitleWords(title: String, role: ContactRole) {
        #expect(ContactRole.derived(fromTitle: title) == role)
    }

    @Test func missingTitleIsAUser() {
        #expect(ContactRole.derived(fromTitle: nil) == .user)
    }
}
