import Metrics
import NIOConcurrencyHelpers
import Prometheus

typealias MetricsRegistry = PrometheusCollectorRegistry

/// The process-wide Prometheus registry behind swift-metrics (bootstrapped once per process).
enum Metrics {
    static let registry = PrometheusCollectorRegistry()
    private static let bootstrapped = NIOLockedValueBox(false)

    static func bootstrap() {
        bootstrapped.withLockedValue { done in
            guard !done else { return }
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            done = true
        }
    }
}
