import Foundation
import Logging
import SQLiteStore
import TenureTestSupport
import Testing

func temporaryPath(_ name: String = "store.sqlite") -> String { TemporaryFolder.path(name) }
