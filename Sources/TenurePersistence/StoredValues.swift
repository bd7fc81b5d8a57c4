import Foundation
import Logging
import SQLiteStore
import TenureCore
import TenureMigrations
import TenureServices

extension Row {
    func date(_ column: String) -> Date? { int(column).map { Date(unixMilliseconds: Int64($0)) } }
}

extension Date {
    var stored: Int64 { unixMilliseconds }
}
