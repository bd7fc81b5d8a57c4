import Foundation
import TenureCore

/// Saved column mappings (`GET/PUT /v1/settings/import-mappings`): a name for each `{object, columns}` an import can
/// name with `mapping=`.
public struct ImportMappings: Sendable, Codable, Equatable {
    public struct Mapping: Sendable, Codable, Equatable {
        public var object: ImportObject
        /// Header → field; nil drops the column.
        public var columns: [String: String?]

        public init(object: ImportObject, columns: [String: String?]) {
            self.object = object
            self.columns = columns
        }
    }

    public var mappings: [String: Mapping]

    public init(mappings: [String: Mapping]) { self.mappings = mappings }

    static let settingsName = "import_mappings"

    static func load(in tx: any Transaction) async throws -> ImportMappings {
        try await tx.settings.decoded(settingsName, defaults: ImportMappings(mappings: [:]))
    }

    /// Checks a whole set as PUT sends it: every object known, every column mapped to a field of its object or null.
    public static func validated(_ mappings: [String: (object: String?, columns: [String: String?]?)]) throws -> ImportMappings {
        var validator = Validator()
        var checked: [String: Mapping] = [:]
        for (name, mapping) in mappings.sorted(by: { $0.key < $1.key }) {
            let path = "mappings.\(name)"
            if name.trimmingWhitespace().isEmpty || name.count > 100 { validator.add(path, "must be a name of 1 to 100 characters") }
            validator.required(mapping.object, "\(path).object")
            validator.required(mapping.columns, "\(path).columns")
            guard let objectName = mapping.object else { continue }
            guard let object = ImportObject(rawValue: objectName) else {
                validator.add("\(path).object", "must be one of " + ImportObject.allCases.map(\.rawValue).joined(separator: ", "))
                continue
            }
            for (header, field) in mapping.columns ?? [:] {
                if let field, !object.fields.contains(ImportTable.key(field)) {
                    validator.add("\(path).columns.\(header)", "must be null or one of " + object.fields.joined(separator: ", "))
                }
            }
            checked[name] = Mapping(object: object, columns: mapping.columns ?? [:])
        }
        try validator.check()
        return ImportMappings(mappings: checked)
    }
}

extension ImportService {
    public func mappings() async throws -> ImportMappings {
        try await storage.read { tx in try await ImportMappings.load(in: tx) }
    }

    /// Replaces the saved mappings whole.
    public func replaceMappings(_ mappings: ImportMappings, by actor: Actor) async throws -> ImportMappings {
        let now = clock.now()
        try await storage.write { tx in try await tx.replaceSettings(mappings, as: ImportMappings.settingsName, by: actor, at: now) }
        return mappings
    }
}
