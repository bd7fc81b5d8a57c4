/// The SQL of every PostgreSQL migration, compiled into the binary (`Package.swift` embeds each `NNNN_name.sql` of this
/// folder). SwiftPM names an embedded file after its name with a leading digit dropped: `0009_x.sql` → `_009_x_sql`.
public enum TenurePostgresMigrations {
    public static let all: [(name: String, sql: String)] = [
        ("0009_baseline", PackageResources._009_baseline_sql),
        ("0010_integrations", PackageResources._010_integrations_sql),
        ("0011_events", PackageResources._011_events_sql),
        ("0012_merged_account_event", PackageResources._012_merged_account_event_sql),
        ("0013_privacy", PackageResources._013_privacy_sql),
        ("0014_leads", PackageResources._014_leads_sql),
        ("0015_insights", PackageResources._015_insights_sql),
    ].map { ($0.0, String(decoding: $0.1, as: UTF8.self)) }
}
