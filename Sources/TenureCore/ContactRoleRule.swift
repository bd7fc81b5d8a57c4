extension ContactRole {
    /// `executive` when the title names a director or above (`HEALTH.md`), matched case-insensitively as whole
    /// words; otherwise `user`. "Directory Services Admin" is a user: "Directory" is not the word "Director".
    public static func derived(fromTitle title: String?) -> ContactRole {
        guard let title else { return .user }
        let words = title.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
        let wordSet = Set(words)
        if !wordSet.isDisjoint(with: executiveWords) { return .executive }
        for (first, second) in executivePairs {
            if zip(words, words.dropFirst()).contains(where: { $0 == first && $1 == second }) { return .executive }
        }
        return .user
    }

    private static let executiveWords: Set<String> = [
        "director", "directors", "vp", "svp", "evp", "avp", "president", "chief", "ceo", "cfo", "coo", "cto", "cio", "cro", "cmo",
        "cpo", "founder", "cofounder", "owner", "partner",
    ]

    private static let executivePairs: [(String, String)] = [("head", "of"), ("vice", "president"), ("general", "manager")]
}
