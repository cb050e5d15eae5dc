/*
 * demangle: function names as pprof prints them.
 *
 * pprof demangles every profile it loads, whatever its format, once the
 * profiles are merged and before drop_frames: each function whose name is
 * empty or equal to its system name gets a name made from the system name.
 * A C++ (Itanium) or Rust (legacy or v0) mangled name is demangled, without
 * parameter lists, clone suffixes or template (generic) arguments; a name
 * that only looks like demangled C++ (it has "::" or one of "<>[]", and is
 * neither Java's "Class.<init>" nor a Go method on a generic type) loses its
 * (...) and <...> groups; any other name is kept as it is.
 *
 * Owns nothing: libiberty does the demangling, this module the simplification
 * pprof's default applies on top.
 */
#ifndef PROF_DEMANGLE_H
#define PROF_DEMANGLE_H

#include "model/profile.h"

/* The name pprof shows for a function with system name sys; malloc'd. */
char *prof_demangle_name(const char *sys);

/* Renames p's functions as pprof's default symbolization does, in place. */
void prof_demangle(prof_profile *p);

#endif
