import HTTPTypes
import Hummingbird

/// The router, remembering every path and its methods as routes are added: for the 405 answers and for the test that
/// holds `openapi.yaml` to the routes served.
final class RouteTable<Parent: RouterMethods<AppRequestContext>>: RouterMethods {
    typealias Context = AppRequestContext

    let parent: Parent
    /// Every registered path with its methods, in registration order.
    private(set) var methods: [(path: String, methods: [HTTPRequest.Method])] = []

    init(_ parent: Parent) { self.parent = parent }

    @discardableResult
    func on<Responder: HTTPResponder>(_ path: RouterPath, method: HTTPRequest.Method, responder: Responder) -> Self
    where Responder.Context == Context {
        let text = path.description
        if let index = methods.firstIndex(where: { $0.path == text }) {
            methods[index].methods.append(method)
        } else {
            methods.append((text, [method]))
        }
        parent.on(path, method: method, responder: responder)
        return self
    }

    @discardableResult
    func add(middleware: any MiddlewareProtocol<Request, Response, Context>) -> Self {
        _ = parent.add(middleware: middleware)
        return self
    }
}
