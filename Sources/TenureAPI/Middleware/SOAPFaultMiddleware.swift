import HTTPTypes
import Hummingbird
import NIOCore

/// Answers every error of a SOAP endpoint (Salesforce's Outbound Messages) as a SOAP 1.1 Fault with the problem's
/// status: `soapenv:Client` for a 4xx, `soapenv:Server` for a 5xx, the problem's detail as the fault string.
struct SOAPFaultMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return Self.fault(Problem(from: error))
        }
    }

    static func fault(_ problem: Problem) -> Response {
        let code = problem.isServerError ? "soapenv:Server" : "soapenv:Client"
        let body = """
            <?xml version="1.0" encoding="UTF-8"?>
            <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault>\
            <faultcode>\(code)</faultcode><faultstring>\(escaped(problem.detail ?? problem.title))</faultstring>\
            </soapenv:Fault></soapenv:Body></soapenv:Envelope>
            """
        var headers = problem.headers
        headers[.contentType] = "text/xml; charset=utf-8"
        return Response(status: .init(code: problem.status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// Text as XML character data.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
