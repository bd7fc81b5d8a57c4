import Foundation

/// `GET/PUT /v1/settings/health`: weights, bands and the thresholds of the flags.
public struct HealthSettings: Sendable, Equatable, Codable {
    public var weights: [HealthComponent: Double]
    public var green: Double
    public var yellow: Double
    public var renewalWindowDays: Int
    public var execSilenceDays: Int
    public var userSilenceDays: Int
    public var championAdoption: Double
    public var adoptionDrop: Double
    /// Absent from settings stored before growth signals: their defaults.
    var growthSettings: GrowthSettings?

    public var growth: GrowthSettings {
        get { growthSettings ?? .defaults }
        set { growthSettings = newValue }
    }

    public static let defaults = HealthSettings(
        weights: [.adoption: 30, .relationships: 25, .support: 15, .sentiment: 15, .billing: 15],
        green: 70,
        yellow: 40,
        renewalWindowDays: 90,
        execSilenceDays: 15,
        userSilenceDays: 30,
        championAdoption: 0.7,
        adoptionDrop: 0.25
    )

    public init(
        weights: [HealthComponent: Double],
        green: Double,
        yellow: Double,
        renewalWindowDays: Int,
        execSilenceDays: Int,
        userSilenceDays: Int,
        championAdoption: Double,
        adoptionDrop: Double
    ) {
        self.weights = weights
        self.green = green
        self.yellow = yellow
        self.renewalWindowDays = renewalWindowDays
        self.execSilenceDays = execSilenceDays
        self.userSilenceDays = userSilenceDays
        self.championAdoption = championAdoption
        self.adoptionDrop = adoptionDrop
    }

    public func band(_ score: Int) -> HealthBand {
        Double(score) >= green ? .green : Double(score) >= yellow ? .yellow : .red
    }
}
