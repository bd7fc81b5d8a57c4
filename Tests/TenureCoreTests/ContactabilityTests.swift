import Foundation
import TenureCore
import Testing

/// `PRIVACY.md`, "State" and "Violations": the worked example, every edge of the 24-hour rule, and ties.
@Suite struct ContactabilityTests {
    static func at(_ text: String) -> Date { Timestamp.parseInstantOrDate(text) ?? .distantPast }

    static func record(
        _ id: String,
        _ channel: ConsentChannel,
        _ purpose: ConsentPurpose,
        _ status: ConsentStatus,
        _ occurred: String,
        recorded: String? = nil
    ) -> Consent {
        Consent(
            id: id,
            contactID: "con_ada",
            email: "ada@example.com",
            channel: channel,
            purpose: purpose,
            status: status,
            source: ConsentSource(kind: .form, detail: "/pricing", campaign: "spring-webinar"),
            occurredAt: at(occurred),
            recordedAt: at(recorded ?? occurred)
        )
    }

    /// The chapter's records: grants 03-01T10:00Z, the email withdrawal 03-05T09:00Z, the SMS grant 03-07T12:00Z.
    static let example = [
        record("cns_email", .email, .marketing, .granted, "2026-03-01T10:00:00Z"),
        record("cns_sms", .sms, .marketing, .granted, "2026-03-01T10:00:00Z"),
        record("cns_unsub", .email, .marketing, .withdrawn, "2026-03-05T09:00:00Z"),
        record("cns_sms_again", .sms, .marketing, .granted, "2026-03-07T12:00:00Z"),
    ]

    @Test(
        arguments: [
            (ConsentChannel.sms, ConsentPurpose.marketing, "2026-03-05T08:59:00Z", Contactability.Reason.granted, "cns_sms"),
            (.sms, .marketing, "2026-03-05T09:00:00Z", .withdrawn, "cns_unsub"),
            (.sms, .marketing, "2026-03-08T00:00:00Z", .granted, "cns_sms_again"),
            (.phone, .marketing, "2026-03-08T00:00:00Z", .withdrawn, "cns_unsub"),
            (.email, .productUpdates, "2026-03-08T00:00:00Z", .noRecord, nil),
            (.email, .marketing, "2026-03-01T09:59:59Z", .noRecord, nil),
            (.email, .marketing, "2026-03-01T10:00:00Z", .granted, "cns_email"),
        ] as [(ConsentChannel, ConsentPurpose, String, Contactability.Reason, String?)]
    )
    func theWorkedExample(channel: ConsentChannel, purpose: ConsentPurpose, at: String, reason: Contactability.Reason, deciding: String?) {
        let state = Contactability(of: Self.example, channel: channel, purpose: purpose, at: Self.at(at))
        #expect(state.reason == reason)
        #expect(state.allowed == (reason == .granted))
        #expect(state.deciding?.id == deciding)
    }

    @Test func aWithdrawalOfAllStopsEveryPurposeOnEveryChannel_andAGrantOfAnotherPairDoesNotBearOnIt() {
        let records = [
            Self.record("g", .post, .service, .granted, "2026-03-01T00:00:00Z"),
            Self.record("w", .inApp, .all, .withdrawn, "2026-03-02T00:00:00Z"),
            Self.record("other", .email, .service, .granted, "2026-03-03T00:00:00Z"),
        ]
        let state = Contactability(of: records, channel: .post, purpose: .service, at: Self.at("2026-03-04T00:00:00Z"))
        #expect(state.reason == .withdrawn)
        #expect(state.deciding?.id == "w")
    }

    @Test func aWithdrawalWinsATie_thenTheLaterRecordedDecides() {
        let tie = [
            Self.record("grant", .sms, .marketing, .granted, "2026-03-01T00:00:00Z", recorded: "2026-03-02T00:00:00Z"),
            Self.record("withdraw", .sms, .marketing, .withdrawn, "2026-03-01T00:00:00Z", recorded: "2026-03-01T00:00:00Z"),
        ]
        #expect(Contactability(of: tie, channel: .sms, purpose: .marketing, at: Self.at("2026-03-01T00:00:00Z")).deciding?.id == "withdraw")
        let grants = [
            Self.record("first", .sms, .marketing, .granted, "2026-03-01T00:00:00Z", recorded: "2026-03-01T00:00:00Z"),
            Self.record("second", .sms, .marketing, .granted, "2026-03-01T00:00:00Z", recorded: "2026-03-03T00:00:00Z"),
        ]
        #expect(Contactability(of: grants, channel: .sms, purpose: .marketing, at: Self.at("2026-03-04T00:00:00Z")).deciding?.id == "second")
    }

    static func activity(
        _ type: ActivityType,
        _ at: String,
        direction: ActivityDirection = .outbound,
        purpose: ConsentPurpose? = .marketing
    )
        -> Activity
    {
        Activity(
            id: "act",
            accountID: "acc",
            type: type,
            occurredAt: Self.at(at),
            contactID: "con_ada",
            opportunityID: nil,
            direction: direction,
            subject: nil,
            createdAt: Self.at(at),
            purpose: purpose
        )
    }

    @Test func aContactMoreThan24HoursAfterTheDecidingWithdrawalIsAViolation_atTheEdge() throws {
        #expect(ConsentViolation.of(Self.activity(.sms, "2026-03-06T09:00:00Z"), records: Self.example) == nil, "exactly 24 h: not yet")
        let late = try #require(ConsentViolation.of(Self.activity(.sms, "2026-03-06T09:00:01Z"), records: Self.example))
        #expect(late.withdrawal.id == "cns_unsub")
        #expect(late.channel == .sms)
        #expect(abs(late.hoursAfterWithdrawal - (24 + 1 / 3600.0)) < 1e-9)
        let call = try #require(ConsentViolation.of(Self.activity(.call, "2026-03-08T10:00:00Z"), records: Self.example))
        #expect(call.channel == .phone)
        #expect(ConsentViolation.of(Self.activity(.sms, "2026-03-08T10:00:00Z"), records: Self.example) == nil, "the SMS grant of 03-07 decides")
    }

    @Test func onlyOutboundEmailsSMSAndCallsWithAPurposeCount() {
        let when = "2026-03-09T00:00:00Z"
        #expect(ConsentViolation.of(Self.activity(.email, when, direction: .inbound), records: Self.example) == nil)
        #expect(ConsentViolation.of(Self.activity(.meeting, when), records: Self.example) == nil)
        #expect(ConsentViolation.of(Self.activity(.email, when, purpose: nil), records: Self.example) == nil)
        #expect(ConsentViolation.of(Self.activity(.email, when), records: Self.example) != nil)
        #expect(ConsentViolation.of(Self.activity(.email, when, purpose: .service), records: Self.example) == nil, "no record: not a violation")
    }
}
