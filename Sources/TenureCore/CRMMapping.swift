/// The CRMs whose own webhooks Tenure reads (`INTEGRATIONS.md`).
public enum CRM: String, CaseIterable, Sendable, Codable {
    case hubspot, pipedrive, salesforce

    /// The name of the CRM's companies, for the placeholder account a deal of an unknown company creates.
    public var companyNoun: String {
        switch self {
        case .hubspot: "HubSpot company"
        case .pipedrive: "Pipedrive organization"
        case .salesforce: "Salesforce account"
        }
    }

    /// The name of the account a deal of the unknown company `id` creates, until the company's real name arrives.
    public func placeholderName(company id: String) -> String { "\(companyNoun) \(id)" }
}

/// `GET/PUT /v1/settings/crm-mapping`: each CRM's stages as Tenure stages, and where Salesforce keeps a lost reason.
public struct CRMMapping: Sendable, Equatable {
    public struct Table: Sendable, Equatable {
        /// The CRM's stage names (or Pipedrive stage ids) as written, with their Tenure stage.
        public var stages: [String: PipelineStage]
        /// The Opportunity field that holds why a deal was lost (Salesforce only).
        public var lostReasonField: String?

        /// `stages` by their keys trimmed and lowercased, made once: every CRM event looks a stage up.
        private let byKey: [String: PipelineStage]

        public init(stages: [String: PipelineStage], lostReasonField: String? = nil) {
            self.stages = stages
            self.lostReasonField = lostReasonField
            byKey = Dictionary(stages.map { (Self.key($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
        }

        /// The Tenure stage of `name`, compared trimmed and in any case.
        public func stage(_ name: String) -> PipelineStage? { byKey[Self.key(name)] }

        static func key(_ name: String) -> String { name.trimmingWhitespace().lowercased() }
    }

    public var tables: [CRM: Table]

    public init(tables: [CRM: Table]) { self.tables = tables }

    public subscript(_ crm: CRM) -> Table { tables[crm] ?? Table(stages: [:]) }

    public static let defaults = CRMMapping(tables: [
        .hubspot: Table(stages: [
            "appointmentscheduled": .prospecting, "qualifiedtobuy": .discovery, "presentationscheduled": .solutionFit,
            "decisionmakerboughtin": .proposal, "contractsent": .proposal, "closedwon": .closedWon, "closedlost": .closedLost,
        ]),
        .pipedrive: Table(stages: [:]),
        .salesforce: Table(
            stages: [
                "Prospecting": .prospecting, "Qualification": .discovery, "Needs Analysis": .discovery, "Value Proposition": .solutionFit,
                "Id. Decision Makers": .solutionFit, "Perception Analysis": .solutionFit, "Proposal/Price Quote": .proposal,
                "Negotiation/Review": .proposal, "Closed Won": .closedWon, "Closed Lost": .closedLost,
            ],
            lostReasonField: "Loss_Reason__c"
        ),
    ])

    /// One CRM's table as a PUT sends it.
    public struct TableInput: Sendable {
        public var stages: [String: String]?
        /// Absent: kept; null or empty: no field.
        public var lostReasonField: String??

        public init(stages: [String: String]?, lostReasonField: String??) {
            self.stages = stages
            self.lostReasonField = lostReasonField
        }
    }

    /// These settings with the table of each CRM in `input` replaced, once every table is valid: each value a Tenure
    /// stage, no stage named twice (trimmed, in any case), a lost-reason field only for Salesforce.
    public func replacing(_ input: [String: TableInput]) throws -> CRMMapping {
        var validator = Validator()
        var replaced = self
        for (name, table) in input.sorted(by: { $0.key < $1.key }) {
            guard let crm = CRM(rawValue: name) else {
                validator.add(name, "is not a CRM Tenure reads: " + CRM.allCases.map(\.rawValue).joined(separator: ", "))
                continue
            }
            validator.required(table.stages, "\(name).stages")
            var stages: [String: PipelineStage] = [:]
            var keys: [String: String] = [:]
            for (key, value) in (table.stages ?? [:]).sorted(by: { $0.key < $1.key }) {
                let field = "\(name).stages.\(key)"
                if let other = keys[Table.key(key)] { validator.add(field, "names the same stage as \(other)") }
                keys[Table.key(key)] = key
                if Table.key(key).isEmpty { validator.add(field, "must name a stage") }
                guard let stage = PipelineStage(rawValue: value) else {
                    validator.add(field, "must be one of " + PipelineStage.allCases.map(\.rawValue).joined(separator: ", "))
                    continue
                }
                stages[key] = stage
            }
            var lostReasonField = self[crm].lostReasonField
            if let given = table.lostReasonField {
                if crm != .salesforce { validator.add("\(name).lost_reason_field", "is read only from Salesforce") }
                lostReasonField = given?.trimmingWhitespace().nilIfEmpty
            }
            replaced.tables[crm] = Table(stages: stages, lostReasonField: lostReasonField)
        }
        try validator.check()
        return replaced
    }
}

/// `{crm: {"stages": {name: stage}, "lostReasonField": …}}`: the stored form, and (with snake_case keys) the API's.
extension CRMMapping: Codable {
    public init(from decoder: any Decoder) throws {
        self = .defaults
        for (name, table) in try decoder.singleValueContainer().decode([String: Table].self) {
            if let crm = CRM(rawValue: name) { tables[crm] = table }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Dictionary(uniqueKeysWithValues: CRM.allCases.map { ($0.rawValue, self[$0]) }))
    }
}

extension CRMMapping.Table: Codable {
    enum CodingKeys: String, CodingKey {
        case stages, lostReasonField
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            stages: try container.decode([String: PipelineStage].self, forKey: .stages),
            lostReasonField: try container.decodeIfPresent(String.self, forKey: .lostReasonField)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(stages, forKey: .stages)
        try container.encodeIfPresent(lostReasonField, forKey: .lostReasonField)
    }
}

extension String {
    /// Nil for the empty string.
    public var nilIfEmpty: String? { isEmpty ? nil : self }
}
