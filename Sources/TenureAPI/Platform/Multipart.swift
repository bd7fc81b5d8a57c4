import Foundation

/// The parts of a `multipart/form-data` body (RFC 7578) by their `name`: enough for a form that posts a file and a
/// field or two. Works on the bytes; a part's own headers other than `Content-Disposition` are not read.
enum Multipart {
    /// The boundary of a `Content-Type: multipart/form-data; boundary=…`, unquoted.
    static func boundary(of contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { String($0).trimmingWhitespace() }
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            let value = pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"") && pair[1].count >= 2 ? String(pair[1].dropFirst().dropLast()) : pair[1]
            return value.isEmpty || value.count > 70 ? nil : value
        }
        return nil
    }

    /// Each part's body by name; nil when the body is not multipart with this boundary.
    static func parts(of body: [UInt8], boundary: String) -> [String: [UInt8]]? {
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [String: [UInt8]] = [:]
        guard var start = find(delimiter, in: body, from: 0) else { return nil }
        while true {
            var cursor = start + delimiter.count
            if body[cursor...].starts(with: Array("--".utf8)) { return parts }
            guard body[cursor...].starts(with: Array("\r\n".utf8)) else { return nil }
            cursor += 2
            guard let headersEnd = find(Array("\r\n\r\n".utf8), in: body, from: cursor) else { return nil }
            let headers = String(decoding: body[cursor..<headersEnd], as: UTF8.self)
            let contentStart = headersEnd + 4
            guard let next = find(Array("\r\n".utf8) + delimiter, in: body, from: contentStart) else { return nil }
            if let name = name(in: headers) { parts[name] = Array(body[contentStart..<next]) }
            start = next + 2
        }
    }

    /// The `name` of a part's `Content-Disposition: form-data; name="…"`.
    static func name(in headers: String) -> String? {
        for line in headers.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
            for parameter in line.split(separator: ";").dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { String($0).trimmingWhitespace() }
                guard pair.count == 2, pair[0].lowercased() == "name" else { continue }
                return pair[1].trimmingCharacters(in: ["\""])
            }
        }
        return nil
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
        var index = from
        while index <= haystack.count - needle.count {
            guard let first = haystack[index...(haystack.count - needle.count)].firstIndex(of: needle[0]) else { return nil }
            if haystack[first..<(first + needle.count)].elementsEqual(needle) { return first }
            index = first + 1
        }
        return nil
    }
}
