import Testing

@testable import SQLiteStore

/// The queue between async callers and the database's tasks: what is pushed is taken once, in order, by takers that
/// wait without a thread; closing hands out what is queued, then nil.
@Suite struct AsyncQueueTests {
    @Test func takersGetEveryElementOnceInOrderAndInBatches() async {
        let queue = AsyncQueue<Int>()
        for value in 1...5 { #expect(queue.push(value)) }
        #expect(await queue.take(upTo: 2) == [1, 2])
        #expect(await queue.take(upTo: 10) == [3, 4, 5])
    }

    @Test func aWaitingTakerIsWokenByThePushThatFeedsIt() async {
        let queue = AsyncQueue<Int>()
        let taker = Task { await queue.take(upTo: 1) }
        try? await Task.sleep(for: .milliseconds(20))
        queue.push(7)
        #expect(await taker.value == [7])
    }

    /// Many takers and pushers at once: no element is lost or handed out twice, and no taker waits forever.
    @Test func concurrentTakersShareThePushesExactly() async {
        let queue = AsyncQueue<Int>()
        let count = 2_000
        let taken = await withTaskGroup(of: [Int].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var mine: [Int] = []
                    while let batch = await queue.take(upTo: 3) { mine += batch }
                    return mine
                }
            }
            for value in 0..<count { queue.push(value) }
            queue.close()
            return await group.reduce(into: [Int]()) { $0 += $1 }
        }
        #expect(taken.sorted() == Array(0..<count))
    }

    @Test func closingHandsOutWhatIsQueuedThenNilAndRefusesMore() async {
        let queue = AsyncQueue<String>()
        queue.push("last")
        queue.close()
        #expect(!queue.push("late"))
        #expect(await queue.take(upTo: 5) == ["last"])
        #expect(await queue.take(upTo: 5) == nil)
    }
}
