import Hummingbird

/// What verifying each webhook source's deliveries needs; several secrets may be active at once (rotation).
public struct WebhookSecrets: Sendable {
    public var crm: [String]
    public var stripe: [String]
    /// HubSpot apps' client secrets (signature v3).
    public var hubspot: [String]
    /// `user:password` pairs Pipedrive webhooks send as HTTP Basic.
    public var pipedrive: [String]
    /// Salesforce organization ids whose Outbound Messages are accepted (15 or 18 characters).
    public var salesforceOrganizations: [String]
    /// The base URL senders call (`https://tenure.example.com`), which HubSpot signs; without it, `http://{Host}`.
    public var publicURL: String?

    public init(
        crm: [String] = [],
        stripe: [String] = [],
        hubspot: [String] = [],
        pipedrive: [String] = [],
        salesforceOrganizations: [String] = [],
        publicURL: String? = nil
    ) {
        self.crm = crm
        self.stripe = stripe
        self.hubspot = hubspot
        self.pipedrive = pipedrive
        self.salesforceOrganizations = salesforceOrganizations
        self.publicURL = publicURL
    }
}

extension Request {
    /// The base URL callers reach this server at: `publicURL` without a trailing slash, else `http://{Host}`.
    func publicBase(_ publicURL: String?) -> String {
        publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? "http://\(head.authority ?? "")"
    }
}
