#include <sqlite3.h>

// Swift cannot call C variadic functions; these wrap the sqlite3_db_config calls Tenure uses.
static inline int tenure_sqlite3_enable_defensive(sqlite3 *db) {
    return sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)0);
}
static inline int tenure_sqlite3_disable_double_quoted_strings(sqlite3 *db) {
    int rc = sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DML, 0, (int *)0);
    if (rc != SQLITE_OK) return rc;
    return sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DDL, 0, (int *)0);
}
// Before SQLite initializes: without memory statistics, which Tenure never reads, SQLite allocates without taking a
// process-wide mutex every time (a few µs of every write).
static inline int tenure_sqlite3_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

#if defined(__linux__)
#include <malloc.h>
// glibc keeps memory freed by a thread in that thread's arena; this hands what is free in every arena back.
static inline void tenure_release_free_memory(void) { malloc_trim(0); }
#else
static inline void tenure_release_free_memory(void) {}
#endif
