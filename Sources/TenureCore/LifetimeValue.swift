import Foundation

/// `GET /v1/settings/revenue`.
public struct RevenueSettings: Sendable, Equatable, Codable {
    public var grossMargin: Double
    public var discountRate: Double
    public var pastDueChurnDays: Int?

    public init(grossMargin: Double, discountRate: Double, pastDueChurnDays: Int?) {
        self.grossMargin = grossMargin
        self.discountRate = discountRate
        self.pastDueChurnDays = pastDueChurnDays
    }

    public static let defaults = RevenueSettings(grossMargin: 1, discountRate: 0.10, pastDueChurnDays: nil)

    /// `gross_margin` 0…1, `discount_rate` 0…1, `past_due_churn_days` null or 1…3650.
    public static func validated(grossMargin: Double?, discountRate: Double?, pastDueChurnDays: Int?) throws -> RevenueSettings {
        var validator = Validator()
        validator.required(grossMargin, "gross_margin")
        validator.range(grossMargin, "gross_margin", 0...1)
        validator.required(discountRate, "discount_rate")
        validator.range(discountRate, "discount_rate", 0...1)
        validator.range(pastDueChurnDays, "past_due_churn_days", 1...3650)
        try validator.check()
        return RevenueSettings(grossMargin: grossMargin ?? 1, discountRate: discountRate ?? 0.1, pastDueChurnDays: pastDueChurnDays)
    }
}

/// `GET /v1/metrics/ltv` (`METRICS.md`, LTV and CAC).
public struct LifetimeValue: Sendable, Equatable {
    public var arpa: Double?
    public var avgCustomerChurnRate: Double?
    public var ltv: Double?
    public var ltvReason: String?
    public var discountedLTV: Double?
    public var cac: Double?
    public var ltvCACRatio: Double?
    public var ltvCACHealthy: Bool?
    public var cacPaybackMonths: Double?

    /// W is the 6 full calendar months before the month of `asOf`; `spend` is the acquisition spend per month.
    public init(ledger: RevenueLedger, asOf: Date, settings: RevenueSettings, spend: [CalendarMonth: Int]) {
        let month = CalendarMonth(containing: asOf)
        let window = (1...6).map { month.adding(-$0) }.reversed()
        arpa = ledger.arpa(at: asOf)
        let rows = ledger.periods(window.map { RevenuePeriod(period: $0.description, start: $0.start, end: $0.adding(1).start, partial: false) })
        avgCustomerChurnRate = mean(rows.filter { $0.customersStart > 0 }.compactMap(\.customerChurnRate))
        let margin = settings.grossMargin
        if let arpa {
            switch avgCustomerChurnRate {
            case nil: ltvReason = "no_data"
            case 0: ltvReason = "no_churn"
            case let rate?: ltv = arpa * margin / rate
            }
            let churn = avgCustomerChurnRate ?? 0
            let monthlyDiscount = pow(1 + settings.discountRate, 1.0 / 12) - 1
            discountedLTV = (1...120).reduce(0.0) { sum, k in
                sum + arpa * margin * pow(1 - churn, Double(k - 1)) / pow(1 + monthlyDiscount, Double(k))
            }
        } else {
            ltvReason = avgCustomerChurnRate == nil ? "no_data" : nil
        }
        let newMovements = rows.reduce(0) { $0 + $1.newCustomers }
        // No spend recorded for W is unknown spend, not free acquisition.
        let recorded = window.compactMap { spend[$0] }
        cac = recorded.isEmpty ? nil : ratio(recorded.reduce(0, +), newMovements)
        if let ltv, let cac, cac > 0 {
            ltvCACRatio = ltv / cac
            ltvCACHealthy = ltv / cac >= 3
        }
        if let cac, let arpa, arpa * margin > 0 { cacPaybackMonths = cac / (arpa * margin) }
    }
}

/// `POST /v1/calculators/clv`: a what-if tool over plain decimals, results rounded to 2 decimals.
public enum CLVCalculator {
    public struct CashFlow: Sendable, Decodable {
        public var revenue: Double
        public var cost: Double

        public init(revenue: Double, cost: Double) {
            self.revenue = revenue
            self.cost = cost
        }
    }

    public struct Result: Sendable, Equatable {
        public var simpleCLV: Double?
        public var discountedCLV: Double?
        public var simpleCLVCACRatio: Double?
        public var discountedCLVCACRatio: Double?
        public var healthy: Bool?
    }

    /// `average_purchase_value × purchase_frequency × periods_per_year × lifespan_years`.
    public static func simple(averagePurchaseValue: Double, purchaseFrequency: Double, periodsPerYear: Double, lifespanYears: Double) -> Double {
        averagePurchaseValue * purchaseFrequency * periodsPerYear * lifespanYears
    }

    /// Σ over t = 1… of (revenue − cost) ÷ (1 + rate)^t.
    public static func discounted(_ flows: [CashFlow], rate: Double) -> Double {
        flows.enumerated().reduce(0.0) { sum, item in sum + (item.element.revenue - item.element.cost) / pow(1 + rate, Double(item.offset + 1)) }
    }

    public static func result(simple: Double?, discounted: Double?, cac: Double?) -> Result {
        func ratioToCAC(_ value: Double?) -> Double? {
            guard let value, let cac, cac > 0 else { return nil }
            return rounded(value / cac)
        }
        let simpleRatio = ratioToCAC(simple)
        let discountedRatio = ratioToCAC(discounted)
        return Result(
            simpleCLV: simple.map(rounded),
            discountedCLV: discounted.map(rounded),
            simpleCLVCACRatio: simpleRatio,
            discountedCLVCACRatio: discountedRatio,
            healthy: (discountedRatio ?? simpleRatio).map { $0 >= 3 }
        )
    }

    static func rounded(_ value: Double) -> Double { (value * 100).rounded(.toNearestOrAwayFromZero) / 100 }
}
