import Foundation
import TenureCore
import TenureServices

struct ContractResource: Encodable, Sendable {
    var id: String
    var object = "contract"
    var accountId: String
    @Nullable var opportunityId: String?
    var source: String
    @Nullable var externalId: String?
    var status: String
    @Nullable var startDate: String?
    @Nullable var endDate: String?
    @Nullable var billingInterval: String?
    @Nullable var recurringAmount: Int?
    var currency: String
    var autoRenew: Bool
    @Nullable var cancelEffectiveDate: String?
    @Nullable var cancelReason: String?
    @Nullable var cancelFeedback: String?
    var mrr: Int
    @Nullable var renewalDate: String?
    @Nullable var scheduledEnd: Date?
    var unpricedItems: [String]
    var createdAt: Date

    init(_ view: ContractView) {
        let contract = view.contract
        id = contract.id
        accountId = contract.accountID
        opportunityId = contract.opportunityID
        source = contract.source.rawValue
        externalId = contract.externalID
        status = view.status
        startDate = contract.startDate.map(Timestamp.formatDate)
        endDate = contract.endDate.map(Timestamp.formatDate)
        billingInterval = contract.billingInterval?.rawValue
        recurringAmount = contract.recurringAmount
        currency = contract.currency
        autoRenew = contract.autoRenew
        cancelEffectiveDate = contract.cancelEffective.map(Timestamp.formatDate)
        cancelReason = view.cancelReason?.rawValue
        cancelFeedback = view.cancelFeedback
        mrr = view.mrr
        renewalDate = view.renewalDate.map(Timestamp.formatDate)
        scheduledEnd = view.scheduledEnd
        unpricedItems = view.unpricedItems
        createdAt = contract.createdAt
    }
}

struct PaymentResource: Encodable, Sendable {
    var id: String
    var object = "payment"
    var accountId: String
    var amount: Int
    var currency: String
    var status: String
    var at: Date
    var source: String
    @Nullable var reference: String?
    var createdAt: Date

    init(_ payment: Payment) {
        id = payment.id
        accountId = payment.accountID
        amount = payment.amount
        currency = payment.currency
        status = payment.status.rawValue
        at = payment.at
        source = payment.source.rawValue
        reference = payment.externalID
        createdAt = payment.createdAt
    }
}

struct RenewalResource: Encodable, Sendable {
    var contract: ContractResource
    var accountId: String
    var accountName: String
    @Nullable var owner: String?
    @Nullable var renewalDate: String?
    var mrr: Int
    var health: AccountResource.HealthSummary
    @Nullable var daysSinceExecutiveContact: Double?

    init(_ renewal: LifecycleService.Renewal, asOf: Date) {
        contract = ContractResource(renewal.contract)
        accountId = renewal.account.id
        accountName = renewal.account.name
        owner = renewal.account.owner
        renewalDate = renewal.contract.renewalDate.map(Timestamp.formatDate)
        mrr = renewal.contract.mrr
        health = AccountResource.HealthSummary(renewal.health)
        daysSinceExecutiveContact = renewal.lastExecutiveContact.map { asOf.timeIntervalSince($0) / 86_400 }
    }
}

struct RevenuePeriodResource: Encodable, Sendable {
    var period: String
    var start: Date
    var end: Date
    var partial: Bool
    var mrrStart: Int
    var mrrEnd: Int
    var new: Int
    var expansion: Int
    var reactivation: Int
    var contraction: Int
    var churn: Int
    var netNewMrr: Int
    var customersStart: Int
    var customersEnd: Int
    var newCustomers: Int
    var reactivatedCustomers: Int
    var churnedCustomers: Int
    @Nullable var customerChurnRate: Double?
    @Nullable var grossMrrChurnRate: Double?
    @Nullable var netMrrChurnRate: Double?
    @Nullable var nrr: Double?
    @Nullable var grr: Double?
    @Nullable var quickRatio: Double?
    @Nullable var arpaEnd: Double?

    init(_ row: RevenuePeriod) {
        period = row.period
        start = row.start
        end = row.end
        partial = row.partial
        mrrStart = row.mrrStart
        mrrEnd = row.mrrEnd
        new = row.new
        expansion = row.expansion
        reactivation = row.reactivation
        contraction = row.contraction
        churn = row.churn
        netNewMrr = row.netNewMRR
        customersStart = row.customersStart
        customersEnd = row.customersEnd
        newCustomers = row.newCustomers
        reactivatedCustomers = row.reactivatedCustomers
        churnedCustomers = row.churnedCustomers
        customerChurnRate = row.customerChurnRate
        grossMrrChurnRate = row.grossMRRChurnRate
        netMrrChurnRate = row.netMRRChurnRate
        nrr = row.nrr
        grr = row.grr
        quickRatio = row.quickRatio
        arpaEnd = row.arpaEnd
    }
}

struct LTVResource: Encodable, Sendable {
    var asOf: Date
    @Nullable var arpa: Double?
    @Nullable var avgCustomerChurnRate: Double?
    @Nullable var ltv: Double?
    @Nullable var ltvReason: String?
    @Nullable var discountedLtv: Double?
    @Nullable var cac: Double?
    @Nullable var ltvCacRatio: Double?
    @Nullable var ltvCacHealthy: Bool?
    @Nullable var cacPaybackMonths: Double?

    init(_ value: LifetimeValue, asOf: Date) {
        self.asOf = asOf
        arpa = value.arpa
        avgCustomerChurnRate = value.avgCustomerChurnRate
        ltv = value.ltv
        ltvReason = value.ltvReason
        discountedLtv = value.discountedLTV
        cac = value.cac
        ltvCacRatio = value.ltvCACRatio
        ltvCacHealthy = value.ltvCACHealthy
        cacPaybackMonths = value.cacPaybackMonths
    }
}

struct RevenueSettingsResource: Encodable, Sendable {
    var grossMargin: Double
    var discountRate: Double
    @Nullable var pastDueChurnDays: Int?
    var reportingCurrency: String

    init(_ settings: RevenueSettings, currency: String) {
        grossMargin = settings.grossMargin
        discountRate = settings.discountRate
        pastDueChurnDays = settings.pastDueChurnDays
        reportingCurrency = currency
    }
}

struct CLVResource: Encodable, Sendable {
    @Nullable var simpleClv: Double?
    @Nullable var discountedClv: Double?
    @Nullable var simpleClvCacRatio: Double?
    @Nullable var discountedClvCacRatio: Double?
    @Nullable var healthy: Bool?

    init(_ result: CLVCalculator.Result) {
        simpleClv = result.simpleCLV
        discountedClv = result.discountedCLV
        simpleClvCacRatio = result.simpleCLVCACRatio
        discountedClvCacRatio = result.discountedCLVCACRatio
        healthy = result.healthy
    }
}

/// A period of `GET /v1/metrics/churn`, or its `total` (no `period`).
struct ChurnPeriodResource: Encodable, Sendable {
    @Nullable var period: String?
    var start: Date
    var end: Date
    var partial: Bool
    var churnedMrr: Int
    var churnedLogos: Int
    var voluntary: Figures
    var involuntary: Figures
    var byReason: [Reason]

    struct Figures: Encodable, Sendable {
        var mrr: Int
        var logos: Int

        init(_ figures: ChurnBreakdown.Figures) {
            mrr = figures.mrr
            logos = figures.logos
        }
    }

    struct Reason: Encodable, Sendable {
        var reason: String
        var mrr: Int
        var logos: Int
    }

    init(_ row: ChurnBreakdown, total: Bool = false) {
        period = total ? nil : row.period
        start = row.start
        end = row.end
        partial = row.partial
        churnedMrr = row.churned.mrr
        churnedLogos = row.churned.logos
        voluntary = Figures(row.voluntary)
        involuntary = Figures(row.involuntary)
        byReason = row.byReason.map { Reason(reason: $0.reason.rawValue, mrr: $0.figures.mrr, logos: $0.figures.logos) }
    }
}
