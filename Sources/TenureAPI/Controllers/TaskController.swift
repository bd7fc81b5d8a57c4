import Foundation
import Hummingbird
import TenureCore
import TenureServices

/// Tasks, `GET/POST /v1/tasks` and `PATCH /v1/tasks/{id}`, and the playbooks that write a flag's task,
/// `/v1/settings/playbooks`.
struct TaskController {
    let tasks: TaskService
    let gate: Gate

    struct TaskUpdateRequest: Decodable {
        var status: String?
    }

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("/v1/tasks", gate.read) { call in
            let query = call.query
            var filter = TaskFilter(accountID: query["account_id"], owner: query["owner"], status: try query.enumValue("status", TaskStatus.self))
            filter.automationID = query["automation_id"]
            filter.leadID = query["lead_id"]
            switch query["sort"] {
            case nil: break
            case "due_at": filter.byDueDate = true
            default: throw Problem.badRequest("must be due_at", field: "sort")
            }
            return try .json(
                ListBody(try await call.visible(try await tasks.list(filter, page: try query.page())) { $0.accountID }, TaskResource.init)
            )
        }
        routes.post("/v1/tasks", gate.write) { call in
            let task = try await tasks.create(try call.decode(TaskInput.self), by: call.actor)
            return try .json(TaskResource(task), status: .created, location: "/v1/tasks/\(task.id)")
        }
        routes.patch("/v1/tasks/{id}", gate.write) { call in
            let status = try call.decode(TaskUpdateRequest.self).status
            return try .json(TaskResource(try await tasks.update(try call.parameter("id"), status: status, by: call.actor)))
        }
        routes.get("/v1/settings/playbooks", gate.read) { _ in try .json(try await tasks.playbooks()) }
        routes.put("/v1/settings/playbooks", gate.admin) { call in
            try .json(try await tasks.updatePlaybooks(try call.jsonObject(), by: call.actor))
        }
        return routes
    }
}

struct TaskResource: Encodable, Sendable {
    var id: String
    var object = "task"
    @Nullable var accountId: String?
    @Nullable var leadId: String?
    var playbook: String
    @Nullable var automationId: String?
    var title: String
    @Nullable var owner: String?
    var status: String
    var dueAt: Date
    @Nullable var flagId: String?
    var createdAt: Date
    @Nullable var completedAt: Date?

    init(_ task: SuccessTask) {
        id = task.id
        accountId = task.accountID
        leadId = task.leadID
        playbook = task.playbookName
        automationId = task.automationID
        title = task.title
        owner = task.owner
        status = task.status.rawValue
        dueAt = task.dueAt
        flagId = task.flagID
        createdAt = task.createdAt
        completedAt = task.completedAt
    }
}
