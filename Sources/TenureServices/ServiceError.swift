/// What a use case refuses, independent of transport (the API maps each case to one status).
public enum ServiceError: Error, Equatable {
    /// An id in the path that names nothing (404).
    case notFound(resource: String, id: String)
    /// A state conflict: a duplicate, an invalid transition (409); `existingID` names the record in the way.
    case conflict(String, existingID: String? = nil)
}

/// A keyless link's token that does not verify or names no one (404: nothing is said of why).
public struct InvalidToken: Error {
    public init() {}
}

/// Converting a lead again (409): the records its conversion made or matched.
public struct LeadAlreadyConverted: Error, Sendable {
    public let accountID: String?
    public let contactID: String?
    public let opportunityID: String?
}
