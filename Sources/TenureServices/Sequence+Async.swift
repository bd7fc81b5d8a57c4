/// `map`, `compactMap` and `filter` for transforms that await (a record read in a transaction), one element after
/// another, in order.
extension Sequence {
    package func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        results.reserveCapacity(underestimatedCount)
        for element in self { results.append(try await transform(element)) }
        return results
    }

    package func asyncCompactMap<T>(_ transform: (Element) async throws -> T?) async rethrows -> [T] {
        var results: [T] = []
        for element in self {
            if let result = try await transform(element) { results.append(result) }
        }
        return results
    }

    package func asyncFilter(_ isIncluded: (Element) async throws -> Bool) async rethrows -> [Element] {
        var results: [Element] = []
        for element in self where try await isIncluded(element) { results.append(element) }
        return results
    }
}

extension Optional {
    package func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
