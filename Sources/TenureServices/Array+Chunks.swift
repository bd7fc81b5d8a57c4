extension Array {
    /// The array cut into consecutive pieces of `size` elements (the last one shorter), in order.
    package func chunks(of size: Int) -> [[Element]] {
        // Most arrays are one piece: itself, its elements not copied.
        guard count > size else { return isEmpty ? [] : [self] }
        return stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
