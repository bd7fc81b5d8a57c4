/// The signing secrets of each webhook source; several may be active at once (rotation).
public struct WebhookSecrets: Sendable {
    public var crm: [String]
    public var stripe: [String]

    public init(crm: [String] = [], stripe: [String] = []) {
        self.crm = crm
        self.stripe = stripe
    }
}
