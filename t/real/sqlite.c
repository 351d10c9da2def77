/* SPDX-License-Identifier: MIT */
/*
 * sqlite.c - an in-memory SQLite database with Debian's static libsqlite3
 * (glibc-static): a container has no files, so temp_store=MEMORY keeps
 * SQLite's temporary tables and sorts off the disk.  Runs the SQL in
 * argv[1], or a built-in session, and prints every row.
 */
#include <stdio.h>

#include <sqlite3.h>

static int row(void *unused, int n, char **vals, char **cols)
{
	(void)unused;
	(void)cols;
	for (int i = 0; i < n; i++)
		printf("%s%s", i ? "|" : "", vals[i] ? vals[i] : "NULL");
	printf("\n");
	return 0;
}

static const char session[] =
	"PRAGMA temp_store=MEMORY;"
	"CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, n INTEGER);"
	"WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 20000)"
	"  INSERT INTO t(name, n) SELECT 'row' || i, (i * 7919) % 1000 FROM c;"
	"CREATE INDEX t_n ON t(n);"
	"SELECT count(*), sum(n), min(name), max(name) FROM t;"
	"SELECT n, count(*) FROM t GROUP BY n ORDER BY count(*) DESC, n LIMIT 3;"
	/* a sort bigger than the cache: a temporary b-tree, in memory */
	"SELECT name FROM t ORDER BY n DESC, name LIMIT 2 OFFSET 10000;"
	"BEGIN; UPDATE t SET n = n + 1 WHERE id % 2; ROLLBACK;"
	"SELECT sum(n) FROM t;"
	"CREATE TEMP TABLE x AS SELECT n FROM t WHERE n < 10;"
	"SELECT count(*) FROM x;"
	"SELECT sqlite_version() IS NOT NULL, json_extract('{\"a\":[1,2,3]}', '$.a[2]');";

int main(int argc, char **argv)
{
	sqlite3 *db;
	char *err = NULL;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
		fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	int rc = sqlite3_exec(db, argc > 1 ? argv[1] : session, row, NULL, &err);
	if (rc != SQLITE_OK) {
		fprintf(stderr, "sqlite: %s\n", err);
		sqlite3_free(err);
	}
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : 1;
}
