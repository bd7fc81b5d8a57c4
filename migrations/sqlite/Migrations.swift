/// The SQL of every migration, compiled into the binary (`Package.swift` embeds each `NNNN_name.sql` of this folder).
/// SwiftPM names an embedded file after its name with a leading digit dropped: `0001_x.sql` → `_001_x_sql`.
public enum TenureMigrations {
    public static let all: [(name: String, sql: String)] = [
        ("0001_foundation", PackageResources._001_foundation_sql),
        ("0002_pipeline", PackageResources._002_pipeline_sql),
        ("0003_revenue", PackageResources._003_revenue_sql),
        ("0004_health", PackageResources._004_health_sql),
        ("0005_case_changes", PackageResources._005_case_changes_sql),
        ("0006_read_indexes", PackageResources._006_read_indexes_sql),
        ("0007_contracts_version", PackageResources._007_contracts_version_sql),
        ("0008_summary_reads", PackageResources._008_summary_reads_sql),
        ("0009_snapshot_key", PackageResources._009_snapshot_key_sql),
        ("0010_integrations", PackageResources._010_integrations_sql),
        ("0011_events", PackageResources._011_events_sql),
        ("0012_merged_account_event", PackageResources._012_merged_account_event_sql),
        ("0013_privacy", PackageResources._013_privacy_sql),
        ("0014_leads", PackageResources._014_leads_sql),
        ("0015_insights", PackageResources._015_insights_sql),
    ].map { ($0.0, String(decoding: $0.1, as: UTF8.self)) }
}
