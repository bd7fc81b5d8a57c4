import Foundation
import TenureCore
import Testing

@Suite struct CalculatorTests {
    @Test func theCoffeeShopIs5798Point52() {
        let simple = CLVCalculator.simple(averagePurchaseValue: 5.90, purchaseFrequency: 4.2, periodsPerYear: 52, lifespanYears: 4.5)
        #expect(CLVCalculator.result(simple: simple, discounted: nil, cac: nil).simpleCLV == 5798.52)
    }

    @Test func discountedCashFlowsAndTheCACRatio() {
        let flows = [CLVCalculator.CashFlow(revenue: 1100, cost: 0), CLVCalculator.CashFlow(revenue: 1210, cost: 0)]
        let discounted = CLVCalculator.discounted(flows, rate: 0.10)
        let result = CLVCalculator.result(simple: 100, discounted: discounted, cac: 500)
        #expect(result.discountedCLV == 2000)
        #expect(result.discountedCLVCACRatio == 4)
        #expect(result.simpleCLVCACRatio == 0.2)
        #expect(result.healthy == true, "judged on the discounted CLV when given")
    }

    /// The calculator's own rules, checked before any arithmetic, each naming its field.
    @Test(arguments: [
        (#"{"cac": 10}"#, "simple", "or discounted is required"),
        (
            #"{"simple": {"average_purchase_value": 1, "purchase_frequency": 1, "periods_per_year": 1, "lifespan_years": 1}, "cac": -1}"#, "cac",
            "must be >= 0"
        ),
        (#"{"discounted": {"cash_flows": [{"revenue": 1, "cost": 0}], "discount_rate": -1}}"#, "discounted.discount_rate", "must be > -1"),
        (
            #"{"simple": {"average_purchase_value": 1e300, "purchase_frequency": 1e300, "periods_per_year": 1, "lifespan_years": 1}}"#, "simple",
            "gives a result too large to represent"
        ),
    ])
    func inputsItCannotAnswerAreRefusedNamingTheField(body: String, field: String, message: String) throws {
        let input = try Self.decode(body)
        #expect(throws: ValidationError(field, message)) { try CLVCalculator.evaluate(input) }
    }

    @Test func anInputItCanAnswerGivesTheResult() throws {
        let input = try Self.decode(
            #"{"simple": {"average_purchase_value": 5.90, "purchase_frequency": 4.2, "periods_per_year": 52, "lifespan_years": 4.5}, "cac": 1000}"#
        )
        let result = try CLVCalculator.evaluate(input)
        #expect(result.simpleCLV == 5798.52 && result.simpleCLVCACRatio == 5.8 && result.healthy == true)
    }

    static func decode(_ body: String) throws -> CLVCalculator.Input {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(CLVCalculator.Input.self, from: Data(body.utf8))
    }
}
