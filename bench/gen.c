/*
 * profgen: deterministic generator of large, realistic pprof heap profiles.
 *
 *   profgen -samples N [-locations L] [-stacks D] [-seed S] [-o FILE] [-v]
 *
 * Writes a gzip'd perftools.profiles.Profile (the format `go tool pprof`
 * reads).  The messages are filled in with the protobuf-c structs generated
 * from proto/profile.proto and packed with protobuf-c; samples are packed in
 * chunks straight into a zlib deflate stream (level 6, like the Go runtime),
 * so memory stays bounded for millions of samples.
 *
 * The output depends only on the arguments: the generator uses its own PRNG
 * (splitmix64) and only IEEE-exact floating point operations (+ - * /),
 * so the same arguments give a byte-identical file.
 *
 * Shape of the profile (modelled on a Go heap profile of a server):
 *   - 4 sample types alloc_objects/count, alloc_space/bytes,
 *     inuse_objects/count, inuse_space/bytes; default inuse_space;
 *     period_type space/bytes, period 524288;
 *   - a main mapping /srv/app/server plus libc, libcrypto and [vdso];
 *   - L locations (default 20000) at distinct addresses, ~15% of them with
 *     2-3 inlined Line entries, over ~0.4*L functions with Go-like names;
 *   - stacks 5..50 frames deep, drawn from a call tree grown with skewed
 *     choices, so stacks share prefixes and D distinct stacks (default N/8)
 *     are reused by the N samples with Zipf-like skew;
 *   - values: objects scaled by the sampling rate, bytes = objects * size,
 *     inuse <= alloc;
 *   - string labels (handler / rpc / job) and a numeric label bytes (unit
 *     "bytes") on a fraction of the samples.
 *
 * Field order in the output is the one of google/pprof's encoder: sample_type,
 * sample, mapping, location, function, string_table, time_nanos, ...
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "profile.pb-c.h"

typedef Perftools__Profiles__Profile PbProfile;
typedef Perftools__Profiles__ValueType PbValueType;
typedef Perftools__Profiles__Sample PbSample;
typedef Perftools__Profiles__Label PbLabel;
typedef Perftools__Profiles__Mapping PbMapping;
typedef Perftools__Profiles__Location PbLocation;
typedef Perftools__Profiles__Line PbLine;
typedef Perftools__Profiles__Function PbFunction;

/* ------------------------------------------------------------------ */
/* utilities                                                           */

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("profgen: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die("out of memory (%zu bytes)", n);
	return p;
}

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);
	if (!p)
		die("out of memory (%zu x %zu bytes)", n, sz);
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory (%zu bytes)", n);
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = xmalloc(n);
	memcpy(p, s, n);
	return p;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ */
/* PRNG: splitmix64                                                     */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* uniform in [0, n) (n > 0); the tiny modulo bias is irrelevant here */
static uint64_t rndn(uint64_t n)
{
	return rnd() % n;
}

/* uniform double in [0, 1) */
static double rndu(void)
{
	return (double)(rnd() >> 11) * (1.0 / 9007199254740992.0);
}

/* integer in [lo, hi] */
static int64_t rndr(int64_t lo, int64_t hi)
{
	return lo + (int64_t)rndn((uint64_t)(hi - lo + 1));
}

/* Zipf-like skewed index in [0, n): density ~ x^(-2/3), small indices hot */
static size_t skew(size_t n)
{
	double u = rndu();
	size_t i = (size_t)((double)n * u * u * u);
	return i < n ? i : n - 1;
}

/* milder skew: density ~ x^(-0.5) */
static size_t skew2(size_t n)
{
	double u = rndu();
	size_t i = (size_t)((double)n * u * u);
	return i < n ? i : n - 1;
}

/* pick an index from a weight table */
static size_t pick_weighted(const int *w, size_t n)
{
	int total = 0;
	for (size_t i = 0; i < n; i++)
		total += w[i];
	int r = (int)rndn((uint64_t)total);
	for (size_t i = 0; i < n; i++) {
		if (r < w[i])
			return i;
		r -= w[i];
	}
	return n - 1;
}

/* ------------------------------------------------------------------ */
/* string table with interning                                          */

static char **strs;
static size_t nstrs, capstrs;
static uint32_t *strhash; /* open addressing; 0 = empty, else index+1 */
static size_t strhash_cap;

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void strhash_rebuild(size_t cap)
{
	free(strhash);
	strhash = xcalloc(cap, sizeof *strhash);
	strhash_cap = cap;
	for (size_t i = 0; i < nstrs; i++) {
		size_t h = (size_t)fnv1a(strs[i]) & (cap - 1);
		while (strhash[h])
			h = (h + 1) & (cap - 1);
		strhash[h] = (uint32_t)(i + 1);
	}
}

/* returns the index of s in the table, or -1 */
static int64_t str_find(const char *s)
{
	size_t h = (size_t)fnv1a(s) & (strhash_cap - 1);
	while (strhash[h]) {
		if (strcmp(strs[strhash[h] - 1], s) == 0)
			return (int64_t)strhash[h] - 1;
		h = (h + 1) & (strhash_cap - 1);
	}
	return -1;
}

static int64_t intern(const char *s)
{
	int64_t i = str_find(s);
	if (i >= 0)
		return i;
	if (nstrs == capstrs) {
		capstrs = capstrs ? capstrs * 2 : 1024;
		strs = xrealloc(strs, capstrs * sizeof *strs);
	}
	strs[nstrs++] = xstrdup(s);
	if (nstrs * 2 > strhash_cap)
		strhash_rebuild(strhash_cap * 2);
	else {
		size_t h = (size_t)fnv1a(s) & (strhash_cap - 1);
		while (strhash[h])
			h = (h + 1) & (strhash_cap - 1);
		strhash[h] = (uint32_t)nstrs;
	}
	return (int64_t)nstrs - 1;
}

static int64_t internf(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return intern(buf);
}

/* ------------------------------------------------------------------ */
/* packages, names and files                                            */

enum { PK_STD, PK_MOD, PK_APP, PK_MAIN };

typedef struct {
	const char *path; /* import path ("main" for the main package) */
	const char *mod;  /* module path for PK_MOD */
	const char *ver;  /* module version for PK_MOD */
	int kind;
	int weight;       /* how many generated functions land here (relative) */
} Pkg;

#define GOROOT "/usr/local/go/src/"
#define GOMODCACHE "/home/builder/go/pkg/mod/"
#define APPROOT "/build/app/"

static const Pkg pkgs[] = {
	{"runtime", 0, 0, PK_STD, 30},
	{"net/http", 0, 0, PK_STD, 30},
	{"net", 0, 0, PK_STD, 12},
	{"net/textproto", 0, 0, PK_STD, 4},
	{"net/url", 0, 0, PK_STD, 4},
	{"bufio", 0, 0, PK_STD, 4},
	{"bytes", 0, 0, PK_STD, 5},
	{"strings", 0, 0, PK_STD, 5},
	{"strconv", 0, 0, PK_STD, 4},
	{"encoding/json", 0, 0, PK_STD, 12},
	{"encoding/binary", 0, 0, PK_STD, 3},
	{"encoding/base64", 0, 0, PK_STD, 2},
	{"encoding/xml", 0, 0, PK_STD, 4},
	{"compress/gzip", 0, 0, PK_STD, 3},
	{"compress/flate", 0, 0, PK_STD, 5},
	{"crypto/tls", 0, 0, PK_STD, 12},
	{"crypto/sha256", 0, 0, PK_STD, 2},
	{"crypto/aes", 0, 0, PK_STD, 2},
	{"crypto/x509", 0, 0, PK_STD, 5},
	{"io", 0, 0, PK_STD, 3},
	{"os", 0, 0, PK_STD, 5},
	{"sync", 0, 0, PK_STD, 4},
	{"sort", 0, 0, PK_STD, 3},
	{"reflect", 0, 0, PK_STD, 10},
	{"fmt", 0, 0, PK_STD, 5},
	{"time", 0, 0, PK_STD, 5},
	{"context", 0, 0, PK_STD, 3},
	{"database/sql", 0, 0, PK_STD, 8},
	{"regexp", 0, 0, PK_STD, 4},
	{"regexp/syntax", 0, 0, PK_STD, 4},
	{"math/big", 0, 0, PK_STD, 4},
	{"syscall", 0, 0, PK_STD, 4},
	{"internal/poll", 0, 0, PK_STD, 4},
	{"text/template", 0, 0, PK_STD, 5},
	{"html/template", 0, 0, PK_STD, 4},
	{"mime/multipart", 0, 0, PK_STD, 3},
	{"path/filepath", 0, 0, PK_STD, 2},
	{"log", 0, 0, PK_STD, 2},
	{"errors", 0, 0, PK_STD, 1},
	{"unicode/utf8", 0, 0, PK_STD, 1},
	{"hash/crc32", 0, 0, PK_STD, 1},
	{"container/heap", 0, 0, PK_STD, 1},
	{"google.golang.org/grpc", "google.golang.org/grpc", "v1.59.0", PK_MOD, 14},
	{"google.golang.org/grpc/internal/transport", "google.golang.org/grpc", "v1.59.0", PK_MOD, 14},
	{"google.golang.org/grpc/encoding/proto", "google.golang.org/grpc", "v1.59.0", PK_MOD, 2},
	{"google.golang.org/grpc/metadata", "google.golang.org/grpc", "v1.59.0", PK_MOD, 2},
	{"google.golang.org/grpc/status", "google.golang.org/grpc", "v1.59.0", PK_MOD, 2},
	{"google.golang.org/protobuf/proto", "google.golang.org/protobuf", "v1.31.0", PK_MOD, 5},
	{"google.golang.org/protobuf/internal/impl", "google.golang.org/protobuf", "v1.31.0", PK_MOD, 14},
	{"google.golang.org/protobuf/encoding/protowire", "google.golang.org/protobuf", "v1.31.0", PK_MOD, 3},
	{"golang.org/x/net/http2", "golang.org/x/net", "v0.17.0", PK_MOD, 14},
	{"golang.org/x/net/http2/hpack", "golang.org/x/net", "v0.17.0", PK_MOD, 4},
	{"golang.org/x/net/trace", "golang.org/x/net", "v0.17.0", PK_MOD, 2},
	{"github.com/jackc/pgx/v5", "github.com/jackc/pgx/v5", "v5.4.3", PK_MOD, 8},
	{"github.com/jackc/pgx/v5/pgconn", "github.com/jackc/pgx/v5", "v5.4.3", PK_MOD, 8},
	{"github.com/jackc/pgx/v5/pgproto3", "github.com/jackc/pgx/v5", "v5.4.3", PK_MOD, 6},
	{"github.com/jackc/pgx/v5/pgtype", "github.com/jackc/pgx/v5", "v5.4.3", PK_MOD, 10},
	{"go.uber.org/zap", "go.uber.org/zap", "v1.26.0", PK_MOD, 6},
	{"go.uber.org/zap/zapcore", "go.uber.org/zap", "v1.26.0", PK_MOD, 8},
	{"go.uber.org/zap/buffer", "go.uber.org/zap", "v1.26.0", PK_MOD, 2},
	{"github.com/prometheus/client_golang/prometheus", "github.com/prometheus/client_golang", "v1.17.0", PK_MOD, 8},
	{"github.com/prometheus/client_golang/prometheus/promhttp", "github.com/prometheus/client_golang", "v1.17.0", PK_MOD, 3},
	{"github.com/klauspost/compress/zstd", "github.com/klauspost/compress", "v1.17.2", PK_MOD, 8},
	{"github.com/klauspost/compress/flate", "github.com/klauspost/compress", "v1.17.2", PK_MOD, 5},
	{"github.com/redis/go-redis/v9", "github.com/redis/go-redis/v9", "v9.2.1", PK_MOD, 6},
	{"github.com/redis/go-redis/v9/internal/proto", "github.com/redis/go-redis/v9", "v9.2.1", PK_MOD, 4},
	{"github.com/redis/go-redis/v9/internal/pool", "github.com/redis/go-redis/v9", "v9.2.1", PK_MOD, 3},
	{"go.opentelemetry.io/otel/sdk/trace", "go.opentelemetry.io/otel/sdk", "v1.19.0", PK_MOD, 6},
	{"example.com/app/internal/store", 0, 0, PK_APP, 16},
	{"example.com/app/internal/api", 0, 0, PK_APP, 16},
	{"example.com/app/internal/worker", 0, 0, PK_APP, 8},
	{"example.com/app/internal/cache", 0, 0, PK_APP, 8},
	{"example.com/app/internal/auth", 0, 0, PK_APP, 5},
	{"example.com/app/internal/index", 0, 0, PK_APP, 10},
	{"example.com/app/internal/search", 0, 0, PK_APP, 10},
	{"example.com/app/internal/db", 0, 0, PK_APP, 8},
	{"example.com/app/pkg/codec", 0, 0, PK_APP, 6},
	{"example.com/app/pkg/ratelimit", 0, 0, PK_APP, 2},
	{"main", 0, 0, PK_MAIN, 2},
};

static const char *const nouns[] = {
	"Conn", "Server", "Client", "Reader", "Writer", "Buffer", "Decoder",
	"Encoder", "Cache", "Pool", "Store", "Table", "Index", "Batch",
	"Request", "Response", "Handler", "Router", "Stream", "Frame",
	"Session", "Queue", "Tree", "Node", "Map", "Set", "Entry", "Record",
	"Row", "Column", "Scanner", "Parser", "Lexer", "Builder", "Codec",
	"Registry", "Counter", "Histogram", "Tracker", "Limiter", "Worker",
	"Job", "Task", "Scheduler", "Txn", "Iterator", "Cursor", "Segment",
	"Block", "Page", "Chunk", "Header", "Field", "Message", "Token", "Key",
	"Value", "Config", "Logger", "Core", "Span", "Tracer", "State", "Loop",
};

static const char *const nprefix[] = {
	"", "", "", "", "", "http", "frame", "row", "item", "user", "order",
	"meta", "lru", "sharded", "batch", "gzip", "json", "proto", "tls",
	"conn", "read", "write", "mem", "disk", "remote", "local", "async",
	"persist", "sorted", "hash", "ring", "stream", "query", "plan",
};

static const char *const verbs[] = {
	"Get", "Set", "Put", "Delete", "Read", "Write", "Flush", "Close",
	"Open", "Parse", "Encode", "Decode", "Marshal", "Unmarshal", "Handle",
	"Serve", "Process", "Load", "Store", "Scan", "Next", "Append", "Grow",
	"Reset", "Lookup", "Insert", "Update", "Merge", "Split", "Copy",
	"Clone", "Build", "Compile", "Match", "Apply", "Run", "Start", "Stop",
	"Wait", "Send", "Recv", "Dial", "Accept", "Fetch", "Commit", "Validate",
	"Compute", "Resolve", "Render", "Format", "Emit", "Observe", "Acquire",
	"Release", "Init", "New", "Alloc", "Fill", "Walk", "Visit",
};

static const char *const objs[] = {
	"", "", "", "", "Value", "Values", "Bytes", "String", "Header",
	"Headers", "Frame", "Frames", "Batch", "Item", "Items", "Row", "Rows",
	"Key", "Keys", "Entry", "Block", "Field", "Fields", "Message",
	"Request", "Response", "Slice", "Map", "Struct", "Array", "Object",
	"Literal", "Token", "Path", "Query", "Conn", "Buffer", "Chunk", "Page",
	"Span", "Metrics", "Labels", "Config", "Locked", "Fast", "Slow",
};

/* file name of a package directory */
static void pkg_dir(const Pkg *p, char *buf, size_t n)
{
	switch (p->kind) {
	case PK_STD:
		snprintf(buf, n, GOROOT "%s", p->path);
		break;
	case PK_MOD: {
		size_t ml = strlen(p->mod);
		snprintf(buf, n, GOMODCACHE "%s@%s%s", p->mod, p->ver, p->path + ml);
		break;
	}
	case PK_APP:
		snprintf(buf, n, APPROOT "%s", p->path + strlen("example.com/app/"));
		break;
	default:
		snprintf(buf, n, APPROOT "cmd/server");
		break;
	}
}

/* last path element, skipping major-version suffixes like v5 */
static const char *pkg_base(const Pkg *p, char *buf, size_t n)
{
	const char *s = p->path, *last = s, *prev = s;
	for (const char *q = s; *q; q++)
		if (*q == '/') {
			prev = last;
			last = q + 1;
		}
	if (last[0] == 'v' && last[1] >= '0' && last[1] <= '9' && last != prev) {
		size_t l = (size_t)(last - 1 - prev);
		if (l >= n)
			l = n - 1;
		memcpy(buf, prev, l);
		buf[l] = 0;
		return buf;
	}
	snprintf(buf, n, "%s", last);
	return buf;
}

/* "persistConn" -> "persist_conn" */
static void snake(const char *s, char *buf, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; s[i] && o + 2 < n; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z') {
			if (i > 0)
				buf[o++] = '_';
			c = (char)(c - 'A' + 'a');
		}
		buf[o++] = c;
	}
	buf[o] = 0;
}

/* ------------------------------------------------------------------ */
/* functions, locations, mappings                                       */

enum { MAP_MAIN = 1, MAP_LIBC, MAP_CRYPTO, MAP_VDSO, NMAPS = 4 };

typedef struct {
	int64_t name, file, start_line;
	int map;          /* mapping id */
	int wellknown;
	uint32_t loc0, nloc; /* its locations: [loc0, loc0+nloc) */
	uint32_t want;       /* number of locations to give it */
} Func;

typedef struct {
	uint64_t addr;
	uint32_t func;
	int map;
	int nline;
	uint32_t inl[2];      /* inlined callee functions (innermost first) */
	int64_t line[3];
} Loc;

static Func *funcs;
static size_t nfuncs, capfuncs;
static Loc *locs;
static size_t nlocs;

static uint32_t add_func(int64_t name, int64_t file, int map, int wellknown)
{
	if (nfuncs == capfuncs) {
		capfuncs = capfuncs ? capfuncs * 2 : 1024;
		funcs = xrealloc(funcs, capfuncs * sizeof *funcs);
	}
	Func *f = &funcs[nfuncs];
	memset(f, 0, sizeof *f);
	f->name = name;
	f->file = file;
	f->map = map;
	f->wellknown = wellknown;
	f->start_line = map == MAP_MAIN ? rndr(12, 2400) : 0;
	f->want = 1;
	return (uint32_t)nfuncs++;
}

static int pkg_index(const char *path)
{
	for (size_t i = 0; i < NELEM(pkgs); i++)
		if (strcmp(pkgs[i].path, path) == 0)
			return (int)i;
	die("internal: unknown package %s", path);
	return -1;
}

/* Well-known functions that the call tree uses by name: name, package
 * (NULL for C functions, which have no file), file in the package directory,
 * mapping, number of distinct PCs (locations). */
static const struct {
	const char *name, *pkg, *file;
	int map, nloc;
} known_defs[] = {
	{"runtime.goexit", "runtime", "asm_amd64.s", MAP_MAIN, 1},
	{"runtime.main", "runtime", "proc.go", MAP_MAIN, 2},
	{"runtime.mstart", "runtime", "asm_amd64.s", MAP_MAIN, 1},
	{"runtime.mstart0", "runtime", "proc.go", MAP_MAIN, 1},
	{"runtime.mstart1", "runtime", "proc.go", MAP_MAIN, 1},
	{"runtime.schedule", "runtime", "proc.go", MAP_MAIN, 2},
	{"runtime.gcBgMarkWorker", "runtime", "mgc.go", MAP_MAIN, 2},
	{"runtime.mallocgc", "runtime", "malloc.go", MAP_MAIN, 4},
	{"runtime.newobject", "runtime", "malloc.go", MAP_MAIN, 1},
	{"runtime.newarray", "runtime", "malloc.go", MAP_MAIN, 1},
	{"runtime.makeslice", "runtime", "slice.go", MAP_MAIN, 1},
	{"runtime.growslice", "runtime", "slice.go", MAP_MAIN, 2},
	{"runtime.makemap", "runtime", "map.go", MAP_MAIN, 1},
	{"runtime.makemap_small", "runtime", "map.go", MAP_MAIN, 1},
	{"runtime.mapassign_faststr", "runtime", "map_faststr.go", MAP_MAIN, 2},
	{"runtime.hashGrow", "runtime", "map.go", MAP_MAIN, 1},
	{"runtime.makeBucketArray", "runtime", "map.go", MAP_MAIN, 1},
	{"runtime.concatstrings", "runtime", "string.go", MAP_MAIN, 1},
	{"runtime.concatstring3", "runtime", "string.go", MAP_MAIN, 1},
	{"runtime.rawstringtmp", "runtime", "string.go", MAP_MAIN, 1},
	{"runtime.rawstring", "runtime", "string.go", MAP_MAIN, 1},
	{"runtime.slicebytetostring", "runtime", "string.go", MAP_MAIN, 1},
	{"runtime.stringtoslicebyte", "runtime", "string.go", MAP_MAIN, 1},
	{"runtime.rawbyteslice", "runtime", "string.go", MAP_MAIN, 1},
	{"runtime.convTstring", "runtime", "iface.go", MAP_MAIN, 1},
	{"runtime.convT", "runtime", "iface.go", MAP_MAIN, 1},
	{"runtime.cgocall", "runtime", "cgocall.go", MAP_MAIN, 1},
	{"runtime.asmcgocall", "runtime", "asm_amd64.s", MAP_MAIN, 1},
	{"main.main", "main", "main.go", MAP_MAIN, 1},
	{"main.run", "main", "main.go", MAP_MAIN, 3},
	{"net/http.(*conn).serve", "net/http", "server.go", MAP_MAIN, 3},
	{"net/http.serverHandler.ServeHTTP", "net/http", "server.go", MAP_MAIN, 1},
	{"net/http.(*ServeMux).ServeHTTP", "net/http", "server.go", MAP_MAIN, 1},
	{"net/http.HandlerFunc.ServeHTTP", "net/http", "server.go", MAP_MAIN, 1},
	{"net/http.(*conn).readRequest", "net/http", "server.go", MAP_MAIN, 2},
	{"net/http.readRequest", "net/http", "request.go", MAP_MAIN, 2},
	{"net/textproto.(*Reader).ReadMIMEHeader", "net/textproto", "reader.go", MAP_MAIN, 1},
	{"net/textproto.readMIMEHeader", "net/textproto", "reader.go", MAP_MAIN, 2},
	{"net/http.(*persistConn).readLoop", "net/http", "transport.go", MAP_MAIN, 2},
	{"bufio.NewReaderSize", "bufio", "bufio.go", MAP_MAIN, 1},
	{"bufio.NewWriterSize", "bufio", "bufio.go", MAP_MAIN, 1},
	{"bytes.(*Buffer).Write", "bytes", "buffer.go", MAP_MAIN, 1},
	{"bytes.(*Buffer).grow", "bytes", "buffer.go", MAP_MAIN, 1},
	{"bytes.growSlice", "bytes", "buffer.go", MAP_MAIN, 1},
	{"strings.(*Builder).WriteString", "strings", "builder.go", MAP_MAIN, 1},
	{"strings.(*Builder).grow", "strings", "builder.go", MAP_MAIN, 1},
	{"fmt.Sprintf", "fmt", "print.go", MAP_MAIN, 1},
	{"encoding/json.Marshal", "encoding/json", "encode.go", MAP_MAIN, 1},
	{"encoding/json.Unmarshal", "encoding/json", "decode.go", MAP_MAIN, 1},
	{"encoding/json.(*decodeState).object", "encoding/json", "decode.go", MAP_MAIN, 3},
	{"encoding/json.(*decodeState).literalStore", "encoding/json", "decode.go", MAP_MAIN, 2},
	{"google.golang.org/grpc.(*Server).serveStreams.func1.1", "google.golang.org/grpc", "server.go", MAP_MAIN, 1},
	{"google.golang.org/grpc.(*Server).handleStream", "google.golang.org/grpc", "server.go", MAP_MAIN, 2},
	{"google.golang.org/grpc.(*Server).processUnaryRPC", "google.golang.org/grpc", "server.go", MAP_MAIN, 3},
	{"example.com/app/internal/worker.(*Pool).run.func1", "example.com/app/internal/worker", "pool.go", MAP_MAIN, 1},
	{"example.com/app/internal/worker.(*Pool).dispatch", "example.com/app/internal/worker", "pool.go", MAP_MAIN, 2},
	{"example.com/app/internal/api.(*Server).handleItems", "example.com/app/internal/api", "items.go", MAP_MAIN, 3},
	{"example.com/app/internal/api.(*Server).handleUsers", "example.com/app/internal/api", "users.go", MAP_MAIN, 2},
	{"example.com/app/internal/api.(*Server).handleOrders", "example.com/app/internal/api", "orders.go", MAP_MAIN, 2},
	{"example.com/app/internal/store.(*Cache[...]).Get", "example.com/app/internal/store", "cache.go", MAP_MAIN, 2},
	{"example.com/app/internal/store.(*Cache[...]).Set", "example.com/app/internal/store", "cache.go", MAP_MAIN, 2},
	{"database/sql.(*DB).connectionOpener", "database/sql", "sql.go", MAP_MAIN, 1},
	{"database/sql.(*Rows).Next", "database/sql", "sql.go", MAP_MAIN, 1},
	{"malloc", 0, 0, MAP_LIBC, 2},
	{"__libc_calloc", 0, 0, MAP_LIBC, 1},
	{"CRYPTO_zalloc", 0, 0, MAP_CRYPTO, 1},
	{"EVP_CipherInit_ex", 0, 0, MAP_CRYPTO, 1},
	{"__vdso_clock_gettime", 0, 0, MAP_VDSO, 1},
};

/* well-known function index by name */
static uint32_t kf(const char *name)
{
	for (size_t i = 0; i < NELEM(known_defs); i++)
		if (strcmp(known_defs[i].name, name) == 0)
			return (uint32_t)i; /* known functions are added first */
	die("internal: unknown function %s", name);
	return 0;
}

static void make_known_funcs(void)
{
	char dir[512];
	for (size_t i = 0; i < NELEM(known_defs); i++) {
		int64_t file = 0;
		if (known_defs[i].pkg) {
			pkg_dir(&pkgs[pkg_index(known_defs[i].pkg)], dir, sizeof dir);
			file = internf("%s/%s", dir, known_defs[i].file);
		}
		uint32_t f = add_func(intern(known_defs[i].name), file, known_defs[i].map, 1);
		funcs[f].want = (uint32_t)known_defs[i].nloc;
	}
}

/* generate Go-like function names until there are nf functions */
static void make_generated_funcs(size_t nf)
{
	int w[NELEM(pkgs)];
	for (size_t i = 0; i < NELEM(pkgs); i++)
		w[i] = pkgs[i].weight;
	char name[512], rest[256], type[128], file[160], dir[512], tmp[128];
	size_t attempts = 0;
	while (nfuncs < nf) {
		if (++attempts > nf * 100)
			die("cannot generate %zu distinct function names", nf);
		const Pkg *p = &pkgs[pick_weighted(w, NELEM(pkgs))];
		int std = p->kind == PK_STD;

		/* a type name: prefix + noun; unexported half the time */
		const char *pre = nprefix[skew2(NELEM(nprefix))];
		const char *noun = nouns[skew2(NELEM(nouns))];
		if (pre[0]) {
			snprintf(type, sizeof type, "%s%s", pre, noun);
			if (rndn(2))
				type[0] = (char)(type[0] - 'a' + 'A');
		} else {
			snprintf(type, sizeof type, "%s", noun);
			if (rndn(3) == 0)
				type[0] = (char)(type[0] - 'A' + 'a');
		}
		/* a function/method name: verb + object */
		char meth[96];
		snprintf(meth, sizeof meth, "%s%s", verbs[skew2(NELEM(verbs))],
		         objs[rndn(NELEM(objs))]);
		if (rndn(5) < 2)
			meth[0] = (char)(meth[0] - 'A' + 'a');

		int form = (int)rndn(100);
		int generic = !std && p->kind != PK_MAIN && rndn(100) < 8;
		if (form < 30) {
			snprintf(rest, sizeof rest, "%s%s", meth, generic ? "[...]" : "");
			if (meth[0] >= 'a' && rndn(3) == 0) {
				pkg_base(p, tmp, sizeof tmp);
				snprintf(file, sizeof file, "%s.go", tmp);
			} else if (rndn(2)) {
				snprintf(file, sizeof file, "%s.go", rndn(2) ? "util" : "helpers");
			} else {
				snake(verbs[rndn(NELEM(verbs))], tmp, sizeof tmp);
				snprintf(file, sizeof file, "%s.go", tmp);
			}
		} else {
			if (form < 80)
				snprintf(rest, sizeof rest, "(*%s%s).%s", type, generic ? "[...]" : "", meth);
			else
				snprintf(rest, sizeof rest, "%s%s.%s", type, generic ? "[...]" : "", meth);
			snake(type, tmp, sizeof tmp);
			snprintf(file, sizeof file, "%s.go", tmp);
		}
		/* closures */
		int r = (int)rndn(100);
		size_t rl = strlen(rest);
		if (r < 10)
			snprintf(rest + rl, sizeof rest - rl, ".func%d", (int)rndr(1, 4));
		else if (r < 13)
			snprintf(rest + rl, sizeof rest - rl, ".func%d.%d", (int)rndr(1, 3), (int)rndr(1, 2));

		snprintf(name, sizeof name, "%s.%s", p->path, rest);
		if (str_find(name) >= 0)
			continue;
		pkg_dir(p, dir, sizeof dir);
		add_func(intern(name), internf("%s/%s", dir, file), MAP_MAIN, 0);
	}
}

static const struct {
	const char *file;
	uint64_t start, size, offset;
} map_defs[NMAPS] = {
	{"/srv/app/server", 0x400000, 0, 0},
	{"/usr/lib/x86_64-linux-gnu/libc.so.6", 0x7f3a1c628000, 0, 0x28000},
	{"/usr/lib/x86_64-linux-gnu/libcrypto.so.3", 0x7f3a1c8a1000, 0, 0xa1000},
	{"[vdso]", 0x7ffd5c3f2000, 0x2000, 0},
};
static uint64_t map_limit[NMAPS + 1];

static uint32_t *general; /* locations of generated functions, shuffled */
static size_t ngeneral;

static void make_locations(size_t nl)
{
	/* distribute the remaining locations over functions with skew */
	size_t have = 0;
	for (size_t i = 0; i < nfuncs; i++)
		have += funcs[i].want;
	size_t ngen = nfuncs - NELEM(known_defs);
	while (have < nl) {
		funcs[NELEM(known_defs) + skew2(ngen)].want++;
		have++;
	}

	locs = xcalloc(have, sizeof *locs);
	uint64_t cursor[NMAPS + 1];
	for (int m = 1; m <= NMAPS; m++)
		cursor[m] = map_defs[m - 1].start + (m == MAP_MAIN ? 0x1000 : 0x200);

	/* functions laid out in order; locations are PCs inside them */
	for (size_t i = 0; i < nfuncs; i++) {
		Func *f = &funcs[i];
		uint64_t pc = (cursor[f->map] + 31) & ~(uint64_t)31;
		pc += (uint64_t)rndr(0x10, 0x60);
		f->loc0 = (uint32_t)nlocs;
		f->nloc = f->want;
		int64_t ln = f->start_line;
		for (uint32_t k = 0; k < f->want; k++) {
			Loc *l = &locs[nlocs++];
			l->addr = pc;
			l->func = (uint32_t)i;
			l->map = f->map;
			l->nline = 1;
			if (f->map == MAP_MAIN) {
				ln += rndr(1, 25);
				l->line[0] = ln;
			}
			pc += (uint64_t)rndr(4, 96);
		}
		cursor[f->map] = pc + (uint64_t)rndr(0x20, 0x400);
	}
	for (int m = 1; m <= NMAPS; m++) {
		uint64_t lim = map_defs[m - 1].size ? map_defs[m - 1].start + map_defs[m - 1].size
		                                    : ((cursor[m] + 0xfff) & ~(uint64_t)0xfff) + 0x1000;
		if (lim <= cursor[m])
			lim = ((cursor[m] + 0xfff) & ~(uint64_t)0xfff) + 0x1000;
		map_limit[m] = lim;
	}

	/* general pool: locations of generated (non well-known) functions */
	general = xmalloc(nlocs * sizeof *general);
	for (size_t i = 0; i < nlocs; i++)
		if (!funcs[locs[i].func].wellknown)
			general[ngeneral++] = (uint32_t)i;
	for (size_t i = ngeneral; i > 1; i--) {
		size_t j = rndn(i);
		uint32_t t = general[i - 1];
		general[i - 1] = general[j];
		general[j] = t;
	}

	/* inlining: ~15% of generated locations get 1-2 inlined callees */
	for (size_t i = 0; i < nlocs; i++) {
		Loc *l = &locs[i];
		if (funcs[l->func].wellknown || rndn(100) >= 15)
			continue;
		int ninl = rndn(3) == 0 ? 2 : 1;
		/* lines[0] innermost ... lines[n-1] = the location's own function */
		int64_t own = l->line[0];
		for (int k = 0; k < ninl; k++) {
			uint32_t g = locs[general[skew2(ngeneral)]].func;
			l->inl[k] = g;
			l->line[k] = funcs[g].start_line + rndr(1, 30);
		}
		l->line[ninl] = own;
		l->nline = ninl + 1;
	}
}

/* a location of function f, the first ones more likely */
static uint32_t loc_of(uint32_t f)
{
	return funcs[f].loc0 + (uint32_t)skew2(funcs[f].nloc);
}

/* ------------------------------------------------------------------ */
/* the call tree                                                        */

typedef struct {
	uint32_t parent, loc, first_child, next_sib;
	uint8_t depth, used;
} Node;

static Node *nodes;
static size_t nnodes, capnodes;

static uint32_t new_node(uint32_t parent, uint32_t loc)
{
	if (nnodes == capnodes) {
		capnodes = capnodes ? capnodes * 2 : 65536;
		nodes = xrealloc(nodes, capnodes * sizeof *nodes);
	}
	Node *n = &nodes[nnodes];
	n->parent = parent;
	n->loc = loc;
	n->first_child = 0;
	n->next_sib = 0;
	n->depth = (uint8_t)(nodes[parent].depth + 1);
	n->used = 0;
	/* append to the parent's children so older children stay first */
	uint32_t *link = &nodes[parent].first_child;
	while (*link)
		link = &nodes[*link].next_sib;
	*link = (uint32_t)nnodes;
	return (uint32_t)nnodes++;
}

static uint32_t child_with_loc(uint32_t parent, uint32_t loc)
{
	for (uint32_t c = nodes[parent].first_child; c; c = nodes[c].next_sib)
		if (nodes[c].loc == loc)
			return c;
	return new_node(parent, loc);
}

/* A new child with a fresh random location (none of the siblings has it) */
static uint32_t new_random_child(uint32_t parent)
{
	for (int tries = 0;; tries++) {
		uint32_t loc = general[tries < 16 ? skew2(ngeneral) : rndn(ngeneral)];
		uint32_t c;
		for (c = nodes[parent].first_child; c; c = nodes[c].next_sib)
			if (nodes[c].loc == loc)
				break;
		if (!c)
			return new_node(parent, loc);
	}
}

/* one step down from n: an existing child (earlier ones preferred) or new */
static uint32_t descend(uint32_t n)
{
	for (uint32_t c = nodes[n].first_child; c; c = nodes[c].next_sib)
		if (rndn(100) < 68)
			return c;
	return new_random_child(n);
}

/* Entry chains (root first; runtime.goexit is prepended unless nogoexit). */
enum { LB_NONE, LB_ITEMS, LB_USERS, LB_ORDERS, LB_HTTP, LB_RPC, LB_JOB };
static const struct {
	int weight, nogoexit, label;
	const char *f[6];
} entries[] = {
	{15, 0, LB_ITEMS, {"net/http.(*conn).serve", "net/http.serverHandler.ServeHTTP", "net/http.(*ServeMux).ServeHTTP", "net/http.HandlerFunc.ServeHTTP", "example.com/app/internal/api.(*Server).handleItems"}},
	{8, 0, LB_USERS, {"net/http.(*conn).serve", "net/http.serverHandler.ServeHTTP", "net/http.(*ServeMux).ServeHTTP", "net/http.HandlerFunc.ServeHTTP", "example.com/app/internal/api.(*Server).handleUsers"}},
	{6, 0, LB_ORDERS, {"net/http.(*conn).serve", "net/http.serverHandler.ServeHTTP", "net/http.(*ServeMux).ServeHTTP", "net/http.HandlerFunc.ServeHTTP", "example.com/app/internal/api.(*Server).handleOrders"}},
	{6, 0, LB_HTTP, {"net/http.(*conn).serve", "net/http.serverHandler.ServeHTTP", "net/http.(*ServeMux).ServeHTTP"}},
	{5, 0, LB_NONE, {"net/http.(*conn).serve", "net/http.(*conn).readRequest", "net/http.readRequest", "net/textproto.(*Reader).ReadMIMEHeader", "net/textproto.readMIMEHeader"}},
	{15, 0, LB_RPC, {"google.golang.org/grpc.(*Server).serveStreams.func1.1", "google.golang.org/grpc.(*Server).handleStream", "google.golang.org/grpc.(*Server).processUnaryRPC"}},
	{12, 0, LB_JOB, {"example.com/app/internal/worker.(*Pool).run.func1", "example.com/app/internal/worker.(*Pool).dispatch"}},
	{5, 0, LB_NONE, {"runtime.main", "main.main", "main.run"}},
	{5, 0, LB_NONE, {"database/sql.(*DB).connectionOpener"}},
	{5, 0, LB_NONE, {"net/http.(*persistConn).readLoop"}},
	{2, 0, LB_NONE, {"runtime.gcBgMarkWorker"}},
	{1, 1, LB_NONE, {"runtime.mstart", "runtime.mstart0", "runtime.mstart1", "runtime.schedule"}},
};

/* Allocation leaf chains (caller first, leaf last). */
static const struct {
	int weight;
	const char *f[5];
} leaves[] = {
	{14, {"runtime.makeslice"}},
	{14, {"runtime.newobject"}},
	{10, {"runtime.growslice"}},
	{3, {"runtime.makemap"}},
	{3, {"runtime.makemap_small"}},
	{4, {"runtime.mapassign_faststr", "runtime.hashGrow", "runtime.makeBucketArray", "runtime.newarray"}},
	{3, {"runtime.mapassign_faststr", "runtime.newobject"}},
	{4, {"runtime.concatstrings", "runtime.rawstringtmp", "runtime.rawstring"}},
	{2, {"runtime.concatstring3", "runtime.concatstrings", "runtime.rawstringtmp", "runtime.rawstring"}},
	{6, {"runtime.slicebytetostring"}},
	{3, {"runtime.stringtoslicebyte", "runtime.rawbyteslice"}},
	{3, {"runtime.convTstring"}},
	{3, {"runtime.convT"}},
	{5, {"bytes.(*Buffer).Write", "bytes.(*Buffer).grow", "bytes.growSlice"}},
	{4, {"strings.(*Builder).WriteString", "strings.(*Builder).grow"}},
	{4, {"fmt.Sprintf"}},
	{2, {"bufio.NewReaderSize"}},
	{2, {"bufio.NewWriterSize"}},
	{3, {"encoding/json.Marshal"}},
	{2, {"encoding/json.Unmarshal", "encoding/json.(*decodeState).object", "encoding/json.(*decodeState).literalStore", "runtime.slicebytetostring"}},
	{2, {"example.com/app/internal/store.(*Cache[...]).Set", "runtime.mapassign_faststr", "runtime.newobject"}},
	{1, {"runtime.cgocall", "runtime.asmcgocall", "CRYPTO_zalloc", "malloc"}},
	{1, {"runtime.cgocall", "runtime.asmcgocall", "EVP_CipherInit_ex", "__libc_calloc"}},
};

static const char *const http_paths[] = {
	"/api/v1/search", "/api/v2/items/{id}", "/healthz", "/metrics",
	"/api/v1/sessions", "/api/v1/export", "/debug/pprof/heap", "/login",
	"/api/v1/items/{id}/comments", "/static/", "/api/v1/upload",
};
static const char *const rpcs[] = {
	"/app.v1.ItemService/Get", "/app.v1.ItemService/List",
	"/app.v1.ItemService/Put", "/app.v1.UserService/Get",
	"/app.v1.SearchService/Query", "/app.v1.OrderService/Create",
};
static const char *const jobs[] = {
	"reindex", "compact", "export", "gc-sessions", "send-email", "refresh-cache",
};

static const int64_t sizes[] = {
	8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224,
	240, 256, 288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768,
	896, 1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200,
	3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240,
	10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576,
	27264, 28672, 32768, 40960, 65536, 131072, 1048576, 4194304,
};

typedef struct {
	uint32_t end;      /* leaf node */
	int64_t size;      /* object size */
	uint8_t retain;    /* inuse fraction, in eighths */
	int64_t lkey, lval; /* string label (string indices), lkey 0 = none */
} Stack;

static Stack *stacks;
static size_t nstacks;

static uint32_t depth_target(void)
{
	/* 5..49, mean ~21: a skewed bell */
	double u = (rndu() + rndu() + rndu() + rndu()) * 0.25;
	return 5 + (uint32_t)(44.0 * u * (0.5 + 0.5 * u));
}

static void make_stacks(size_t D)
{
	int ew[NELEM(entries)], lw[NELEM(leaves)];
	for (size_t i = 0; i < NELEM(entries); i++)
		ew[i] = entries[i].weight;
	for (size_t i = 0; i < NELEM(leaves); i++)
		lw[i] = leaves[i].weight;

	nodes = NULL;
	nnodes = capnodes = 0;
	/* node 0: virtual root */
	capnodes = 65536;
	nodes = xmalloc(capnodes * sizeof *nodes);
	memset(&nodes[0], 0, sizeof nodes[0]);
	nodes[0].loc = UINT32_MAX;
	nnodes = 1;

	uint32_t goexit = kf("runtime.goexit");
	int64_t k_handler = intern("handler"), k_rpc = intern("rpc"), k_job = intern("job");

	stacks = xcalloc(D, sizeof *stacks);
	for (nstacks = 0; nstacks < D; nstacks++) {
		Stack *s = &stacks[nstacks];
		size_t e = pick_weighted(ew, NELEM(entries));
		uint32_t T = depth_target();
		int leaf = -1;
		size_t leaflen = 0;
		if (rndn(100) < 62) {
			leaf = (int)pick_weighted(lw, NELEM(leaves));
			while (leaflen < NELEM(leaves[0].f) && leaves[leaf].f[leaflen])
				leaflen++;
		}
		uint32_t n = 0;
		for (int tries = 0;; tries++) {
			n = 0;
			if (!entries[e].nogoexit)
				n = child_with_loc(n, loc_of(goexit));
			for (size_t k = 0; k < NELEM(entries[e].f) && entries[e].f[k]; k++)
				n = child_with_loc(n, loc_of(kf(entries[e].f[k])));
			while (nodes[n].depth + leaflen < T)
				n = descend(n);
			if (leaf >= 0)
				for (size_t k = 0; k < leaflen; k++)
					n = child_with_loc(n, loc_of(kf(leaves[leaf].f[k])));
			if (!nodes[n].used)
				break;
			if (tries >= 8) {
				/* give up sharing: a fresh frame makes it distinct */
				n = new_random_child(n);
				break;
			}
		}
		nodes[n].used = 1;
		s->end = n;

		/* object size: mostly small; per-leaf flavour */
		s->size = sizes[skew(NELEM(sizes))];
		if (leaf >= 0 && strncmp(leaves[leaf].f[0], "bufio.New", 9) == 0)
			s->size = 4096;
		/* most allocations are garbage by now; some are retained */
		int r = (int)rndn(100);
		s->retain = r < 55 ? 0 : r < 80 ? (uint8_t)rndr(1, 3) : r < 92 ? (uint8_t)rndr(4, 7) : 8;

		switch (entries[e].label) {
		case LB_ITEMS:
			s->lkey = k_handler;
			s->lval = intern(rndn(4) ? "/api/v1/items" : "/api/v1/items/{id}");
			break;
		case LB_USERS:
			s->lkey = k_handler;
			s->lval = intern("/api/v1/users");
			break;
		case LB_ORDERS:
			s->lkey = k_handler;
			s->lval = intern("/api/v1/orders");
			break;
		case LB_HTTP:
			s->lkey = k_handler;
			s->lval = intern(http_paths[skew2(NELEM(http_paths))]);
			break;
		case LB_RPC:
			s->lkey = k_rpc;
			s->lval = intern(rpcs[skew2(NELEM(rpcs))]);
			break;
		case LB_JOB:
			s->lkey = k_job;
			s->lval = intern(jobs[skew2(NELEM(jobs))]);
			break;
		default:
			break;
		}
	}
}

/* ------------------------------------------------------------------ */
/* output: protobuf-c buffer -> staging buffer -> deflate -> file        */

typedef struct {
	ProtobufCBuffer base;
	FILE *fp;
	const char *path;
	z_stream z;
	uint8_t *stage;
	size_t nstage, capstage;
	uint8_t *zout;
	size_t capzout;
	uint64_t raw, packed;
} Out;

static void out_deflate(Out *o, int flush)
{
	o->z.next_in = o->stage;
	o->z.avail_in = (uInt)o->nstage;
	do {
		o->z.next_out = o->zout;
		o->z.avail_out = (uInt)o->capzout;
		int rc = deflate(&o->z, flush);
		if (rc == Z_STREAM_ERROR)
			die("deflate failed");
		size_t n = o->capzout - o->z.avail_out;
		if (n && fwrite(o->zout, 1, n, o->fp) != n)
			die("write %s: %s", o->path, strerror(errno));
		o->packed += n;
	} while (o->z.avail_out == 0 || (flush == Z_FINISH && o->z.avail_in));
	o->nstage = 0;
}

static void out_append(ProtobufCBuffer *b, size_t len, const uint8_t *data)
{
	Out *o = (Out *)b;
	o->raw += len;
	while (len) {
		size_t n = o->capstage - o->nstage;
		if (n > len)
			n = len;
		memcpy(o->stage + o->nstage, data, n);
		o->nstage += n;
		data += n;
		len -= n;
		if (o->nstage == o->capstage)
			out_deflate(o, Z_NO_FLUSH);
	}
}

static void out_open(Out *o, const char *path)
{
	memset(o, 0, sizeof *o);
	o->base.append = out_append;
	o->path = path ? path : "<stdout>";
	o->fp = path ? fopen(path, "wb") : stdout;
	if (!o->fp)
		die("cannot create %s: %s", path, strerror(errno));
	o->capstage = 1 << 20;
	o->stage = xmalloc(o->capstage);
	o->capzout = 1 << 18;
	o->zout = xmalloc(o->capzout);
	/* windowBits 15 + 16: gzip wrapper (mtime 0, no name: deterministic) */
	if (deflateInit2(&o->z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		die("deflateInit2 failed");
}

static void out_close(Out *o)
{
	out_deflate(o, Z_FINISH);
	deflateEnd(&o->z);
	if (fflush(o->fp) != 0 || ferror(o->fp))
		die("write %s: %s", o->path, strerror(errno));
	if (o->fp != stdout && fclose(o->fp) != 0)
		die("close %s: %s", o->path, strerror(errno));
	free(o->stage);
	free(o->zout);
}

/* ------------------------------------------------------------------ */
/* emitting the profile                                                 */

#define CHUNK 4096
#define MAXDEPTH 64

static void emit_head(Out *o, int64_t st[4][2])
{
	PbValueType vt[4], *vtp[4];
	for (int i = 0; i < 4; i++) {
		perftools__profiles__value_type__init(&vt[i]);
		vt[i].type = st[i][0];
		vt[i].unit = st[i][1];
		vtp[i] = &vt[i];
	}
	PbProfile p;
	perftools__profiles__profile__init(&p);
	p.n_sample_type = 4;
	p.sample_type = vtp;
	perftools__profiles__profile__pack_to_buffer(&p, &o->base);
}

static void emit_samples(Out *o, size_t N, int64_t k_bytes)
{
	PbSample *sm = xmalloc(CHUNK * sizeof *sm);
	PbSample **smp = xmalloc(CHUNK * sizeof *smp);
	uint64_t *ids = xmalloc((size_t)CHUNK * MAXDEPTH * sizeof *ids);
	int64_t *vals = xmalloc((size_t)CHUNK * 4 * sizeof *vals);
	PbLabel *lb = xmalloc((size_t)CHUNK * 2 * sizeof *lb);
	PbLabel **lbp = xmalloc((size_t)CHUNK * 2 * sizeof *lbp);
	const int64_t rate = 524288;

	for (size_t base = 0; base < N; base += CHUNK) {
		size_t n = N - base < CHUNK ? N - base : CHUNK;
		size_t nid = 0, nlb = 0;
		for (size_t j = 0; j < n; j++) {
			size_t i = base + j;
			const Stack *s = &stacks[i < nstacks ? i : skew2(nstacks)];
			PbSample *x = &sm[j];
			perftools__profiles__sample__init(x);
			smp[j] = x;

			/* stack, leaf first */
			x->location_id = &ids[nid];
			for (uint32_t nd = s->end; nd; nd = nodes[nd].parent)
				ids[nid++] = (uint64_t)nodes[nd].loc + 1;
			x->n_location_id = (size_t)(&ids[nid] - x->location_id);

			/* values: sampled count scaled by the sampling rate */
			int64_t c = 1;
			while (c < 64 && rndn(100) < 35)
				c++;
			if (rndn(100) < 2)
				c *= rndr(10, 200);
			int64_t objs = s->size < rate ? c * (rate + s->size / 2) / s->size : c;
			int64_t inuse = s->retain == 0 ? 0
			                : s->retain == 8 ? objs
			                : (objs * s->retain + (int64_t)rndn(8)) / 8;
			if (inuse > objs)
				inuse = objs;
			int64_t *v = &vals[j * 4];
			v[0] = objs;
			v[1] = objs * s->size;
			v[2] = inuse;
			v[3] = inuse * s->size;
			x->n_value = 4;
			x->value = v;

			/* labels */
			x->label = &lbp[nlb];
			if (s->lkey && rndn(100) < 40) {
				PbLabel *l = &lb[nlb];
				perftools__profiles__label__init(l);
				l->key = s->lkey;
				l->str = s->lval;
				lbp[nlb++] = l;
			}
			if (rndn(100) < 30) {
				PbLabel *l = &lb[nlb];
				perftools__profiles__label__init(l);
				l->key = k_bytes;
				l->num = s->size;
				l->num_unit = k_bytes;
				lbp[nlb++] = l;
			}
			x->n_label = (size_t)(&lbp[nlb] - x->label);
		}
		PbProfile p;
		perftools__profiles__profile__init(&p);
		p.n_sample = n;
		p.sample = smp;
		perftools__profiles__profile__pack_to_buffer(&p, &o->base);
	}
	free(sm);
	free(smp);
	free(ids);
	free(vals);
	free(lb);
	free(lbp);
}

static void emit_tail(Out *o, int64_t st[4][2], int64_t period_type[2], uint64_t seed)
{
	/* mappings */
	PbMapping mp[NMAPS], *mpp[NMAPS];
	char bid[64];
	for (int m = 0; m < NMAPS; m++) {
		perftools__profiles__mapping__init(&mp[m]);
		mp[m].id = (uint64_t)m + 1;
		mp[m].memory_start = map_defs[m].start;
		mp[m].memory_limit = map_limit[m + 1];
		mp[m].file_offset = map_defs[m].offset;
		mp[m].filename = intern(map_defs[m].file);
		if (m + 1 != MAP_VDSO) {
			snprintf(bid, sizeof bid, "%016" PRIx64 "%016" PRIx64 "%08" PRIx32,
			         rnd(), rnd(), (uint32_t)rnd());
			mp[m].build_id = intern(bid);
		}
		mp[m].has_functions = 1;
		mp[m].has_filenames = m + 1 == MAP_MAIN;
		mp[m].has_line_numbers = m + 1 == MAP_MAIN;
		mp[m].has_inline_frames = m + 1 == MAP_MAIN;
		mpp[m] = &mp[m];
	}

	/* locations */
	size_t nlines = 0;
	for (size_t i = 0; i < nlocs; i++)
		nlines += (size_t)locs[i].nline;
	PbLocation *lo = xmalloc(nlocs * sizeof *lo);
	PbLocation **lop = xmalloc(nlocs * sizeof *lop);
	PbLine *li = xmalloc(nlines * sizeof *li);
	PbLine **lip = xmalloc(nlines * sizeof *lip);
	size_t nl = 0;
	for (size_t i = 0; i < nlocs; i++) {
		const Loc *l = &locs[i];
		perftools__profiles__location__init(&lo[i]);
		lo[i].id = (uint64_t)i + 1;
		lo[i].mapping_id = (uint64_t)l->map;
		lo[i].address = l->addr;
		lo[i].line = &lip[nl];
		for (int k = 0; k < l->nline; k++) {
			perftools__profiles__line__init(&li[nl]);
			li[nl].function_id = (uint64_t)(k == l->nline - 1 ? l->func : l->inl[k]) + 1;
			li[nl].line = l->line[k];
			lip[nl] = &li[nl];
			nl++;
		}
		lo[i].n_line = (size_t)l->nline;
		lop[i] = &lo[i];
	}

	/* functions */
	PbFunction *fn = xmalloc(nfuncs * sizeof *fn);
	PbFunction **fnp = xmalloc(nfuncs * sizeof *fnp);
	for (size_t i = 0; i < nfuncs; i++) {
		perftools__profiles__function__init(&fn[i]);
		fn[i].id = (uint64_t)i + 1;
		fn[i].name = funcs[i].name;
		fn[i].system_name = funcs[i].name;
		fn[i].filename = funcs[i].file;
		fn[i].start_line = funcs[i].start_line;
		fnp[i] = &fn[i];
	}

	PbValueType pt;
	perftools__profiles__value_type__init(&pt);
	pt.type = period_type[0];
	pt.unit = period_type[1];

	PbProfile p;
	perftools__profiles__profile__init(&p);
	p.n_mapping = NMAPS;
	p.mapping = mpp;
	p.n_location = nlocs;
	p.location = lop;
	p.n_function = nfuncs;
	p.function = fnp;
	p.n_string_table = nstrs;
	p.string_table = strs;
	/* a fixed date (2023-11-14) plus a seed-dependent offset */
	p.time_nanos = 1699950000000000000LL + (int64_t)(seed % 1000000) * 1000000000LL;
	p.duration_nanos = 30000000000LL;
	p.period_type = &pt;
	p.period = 524288;
	p.default_sample_type = st[3][0];
	perftools__profiles__profile__pack_to_buffer(&p, &o->base);

	free(lo);
	free(lop);
	free(li);
	free(lip);
	free(fn);
	free(fnp);
}

/* ------------------------------------------------------------------ */

static void usage(void)
{
	fputs("usage: profgen -samples N [-locations L] [-functions F] [-stacks D] [-seed S] [-o FILE] [-v]\n"
	      "  Writes a deterministic gzip'd pprof heap profile with N samples over\n"
	      "  L locations (default 20000) in F functions (default 2L/5) and D\n"
	      "  distinct stacks (default N/8).\n",
	      stderr);
	exit(2);
}

static uint64_t parse_u64(const char *opt, const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-')
		die("bad value for %s: %s", opt, s);
	return (uint64_t)v;
}

int main(int argc, char **argv)
{
	uint64_t N = 0, L = 20000, D = 0, F = 0, seed = 1;
	int have_n = 0, verbose = 0;
	const char *outpath = NULL;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] == '-' && a[1] == '-')
			a++;
		if (strcmp(a, "-v") == 0) {
			verbose = 1;
			continue;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "-help") == 0)
			usage();
		if (i + 1 >= argc)
			usage();
		const char *v = argv[++i];
		if (strcmp(a, "-samples") == 0) {
			N = parse_u64(a, v);
			have_n = 1;
		} else if (strcmp(a, "-locations") == 0)
			L = parse_u64(a, v);
		else if (strcmp(a, "-functions") == 0)
			F = parse_u64(a, v);
		else if (strcmp(a, "-stacks") == 0)
			D = parse_u64(a, v);
		else if (strcmp(a, "-seed") == 0)
			seed = parse_u64(a, v);
		else if (strcmp(a, "-o") == 0)
			outpath = v;
		else
			usage();
	}
	if (!have_n)
		usage();
	if (L < 500)
		L = 500;
	if (L > 5000000)
		die("-locations too large");
	if (D == 0)
		D = N / 8 > 0 ? N / 8 : 1;
	if (D > N && N > 0)
		D = N;
	if (D > 50000000)
		die("-stacks too large");

	rng_state = seed * 0x2545f4914f6cdd1dULL + 0x1234567;
	strhash_rebuild(1024);
	intern(""); /* string 0 must be "" */

	int64_t st[4][2] = {
		{intern("alloc_objects"), intern("count")},
		{intern("alloc_space"), intern("bytes")},
		{intern("inuse_objects"), intern("count")},
		{intern("inuse_space"), intern("bytes")},
	};
	int64_t period_type[2] = {intern("space"), intern("bytes")};
	int64_t k_bytes = intern("bytes");

	make_known_funcs();
	size_t nf = (size_t)(F ? F : L * 2 / 5);
	if (nf > L)
		nf = (size_t)L;
	if (nf < NELEM(known_defs) + 50)
		nf = NELEM(known_defs) + 50;
	make_generated_funcs(nf);
	make_locations((size_t)L);
	make_stacks(N ? (size_t)D : 0);

	Out o;
	out_open(&o, outpath);
	emit_head(&o, st);
	emit_samples(&o, (size_t)N, k_bytes);
	emit_tail(&o, st, period_type, seed);
	uint64_t raw = o.raw;
	out_close(&o);

	if (verbose) {
		uint64_t frames = 0;
		for (size_t i = 0; i < nstacks; i++)
			frames += nodes[stacks[i].end].depth;
		fprintf(stderr,
		        "profgen: %" PRIu64 " samples, %zu distinct stacks (avg depth %.1f), "
		        "%zu tree nodes, %zu locations, %zu functions, %zu strings; "
		        "%" PRIu64 " bytes raw, %" PRIu64 " gzip'd\n",
		        N, nstacks, nstacks ? (double)frames / (double)nstacks : 0.0, nnodes,
		        nlocs, nfuncs, nstrs, raw, o.packed);
	}
	return 0;
}
