/*
 * Unit tests: function names as pprof prints them (xform/demangle). The
 * expected names are go tool pprof's (Go 1.26) for the same system names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "model/profile.h"
#include "xform/demangle.h"

typedef struct pair {
	const char *sys, *want;
} pair;

static void check_all(const pair *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *got = prof_demangle_name(cases[i].sys);
		assert_string_equal(got, cases[i].want);
		free(got);
	}
}

/* Itanium C++: no parameters, clones or template arguments; operators kept. */
static void itanium(void **state)
{
	(void)state;
	static const pair cases[] = {
		{"_ZN3foo3barEv", "foo::bar"},
		{"_ZNSt6vectorIiSaIiEE9push_backERKi", "std::vector::push_back"},
		{"_ZZN3foo3barEvE3baz", "foo::bar()::baz"},
		{"_ZN12_GLOBAL__N_13fooEv", "(anonymous namespace)::foo"},
		{"_ZN3FooltERKS_", "Foo::operator<"},
		{"_ZN3FoolsEi", "Foo::operator<<"},
		{"_ZNK3FooptEv", "Foo::operator->"},
		{"_ZN3FoorsEi", "Foo::operator>>"},
		{"_ZN3FoocvT_IiEEv", "Foo::operator int"},
		{"_Z3fooIiEvT_", "foo"},
		{"_ZN3foo3barIiEEvT_.isra.0", "foo::bar"},
		{"_ZZN3foo3barEvENKUliE_clEi", "foo::bar()::{lambda(int)#1}::operator()"},
		{"_ZThn8_N3Foo3barEv", "non-virtual thunk to Foo::bar()"},
		{"__Z3bazv", "baz"},
		{"_Zbogus", "_Zbogus"},
	};
	check_all(cases, sizeof cases / sizeof cases[0]);
}

/* Rust: legacy names lose their hash only; v0 names their generic arguments. */
static void rust(void **state)
{
	(void)state;
	static const pair cases[] = {
		{"_ZN5tokio7runtime4task3raw4poll17h1234567890abcdefE", "tokio::runtime::task::raw::poll"},
		{"_ZN4core3ptr85drop_in_place$LT$std..rt..lang_start$LT$$LP$$RP$$GT$..$u7b$$u7b$closure$u7d$$u7d$$GT$"
		 "17h0123456789abcdefE",
		 "core::ptr::drop_in_place<std::rt::lang_start<()>::{{closure}}>"},
		{"_RNvNtCs1234_7mycrate3foo3bar", "mycrate::foo::bar"},
		{"_RINvNtCs3ssYzQotkvD_3std3mem8align_ofdE", "std::mem::align_of::<>"},
		{"_RNvMsr_NtCs3ssYzQotkvD_3std4pathNtB5_7PathBuf3newCs15kBYyAo9fc_7mycrate", "<std::path::PathBuf>::new"},
	};
	check_all(cases, sizeof cases / sizeof cases[0]);
}

/* Names that only look demangled lose (...) and <...>; Go, Java and the rest stay. */
static void heuristics(void **state)
{
	(void)state;
	static const pair cases[] = {
		{"std::vector<int>::push_back(int const&)", "std::vector::push_back"},
		{"<F as warp::generic::Func<()>>::call", "::call"},
		{"pkg.New[go.shape.interface { At() int; Err() error }]", "pkg.New[go.shape.interface { At int; Err error }]"},
		{"pkg.(*T[...]).Method", "pkg.(*T[...]).Method"},
		{"com.example.Foo.<init>", "com.example.Foo.<init>"},
		{"<module>", ""},
		{"main.(*T).M", "main.(*T).M"},
		{"a::b)c(d)", "a::b)c(d)"},
		{"", ""},
	};
	check_all(cases, sizeof cases / sizeof cases[0]);
}

/* Only functions without a name of their own are renamed. */
static void profile_functions(void **state)
{
	(void)state;
	prof_profile *p = prof_profile_new();
	prof_strid m = prof_intern(p, "_ZN3foo3barEv", 13), own = prof_intern(p, "mine", 4);
	p->functions = calloc(3, sizeof *p->functions);
	p->functions[0] = (prof_function){.id = 1, .name = m, .system_name = m};
	p->functions[1] = (prof_function){.id = 2, .name = 0, .system_name = m};
	p->functions[2] = (prof_function){.id = 3, .name = own, .system_name = m};
	p->nfunction = 3;
	prof_demangle(p);
	assert_string_equal(prof_str(p, p->functions[0].name), "foo::bar");
	assert_string_equal(prof_str(p, p->functions[1].name), "foo::bar");
	assert_string_equal(prof_str(p, p->functions[2].name), "mine");
	assert_int_equal(p->functions[0].system_name, m);
	prof_profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(itanium),
		cmocka_unit_test(rust),
		cmocka_unit_test(heuristics),
		cmocka_unit_test(profile_functions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
