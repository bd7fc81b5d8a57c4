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
}
