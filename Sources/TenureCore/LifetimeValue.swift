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

    /// What a client asks: the simple CLV, the discounted one or both, and the CAC to compare them with.
    public struct Input: Sendable, Decodable {
        public struct Simple: Sendable, Decodable {
            public var averagePurchaseValue: Double
            public var purchaseFrequency: Double
            public var periodsPerYear: Double
            public var lifespanYears: Double
        }

        public struct Discounted: Sendable, Decodable {
            public var cashFlows: [CashFlow]
            public var discountRate: Double
        }

        public var simple: Simple?
        public var discounted: Discounted?
        public var cac: Double?
    }

    /// The calculator's answer to `input`; a `ValidationError` for what it cannot answer, including a result too large
    /// for JSON (which has no infinity), naming the block that gives it.
    public static func evaluate(_ input: Input) throws -> Result {
        guard input.simple != nil || input.discounted != nil else { throw ValidationError("simple", "or discounted is required") }
        if let cac = input.cac, cac < 0 { throw ValidationError("cac", "must be >= 0") }
        if let rate = input.discounted?.discountRate, !(rate > -1) { throw ValidationError("discounted.discount_rate", "must be > -1") }
        let simple = input.simple.map {
            Self.simple(
                averagePurchaseValue: $0.averagePurchaseValue,
                purchaseFrequency: $0.purchaseFrequency,
                periodsPerYear: $0.periodsPerYear,
                lifespanYears: $0.lifespanYears
            )
        }
        let discounted = input.discounted.map { Self.discounted($0.cashFlows, rate: $0.discountRate) }
        let result = result(simple: simple, discounted: discounted, cac: input.cac)
        for (field, value) in [
            ("simple", result.simpleCLV), ("discounted", result.discountedCLV), ("cac", result.simpleCLVCACRatio),
            ("cac", result.discountedCLVCACRatio),
        ] where !(value?.isFinite ?? true) {
            throw ValidationError(field, "gives a result too large to represent")
        }
        return result
    }
}
