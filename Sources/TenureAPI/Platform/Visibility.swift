import TenureServices

extension Call {
    /// The items of `page` a key restricted to an owner may see (those under its accounts); all of them for any other key.
    /// The cursor still follows the page read, so a page may hold fewer items than its limit.
    func visible<Item>(_ page: Page<Item>, account: (Item) -> String?) async throws -> Page<Item> {
        guard let visible = try await context.visibleAccounts?.ids() else { return page }
        return page.filtered { account($0).map(visible.contains) ?? false }
    }

    /// The same for a list that is not paged.
    func visible<Item>(_ items: [Item], account: (Item) -> String?) async throws -> [Item] {
        guard let visible = try await context.visibleAccounts?.ids() else { return items }
        return items.filter { account($0).map(visible.contains) ?? false }
    }

    /// The owner a list of accounts is kept to, for a key restricted to one.
    var visibleOwner: String? { context.visibleAccounts?.visibility.owner }
}
