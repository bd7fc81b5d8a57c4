import Foundation

/// A deal. Its stage is not a field: it is the latest entry of its stage history.
public struct Opportunity: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var name: String
    public var amount: Int
    public var currency: String
    public var closeDate: String?
    public var owner: String?
    public var type: OpportunityType
    public var externalID: String?
    public var createdAt: Date
    public var updatedAt: Date
    /// The `occurred_at` of the latest CRM event applied to the fields; older events leave them alone.
    public var crmSyncedAt: Date?
    /// The forecast category a person set; without one, an open deal's follows its stage (no history is kept).
    public var forecastOverride: ForecastCategory?

    public init(
        id: String,
        accountID: String,
        name: String,
        amount: Int,
        currency: String,
        closeDate: String?,
        owner: String?,
        type: OpportunityType,
        externalID: String?,
        createdAt: Date,
        updatedAt: Date,
        crmSyncedAt: Date? = nil,
        forecastOverride: ForecastCategory? = nil
    ) {
        self.forecastOverride = forecastOverride
        self.id = id
        self.accountID = accountID
        self.name = name
        self.amount = amount
        self.currency = currency
        self.closeDate = closeDate
        self.owner = owner
        self.type = type
        self.externalID = externalID
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.crmSyncedAt = crmSyncedAt
    }
}

extension Opportunity {
    /// A new deal with checked fields.
    public init(id: String, accountID: String, fields: OpportunityFields, currency: String, externalID: String?, createdAt: Date, at now: Date) {
        self.init(
            id: id,
            accountID: accountID,
            name: fields.name,
            amount: fields.amount,
            currency: currency,
            closeDate: fields.closeDate,
            owner: fields.owner,
            type: fields.type,
            externalID: externalID,
            createdAt: createdAt,
            updatedAt: now,
            forecastOverride: fields.forecastOverride
        )
    }

    /// Takes the checked fields.
    public mutating func apply(_ fields: OpportunityFields, at now: Date) {
        name = fields.name
        amount = fields.amount
        closeDate = fields.closeDate
        owner = fields.owner
        type = fields.type
        forecastOverride = fields.forecastOverride
        updatedAt = now
    }
}

/// The writable fields of an opportunity, checked.
public struct OpportunityFields: Sendable, Equatable {
    public var name: String
    public var amount: Int
    public var closeDate: String?
    public var owner: String?
    public var type: OpportunityType
    public var forecastOverride: ForecastCategory?

    public init(name: String, amount: Int, closeDate: String?, owner: String?, type: OpportunityType, forecastOverride: ForecastCategory? = nil) {
        self.forecastOverride = forecastOverride
        self.name = name
        self.amount = amount
        self.closeDate = closeDate
        self.owner = owner
        self.type = type
    }

    /// Checks name, amount (≥ 0 minor units), close date (`YYYY-MM-DD`), type, and the currency against the reporting one.
    public static func validated(
        name: String?,
        amount: Int?,
        currency: String?,
        reportingCurrency: String,
        closeDate: String?,
        owner: String?,
        type: String?,
        forecastCategory: String? = nil,
        forecastField: String = "forecast_category_override",
        validator: inout Validator
    ) -> OpportunityFields {
        validator.required(name, "name")
        validator.maxLength(name, "name", 500)
        validator.required(amount, "amount")
        if let amount, amount < 0 { validator.add("amount", "must be >= 0") }
        checkCurrency(currency, reportingCurrency: reportingCurrency, &validator)
        if let closeDate, Timestamp.parseDate(closeDate) == nil { validator.add("close_date", "must be a YYYY-MM-DD date") }
        validator.maxLength(owner, "owner", 320)
        let type = OpportunityType.parse(type, "type", &validator) ?? .newBusiness
        let forecast = forecastCategory.flatMap { text in ForecastCategory.settable.first { $0.rawValue == text } }
        if forecastCategory != nil, forecast == nil {
            validator.add(forecastField, "must be null or one of " + ForecastCategory.settable.map(\.rawValue).joined(separator: ", "))
        }
        return OpportunityFields(
            name: name?.trimmingWhitespace() ?? "",
            amount: amount ?? 0,
            closeDate: closeDate,
            owner: owner,
            type: type,
            forecastOverride: forecast
        )
    }
}

/// Money is written in the reporting currency only (`API.md`, Money).
public func checkCurrency(_ currency: String?, reportingCurrency: String, _ validator: inout Validator) {
    guard let currency else { return validator.add("currency", "is required") }
    if currency != reportingCurrency { validator.add("currency", "must be the reporting currency, \(reportingCurrency)") }
}
