import Foundation
import TenureCore
import Testing

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2026-03-01T09:30:00Z", 1_772_357_400_000),
        ("2026-03-01T09:30:00.250Z", 1_772_357_400_250),
        ("2026-03-01T11:30:00+02:00", 1_772_357_400_000),
        ("2026-03-01t09:30:00z", 1_772_357_400_000),
        ("1970-01-01T00:00:00Z", 0),
        ("2024-02-29T23:59:59Z", 1_709_251_199_000),
    ])
    func instantsParse(text: String, millis: Int64) {
        #expect(Timestamp.parseInstant(text)?.unixMilliseconds == millis)
    }

    @Test(arguments: [
        "2026-02-29T00:00:00Z", "2026-03-01 09:30:00Z", "2026-03-01T24:00:00Z", "2026-03-01T09:30:00", "2026-03-01T09:30:00.Z", "yesterday",
    ])
    func invalidInstantsAreRefused(text: String) {
        #expect(Timestamp.parseInstant(text) == nil)
    }

    @Test func formatIsUTCWithMillisecondsOnlyWhenPresent() throws {
        #expect(Timestamp.format(Date(unixMilliseconds: 1_772_357_400_000)) == "2026-03-01T09:30:00Z")
        #expect(Timestamp.format(Date(unixMilliseconds: 1_772_357_400_250)) == "2026-03-01T09:30:00.250Z")
        #expect(Timestamp.format(Date(unixMilliseconds: -1)) == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp.formatDate(Date(unixMilliseconds: 1_772_357_400_000)) == "2026-03-01")
    }

    @Test func datesMeanMidnightUTC() {
        #expect(Timestamp.parseDate("2026-03-01")?.unixMilliseconds == 1_772_323_200_000)
        #expect(Timestamp.parseInstantOrDate("2026-03-01") == Timestamp.parseDate("2026-03-01"))
        #expect(Timestamp.parseDate("2026-13-01") == nil)
    }

    @Test func everyDayOfFourCenturiesRoundTrips() {
        for day in stride(from: -200_000, through: 200_000, by: 1) {
            let date = Date(timeIntervalSince1970: Double(day) * 86_400)
            #expect(Timestamp.parseDate(Timestamp.formatDate(date)) == date)
        }
    }
}
