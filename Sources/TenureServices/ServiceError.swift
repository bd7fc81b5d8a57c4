/// What a use case refuses, independent of transport (the API maps each case to one status).
public enum ServiceError: Error, Equatable {
    /// An id in the path that names nothing (404).
    case notFound(resource: String, id: String)
    /// A state conflict: a duplicate, an invalid transition (409); `existingID` names the record in the way.
    case conflict(String, existingID: String? = nil)
}
