import Foundation
import Hummingbird
import TenureCore
import TenureServices

/// Contracts, payments, acquisition spend, renewals, revenue and LTV metrics, revenue settings, the CLV calculator.
struct RevenueController {
    let lifecycle: LifecycleService
    let currency: String
    let gate: Gate

    struct ChurnBody: Encodable, Sendable {
        var data: [ChurnPeriodResource]
        @Nullable var total: ChurnPeriodResource?
    }

    /// `?as_of&from&to&interval` of a series by period (`METRICS.md`, Revenue series): months, as_of's by default.
    static func periods(_ query: Query) throws -> (asOf: Date, from: CalendarMonth, to: CalendarMonth, interval: RevenueInterval) {
        let asOf = try query.asOf()
        let (from, to) = try query.months(defaultTo: CalendarMonth(containing: asOf))
        return (asOf, from, to, try query.enumValue("interval", RevenueInterval.self) ?? .month)
    }

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.post("/v1/contracts", gate.write) { call in
            let view = try await lifecycle.createContract(try call.decode(ContractInput.self), by: call.actor)
            return try .json(ContractResource(view), status: .created, location: "/v1/contracts/\(view.contract.id)")
        }
        routes.get("/v1/contracts", gate.read) { call in
            let query = call.query
            let filter = ContractFilter(accountID: query["account_id"], source: try query.enumValue("source", ContractSource.self))
            let status = query["status"]
            let page = try await lifecycle.listContracts(filter, status: status, page: try query.page(), asOf: try query.asOf())
            return try .json(ListBody(try await call.visible(page) { $0.contract.accountID }, ContractResource.init))
        }
        routes.post("/v1/contracts/{id}/cancel", gate.write) { call in
            try .json(
                ContractResource(try await lifecycle.cancelContract(try call.parameter("id"), try call.decode(CancelInput.self), by: call.actor))
            )
        }
        routes.post("/v1/payments", gate.write) { call in
            let payment = try await lifecycle.recordPayment(try call.decode(PaymentInput.self), by: call.actor)
            return try .json(PaymentResource(payment), status: .created, location: "/v1/payments/\(payment.id)")
        }
        routes.get("/v1/payments", gate.read) { call in
            let query = call.query
            let filter = PaymentFilter(accountID: query["account_id"], status: try query.enumValue("status", PaymentStatus.self))
            return try .json(
                ListBody(
                    try await call.visible(try await lifecycle.listPayments(filter, page: try query.page())) { $0.accountID },
                    PaymentResource.init
                )
            )
        }
        routes.post("/v1/acquisition-spend", gate.write.companyWide) { call in
            let input = try call.decode(SpendInput.self)
            try await lifecycle.addAcquisitionSpend(input, by: call.actor)
            return try .json(["period": input.period ?? "", "channel": input.channel ?? ""], status: .created)
        }
        routes.get("/v1/renewals", gate.read) { call in
            let query = call.query
            let within = try query.integer("within_days", 0...3650) ?? 90
            let asOf = try query.asOf()
            let limit = try query.integer("limit", 1...10_000)
            // A key kept to an owner sees its accounts' renewals only: the service keeps them before the limit.
            let renewals = try await lifecycle.renewals(withinDays: within, asOf: asOf, owner: query["owner"], limit: limit)
            return try .json(["data": renewals.map { RenewalResource($0, asOf: asOf) }])
        }
        routes.get("/v1/metrics/revenue", gate.read.companyWide) { call in
            let query = call.query
            let (asOf, from, to, interval) = try Self.periods(query)
            let rows = try await lifecycle.revenueSeries(
                from: from,
                to: to,
                interval: interval,
                asOf: asOf,
                slice: try query.slice(),
                groupBy: try query.groupBy()
            )
            return try .json(SeriesBody(rows, RevenuePeriodResource.init))
        }
        routes.get("/v1/metrics/churn", gate.read.companyWide) { call in
            let query = call.query
            let (asOf, from, to, interval) = try Self.periods(query)
            let churn = try await lifecycle.churn(
                from: from,
                to: to,
                interval: interval,
                asOf: asOf,
                slice: try query.slice(),
                groupBy: try query.groupBy()
            )
            return try .json(
                FieldsBody(churn) {
                    ChurnBody(data: $0.periods.map { ChurnPeriodResource($0) }, total: $0.total.map { ChurnPeriodResource($0, total: true) })
                }
            )
        }
        routes.get("/v1/metrics/ltv", gate.read.companyWide) { call in
            let query = call.query
            let asOf = try query.asOf()
            let ltv = try await lifecycle.lifetimeValue(asOf: asOf, slice: try query.slice(), groupBy: try query.groupBy())
            return try .json(FieldsBody(ltv) { LTVResource($0, asOf: asOf) })
        }
        routes.get("/v1/settings/revenue", gate.read) { _ in
            let settings = try await lifecycle.revenueSettings()
            return try .json(RevenueSettingsResource(settings, currency: currency))
        }
        routes.put("/v1/settings/revenue", gate.admin) { call in
            let settings = try await lifecycle.updateRevenueSettings(try call.decode(RevenueSettingsInput.self), by: call.actor)
            return try .json(RevenueSettingsResource(settings, currency: currency))
        }
        routes.post("/v1/calculators/clv", gate.read) { call in
            let result = try CLVCalculator.evaluate(try call.decode(CLVCalculator.Input.self))
            return try .json(CLVResource(result))
        }
        return routes
    }
}
