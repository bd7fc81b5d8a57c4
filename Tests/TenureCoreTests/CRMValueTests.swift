import Foundation
import TenureCore
import Testing

/// The values CRMs send (`INTEGRATIONS.md`, rules for the three adapters): amounts in major units, times in several
/// forms, stage names compared trimmed and in any case.
@Suite struct CRMValueTests {
    @Test(arguments: [
        ("18250.5", "usd", 1_825_050), ("9600.75", "usd", 960_075), ("24000", "eur", 2_400_000), ("0.005", "usd", 1),
        ("0.004", "usd", 0), ("1234.5", "jpy", 1235), ("1234.4", "jpy", 1234), ("1.2345", "kwd", 1235), ("0", "usd", 0),
        ("24000.0", "usd", 2_400_000), (".5", "gbp", 50),
    ])
    func majorUnitsBecomeMinorUnitsHalfAwayFromZero(text: String, currency: String, minor: Int) throws {
        #expect(try #require(Rational(decimal: text)).minorUnits(of: currency) == minor)
    }

    @Test func exponentsFollowISO4217() {
        #expect(CurrencyExponent.of("usd") == 2)
        #expect(CurrencyExponent.of("jpy") == 0)
        #expect(CurrencyExponent.of("bhd") == 3)
        #expect(CurrencyExponent.of("clf") == 4)
    }

    @Test(arguments: [
        ("2026-03-02T15:04:05Z", 1_772_463_845_000), ("2026-03-02T15:04:05.312Z", 1_772_463_845_312),
        ("2026-03-02 15:04:05", 1_772_463_845_000), ("1772463845", 1_772_463_845_000), ("1772463845312", 1_772_463_845_312),
        (" 2026-03-02T16:04:05+01:00 ", 1_772_463_845_000),
    ])
    func crmTimesParse(text: String, millis: Int64) {
        #expect(Timestamp.parseCRMInstant(text)?.unixMilliseconds == millis)
    }

    @Test(arguments: ["", "yesterday", "2026-03-02 15:04", "2026-13-02 15:04:05", "-5", "0"])
    func unreadableCRMTimesAreNil(text: String) {
        #expect(Timestamp.parseCRMInstant(text) == nil)
    }

    @Test func secondsAndMillisecondsAreToldApartByMagnitude() {
        #expect(Timestamp.unixSecondsOrMilliseconds(99_999_999_999).timeIntervalSince1970 == 99_999_999_999)
        #expect(Timestamp.unixSecondsOrMilliseconds(100_000_000_000).timeIntervalSince1970 == 100_000_000)
    }

    @Test func stagesCompareTrimmedInAnyCase() {
        let salesforce = CRMMapping.defaults[.salesforce]
        #expect(salesforce.stage("Closed Won") == .closedWon)
        #expect(salesforce.stage("  negotiation/review ") == .proposal)
        #expect(salesforce.stage("Closed") == nil)
        #expect(CRMMapping.defaults[.hubspot].stage("CLOSEDLOST") == .closedLost)
        #expect(CRMMapping.defaults[.pipedrive].stage("5") == nil)
        #expect(salesforce.lostReasonField == "Loss_Reason__c")
    }

    @Test func replacingATableKeepsTheOthers() throws {
        let replaced = try CRMMapping.defaults.replacing(["pipedrive": .init(stages: ["5": "proposal", " 7": "closed_won"], lostReasonField: nil)])
        #expect(replaced[.pipedrive].stage("7") == .closedWon)
        #expect(replaced[.hubspot] == CRMMapping.defaults[.hubspot])
        #expect(replaced[.salesforce] == CRMMapping.defaults[.salesforce])
        let cleared = try CRMMapping.defaults.replacing(["salesforce": .init(stages: [:], lostReasonField: .some(nil))])
        #expect(cleared[.salesforce].lostReasonField == nil)
        #expect(cleared[.salesforce].stage("Closed Won") == nil)
    }

    @Test func invalidTablesNameEveryPath() {
        let input: [String: CRMMapping.TableInput] = [
            "hubspot": .init(stages: ["closedwon": "won", "Won ": "closed_won", "won": "closed_won"], lostReasonField: .some("x")),
            "zoho": .init(stages: [:], lostReasonField: nil),
            "pipedrive": .init(stages: nil, lostReasonField: nil),
        ]
        #expect(
            Set(Self.fields(of: input)) == [
                "hubspot.stages.closedwon", "hubspot.stages.won", "hubspot.lost_reason_field", "zoho", "pipedrive.stages",
            ]
        )
    }

    static func fields(of input: [String: CRMMapping.TableInput]) -> [String] {
        do {
            _ = try CRMMapping.defaults.replacing(input)
            return []
        } catch let error as ValidationError {
            return error.errors.map(\.field)
        } catch {
            return ["unexpected \(error)"]
        }
    }

    @Test func placeholdersNameTheCRMsCompany() {
        #expect(CRM.hubspot.placeholderName(company: "9120457788") == "HubSpot company 9120457788")
        #expect(CRM.pipedrive.placeholderName(company: "77") == "Pipedrive organization 77")
        #expect(CRM.salesforce.placeholderName(company: "0015g00000AcmeXAAA") == "Salesforce account 0015g00000AcmeXAAA")
    }

    @Test func aLaterRepeatOfClosedLostOnlyBringsItsReason() {
        let at = Date(timeIntervalSince1970: 1_772_000_000)
        let history = StageHistory(changes: [
            StageChange(stage: .prospecting, at: at),
            StageChange(stage: .closedLost, at: at.addingTimeInterval(10), order: "a", lostReason: StageChange.unspecifiedLostReason),
            StageChange(stage: .closedLost, at: at.addingTimeInterval(10), order: "b", lostReason: "price"),
            StageChange(stage: .closedLost, at: at.addingTimeInterval(20), order: "c", lostReason: StageChange.unspecifiedLostReason),
        ])
        #expect(history.transitions.map(\.to) == [.prospecting, .closedLost])
        #expect(history.current?.lostReason == "price")
        #expect(history.current?.at == at.addingTimeInterval(10))
    }
}
