import Foundation
import Hummingbird
import TenureCore
import TenureServices

/// Unsubscribe links and the preference center (`PRIVACY.md`): the person follows a signed link, with no API key.
struct UnsubscribeController {
    let preferences: PreferenceService
    /// `TENURE_PUBLIC_URL`; without it, `http://{Host}`.
    let publicURL: String?
    let gate: Gate

    struct ChangeRequest: Decodable {
        var changes: [PreferenceChange]?
    }

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("/v1/contacts/{id}/unsubscribe-link", gate.read) { call in
            guard let purpose = try call.query.listed("purpose", ConsentPurpose.self) else { throw ValidationError("purpose", "is required") }
            let token = try await preferences.token(contactID: try call.parameter("id"), purpose: purpose)
            let url = call.request.publicBase(publicURL) + "/v1/unsubscribe?token=" + token
            return try .json(UnsubscribeLink(token: token, url: url, listUnsubscribe: "<\(url)>"))
        }
        routes.post("/v1/unsubscribe", gate.open.ignoringBody) { call in
            try await preferences.unsubscribe(try Self.token(call))
            return try .json(["status": "unsubscribed"])
        }
        routes.get("/v1/unsubscribe", gate.open) { call in
            let token = try Self.token(call)
            _ = try await preferences.contact(of: token)
            return .text(Self.page(token: token), contentType: "text/html; charset=utf-8")
        }
        routes.get("/v1/preferences", gate.open) { call in
            try .json(PreferencesResource(try await preferences.preferences(try Self.token(call))))
        }
        routes.post("/v1/preferences", gate.open) { call in
            let changes = try call.decode(ChangeRequest.self).changes
            return try .json(PreferencesResource(try await preferences.change(try Self.token(call), changes)))
        }
        return routes
    }

    /// `?token=`; a link without one is as invalid as a wrong one.
    static func token(_ call: Call) throws -> String {
        guard let token = call.query["token"], !token.isEmpty else { throw InvalidToken() }
        return token
    }

    /// The page a mail client's link opens: one button that posts the same URL; opening it changes nothing.
    static func page(token: String) -> String {
        let action = "/v1/unsubscribe?token=" + (token.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "")
        return """
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Unsubscribe</title></head>
            <body>
            <main>
            <h1>Unsubscribe</h1>
            <form method="post" action="\(action.htmlEscaped)">
            <p>Stop these emails?</p>
            <button type="submit">Unsubscribe</button>
            </form>
            </main>
            </body>
            </html>
            """
    }
}

extension String {
    /// Safe inside an HTML attribute or text.
    var htmlEscaped: String {
        replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
    }
}

struct UnsubscribeLink: Encodable, Sendable {
    var token: String
    var url: String
    var listUnsubscribe: String
    var listUnsubscribePost = "List-Unsubscribe=One-Click"
}

struct PreferencesResource: Encodable, Sendable {
    var contactId: String
    var data: [Pair]

    struct Pair: Encodable, Sendable {
        var channel: String
        var purpose: String
        var allowed: Bool
    }

    init(_ preferences: Preferences) {
        contactId = preferences.contactID
        data = preferences.pairs.map { Pair(channel: $0.channel.rawValue, purpose: $0.purpose.rawValue, allowed: $0.allowed) }
    }
}
