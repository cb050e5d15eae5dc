/* Unit tests of model/goname: Go names split into path, package, receiver, function, closure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "model/goname.h"

static void part(const char *got, size_t len, const char *want)
{
	char buf[256];
	assert_true(len < sizeof buf);
	memcpy(buf, got ? got : "", len);
	buf[len] = '\0';
	assert_string_equal(buf, want);
}

static void check(const char *name, const char *path, const char *pkg, const char *recv, const char *func,
                  const char *closure)
{
	goname g;
	assert_true(goname_parse(name, &g));
	part(g.path, g.path_len, path);
	part(g.pkg, g.pkg_len, pkg);
	part(g.recv, g.recv_len, recv);
	part(g.func, g.func_len, func);
	part(g.closure, g.closure_len, closure);
}

static void splits_names(void **state)
{
	(void)state;
	check("main.main", "main", "main", "", "main", "");
	check("runtime.gopark", "runtime", "runtime", "", "gopark", "");
	check("sync.(*Mutex).Lock", "sync", "sync", "*Mutex", "Lock", "");
	check("net/http.(*conn).serve", "net/http", "http", "*conn", "serve", "");
	check("github.com/acme/app/store.(*Cache).Get", "github.com/acme/app/store", "store", "*Cache", "Get", "");
	check("github.com/acme/app/store.Cache.Len", "github.com/acme/app/store", "store", "Cache", "Len", "");
	check("main.worker.func1", "main", "main", "", "worker", ".func1");
	check("main.(*Server).Start.func2.1", "main", "main", "*Server", "Start", ".func2.1");
	check("main.spawn.gowrap1", "main", "main", "", "spawn", ".gowrap1");
	check("example.com/m.Each-range1", "example.com/m", "m", "", "Each", "-range1");
	check("gopkg.in/yaml%2ev3.Unmarshal", "gopkg.in/yaml%2ev3", "yaml%2ev3", "", "Unmarshal", "");
	check("pkg.Map[go.shape.string,go.shape.int]", "pkg", "pkg", "", "Map[go.shape.string,go.shape.int]", "");
	check("example.com/x.(*Set[github.com/y.T]).Add", "example.com/x", "x", "*Set[github.com/y.T]", "Add", "");
	/* As the reports print them: an address first, a file:line after. */
	check("0000000000402000 main.serve /src/main.go:17", "main", "main", "", "serve", "");
}

static void not_go_names(void **state)
{
	(void)state;
	goname g;
	assert_false(goname_parse("", &g));
	assert_false(goname_parse("panic", &g));
	assert_false(goname_parse("malloc", &g));
	assert_false(goname_parse(".hidden", &g));
}

static void std_or_program(void **state)
{
	(void)state;
	assert_true(goname_is_std("runtime.gopark"));
	assert_true(goname_is_std("sync.runtime_SemacquireMutex"));
	assert_true(goname_is_std("net/http.(*conn).serve"));
	assert_true(goname_is_std("internal/poll.(*FD).Read"));
	assert_true(goname_is_std("sync.(*Mutex).Lock /usr/local/go/src/sync/mutex.go:81"));
	/* The bug this module fixed: a module path was taken for the standard library. */
	assert_false(goname_is_std("github.com/acme/app/store.(*Cache).Get"));
	assert_false(goname_is_std("example.com/leaky.worker.func1"));
	assert_false(goname_is_std("gopkg.in/yaml%2ev3.Unmarshal"));
	assert_false(goname_is_std("main.main"));
	assert_false(goname_is_std("main.(*T).M.func1"));
	assert_false(goname_is_std("command-line-arguments.run"));
	/* Not Go at all (cgo, C++): the program's, shown. */
	assert_false(goname_is_std("malloc"));
	assert_false(goname_is_std("std::vector::push_back"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(splits_names),
		cmocka_unit_test(not_go_names),
		cmocka_unit_test(std_or_program),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
