/* fetch: see fetch.h. */
#include "load/fetch.h"

/* Calls go through the table below: no macro may rename them. */
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "load/load.h"
#include "util/limits.h"
#include "util/arena.h"
#include "util/outfile.h"
#include "util/path.h"

#ifndef PROF_VERSION
#define PROF_VERSION "dev"
#endif

/* pprof's Go client stops after 10 redirects; so does prof. */
enum { MAX_REDIRECTS = 10 };

/*
 * libcurl is loaded on the first capture, not linked: with the TLS, LDAP
 * and Kerberos libraries it brings, loading it took 3.6 ms of every start
 * (5.6 ms in all for `prof --version`), and most runs read files.
 */
typedef struct curl_lib {
	const char *failed; /* why it could not be loaded, or NULL */
	CURLcode (*global_init)(long flags);
	void (*global_cleanup)(void);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *h, CURLoption opt, ...);
	CURLcode (*easy_perform)(CURL *h);
	CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
	const char *(*easy_strerror)(CURLcode rc);
	void (*easy_cleanup)(CURL *h);
} curl_lib;

static curl_lib lib; /* written once, under curl_once */

/* dlsym's object pointer as a function pointer (POSIX makes the two the same size). */
static bool curl_sym(void *so, const char *name, void *fn, size_t size)
{
	void *sym = dlsym(so, name);
	if (sym)
		memcpy(fn, &sym, size);
	return sym != NULL;
}

#define CURL_SYM(so, field, name) curl_sym(so, name, &lib.field, sizeof lib.field)

static void curl_init(void)
{
	/* The soname of libcurl's ABI since 7.16, OpenSSL's build first, then Debian's GnuTLS one. */
	void *so = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
	if (!so)
		so = dlopen("libcurl-gnutls.so.4", RTLD_NOW | RTLD_LOCAL);
	if (!so) {
		lib.failed = "libcurl (libcurl.so.4) is not installed";
		return;
	}
	bool ok = CURL_SYM(so, global_init, "curl_global_init") && CURL_SYM(so, global_cleanup, "curl_global_cleanup") &&
	          CURL_SYM(so, easy_init, "curl_easy_init") && CURL_SYM(so, easy_setopt, "curl_easy_setopt") &&
	          CURL_SYM(so, easy_perform, "curl_easy_perform") && CURL_SYM(so, easy_getinfo, "curl_easy_getinfo") &&
	          CURL_SYM(so, easy_strerror, "curl_easy_strerror") && CURL_SYM(so, easy_cleanup, "curl_easy_cleanup");
	if (!ok || lib.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		lib.failed = ok ? "libcurl failed to start" : "the installed libcurl lacks a function prof calls";
		return;
	}
	atexit(lib.global_cleanup);
}

/* libcurl, loaded and set up once per process, safe from any thread; false with *err set when it cannot be. */
static bool curl_once(prof_err *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, curl_init);
	return lib.failed ? prof_errf(err, "cannot capture: %s", lib.failed) : true;
}

static char *dup_n(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

void fetch_opts_init(fetch_opts *o)
{
	memset(o, 0, sizeof *o);
}

void fetch_opts_free(fetch_opts *o)
{
	for (size_t i = 0; i < o->ncreds; i++) {
		free(o->creds[i].shown);
		free(o->creds[i].userinfo);
	}
	free(o->creds);
	o->creds = NULL;
	o->ncreds = 0;
}

/* Length of a "scheme://" prefix by Go's url.Parse rules (letter, then letters, digits, + - .); 0 if none. */
static size_t scheme_prefix(const char *s)
{
	size_t i = 0;
	while ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
	       (i > 0 && ((s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '-' || s[i] == '.')))
		i++;
	return i > 0 && strncmp(s + i, "://", 3) == 0 ? i + 3 : 0;
}

/*
 * The authority (user:pass@host:port) of src as pprof reads it: after
 * "scheme://", or from the start when pprof would retry with "http://".
 * [*a, *b) bounds it, *at is the '@' ending the user part (or *a).
 */
static void authority(const char *src, size_t *a, size_t *b, size_t *at)
{
	*a = scheme_prefix(src);
	*b = *a + strcspn(src + *a, "/?#");
	*at = *a;
	for (size_t i = *a; i < *b; i++)
		if (src[i] == '@')
			*at = i + 1;
}

/* Go's validOptionalPort on host[0..n): after the last ':', digits only (or no ':'). */
static bool port_ok(const char *host, size_t n)
{
	size_t i = n;
	while (i > 0 && host[i - 1] != ':')
		i--;
	if (i == 0 || host[n - 1] == ']') /* no port, or a bracketed IPv6 address alone */
		return true;
	for (; i < n; i++)
		if (host[i] < '0' || host[i] > '9')
			return false;
	return true;
}

bool fetch_is_url(const char *src)
{
	struct stat st;
	if (strcmp(src, "-") == 0 || stat(src, &st) == 0)
		return false;
	size_t a, b, at;
	authority(src, &a, &b, &at);
	if (a > 0)
		return b > at;
	/*
	 * No scheme: Go's url.Parse finds no host (or refuses a colon in the
	 * first segment), so pprof retries with http://, which works when the
	 * first segment had a colon and the port is a number.
	 */
	return memchr(src, ':', b) && b > at && port_ok(src + at, b - at);
}

const char *fetch_take_credentials(fetch_opts *o, const char *src)
{
	if (!fetch_is_url(src))
		return src;
	size_t a, b, at;
	authority(src, &a, &b, &at);
	if (at == a)
		return src;
	size_t n = strlen(src);
	char *shown = xmalloc(n + 1);
	memcpy(shown, src, a);
	memcpy(shown + a, src + at, n - at + 1);
	o->creds = xrealloc(o->creds, (o->ncreds + 1) * sizeof *o->creds);
	o->creds[o->ncreds].shown = shown;
	o->creds[o->ncreds].userinfo = dup_n(src + a, at - 1 - a);
	o->ncreds++;
	return shown;
}

/* Appends s[0..n) to the malloc'd string *buf of length *len. */
static void append(char **buf, size_t *len, const char *s, size_t n)
{
	*buf = xrealloc(*buf, *len + n + 1);
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
}

/*
 * The query with -seconds applied, as pprof's adjustURL: with seconds > 0
 * any seconds=... is replaced by seconds=N; otherwise the query's own value
 * goes to *dur. Appended to *out.
 */
static void adjust_query(const char *q, size_t qn, int seconds, int *dur, char **out, size_t *len)
{
	bool first = true;
	for (size_t i = 0; i < qn;) {
		size_t j = i;
		while (j < qn && q[j] != '&')
			j++;
		bool is_seconds = j - i >= 8 && strncmp(q + i, "seconds=", 8) == 0;
		if (is_seconds && seconds <= 0)
			*dur = (int)strtol(q + i + 8, NULL, 10);
		if (j > i && !(is_seconds && seconds > 0)) {
			append(out, len, first ? "?" : "&", 1);
			append(out, len, q + i, j - i);
			first = false;
		}
		i = j + 1;
	}
	if (seconds > 0) {
		char s[32];
		int w = snprintf(s, sizeof s, "%sseconds=%d", first ? "?" : "&", seconds);
		append(out, len, s, (size_t)w);
	}
}

char *fetch_url(const char *src, const fetch_opts *o, int64_t *timeout_ms)
{
	if (!fetch_is_url(src))
		return NULL;
	char *url = NULL;
	size_t len = 0;
	size_t a, b, at;
	authority(src, &a, &b, &at);
	if (a == 0)
		append(&url, &len, "http://", 7);
	append(&url, &len, src, b);
	/* pprof: no path (or "/") means the Go CPU profile handler. */
	size_t pn = strcspn(src + b, "?#");
	if (pn == 0 || (pn == 1 && src[b] == '/'))
		append(&url, &len, "/debug/pprof/profile", 20);
	else
		append(&url, &len, src + b, pn);
	const char *q = src + b + pn;
	size_t qn = *q == '?' ? strcspn(q + 1, "#") : 0;
	int dur = o ? o->seconds : 0;
	adjust_query(q + (*q == '?'), qn, o ? o->seconds : 0, &dur, &url, &len);
	/* pprof's rule, and its HTTP client's 5 s on top. */
	int64_t t = o && o->timeout > 0 ? (int64_t)o->timeout * 1000 : dur > 0 ? (int64_t)dur * 1500 : 60000;
	*timeout_ms = t + 5000;
	return url;
}

uint64_t fetch_max_size(const fetch_opts *o)
{
	/* One cap for files, inflating and responses (-max_size, PROF_MAX_SIZE). */
	return o && o->max_size ? o->max_size : PROF_MAX_SIZE_DEFAULT;
}

/* What a transfer collects: the body (capped), the last response's status line and headers of note. */
typedef struct response {
	uint8_t *data;
	size_t len, cap;
	uint64_t max;
	bool too_big;
	char reason[96];
	bool go_pprof, text_plain;
	volatile sig_atomic_t *cancel;
} response;

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	response *r = userdata;
	size_t n = size * nmemb;
	if ((uint64_t)r->len + n > r->max) {
		r->too_big = true;
		return 0; /* libcurl stops with CURLE_WRITE_ERROR */
	}
	if (r->len + n > r->cap)
		GROW(r->data, r->cap, r->len + n);
	memcpy(r->data + r->len, ptr, n);
	r->len += n;
	return n;
}

/* True when line[0..n) is the header name (case aside) followed by ':'. */
static bool header_is(const char *line, size_t n, const char *name)
{
	size_t k = strlen(name);
	return n > k && line[k] == ':' && strncasecmp(line, name, k) == 0;
}

/* Each response (redirects too) starts with its status line: only the last one's headers count. */
static size_t on_header(char *line, size_t size, size_t nmemb, void *userdata)
{
	response *r = userdata;
	size_t n = size * nmemb;
	if (n > 5 && strncmp(line, "HTTP/", 5) == 0) {
		r->reason[0] = '\0';
		r->go_pprof = r->text_plain = false;
		const char *sp = memchr(line, ' ', n);
		const char *sp2 = sp ? memchr(sp + 1, ' ', n - (size_t)(sp + 1 - line)) : NULL;
		if (sp2) {
			size_t rn = n - (size_t)(sp2 + 1 - line);
			while (rn > 0 && (sp2[rn] == '\r' || sp2[rn] == '\n'))
				rn--;
			snprintf(r->reason, sizeof r->reason, "%.*s", (int)rn, sp2 + 1);
		}
	} else if (header_is(line, n, "X-Go-Pprof")) {
		r->go_pprof = true;
	} else if (header_is(line, n, "Content-Type")) {
		r->text_plain = false;
		for (size_t i = 0; i + 10 <= n && !r->text_plain; i++)
			r->text_plain = strncasecmp(line + i, "text/plain", 10) == 0;
	}
	return n;
}

static int on_progress(void *userdata, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	(void)dt, (void)dn, (void)ut, (void)un;
	response *r = userdata;
	return r->cancel && *r->cancel ? 1 : 0;
}

/* The reason phrase HTTP/2 no longer sends, for the statuses a profile endpoint gives. */
static const char *status_text(long code)
{
	static const struct {
		long code;
		const char *text;
	} t[] = {{400, "Bad Request"}, {401, "Unauthorized"}, {403, "Forbidden"}, {404, "Not Found"},
	         {405, "Method Not Allowed"}, {408, "Request Timeout"}, {429, "Too Many Requests"},
	         {500, "Internal Server Error"}, {502, "Bad Gateway"}, {503, "Service Unavailable"},
	         {504, "Gateway Timeout"}};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (t[i].code == code)
			return t[i].text;
	return "";
}

/* A status other than 200: pprof's message, with the body's first line when Go's pprof handler sent it. */
static bool status_error(long code, const response *r, prof_err *err)
{
	const char *reason = r->reason[0] ? r->reason : status_text(code);
	if (!(r->go_pprof && r->text_plain && r->len))
		return prof_errf(err, "HTTP %ld%s%s", code, *reason ? " " : "", reason);
	char line[200];
	size_t n = 0;
	for (size_t i = 0; i < r->len && n + 1 < sizeof line && r->data[i] != '\n'; i++)
		line[n++] = r->data[i] >= 0x20 && r->data[i] < 0x7f ? (char)r->data[i] : '?';
	line[n] = '\0';
	return prof_errf(err, "HTTP %ld%s%s: %s", code, *reason ? " " : "", reason, line);
}

/* One line for what libcurl says went wrong, in the words of the failure a person sees. */
static bool transfer_error(CURL *h, CURLcode rc, const response *r, int64_t timeout_ms, const char *detail, prof_err *err)
{
	long os_errno = 0;
	lib.easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno);
	if (r->too_big || rc == CURLE_FILESIZE_EXCEEDED)
		return prof_errf(err, "response larger than the %llu-byte limit (PROF_MAX_SIZE)", (unsigned long long)r->max);
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		return prof_errf(err, "timed out after %.4gs (-timeout)", (double)timeout_ms / 1000);
	case CURLE_COULDNT_CONNECT:
		return prof_errf(err, "cannot connect: %s", os_errno ? strerror((int)os_errno) : detail);
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return prof_errf(err, "%s", detail);
	case CURLE_TOO_MANY_REDIRECTS:
		return prof_errf(err, "stopped after %d redirects", MAX_REDIRECTS);
	case CURLE_UNSUPPORTED_PROTOCOL:
		return prof_errf(err, "unsupported URL scheme (http and https only)");
	case CURLE_ABORTED_BY_CALLBACK:
		return prof_errf(err, "interrupted");
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
		return prof_errf(err, "TLS: %s", detail);
	case CURLE_GOT_NOTHING:
		return prof_errf(err, "the server closed the connection without a response");
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
		return prof_errf(err, "connection lost: %s", os_errno ? strerror((int)os_errno) : detail);
	case CURLE_PARTIAL_FILE:
		return prof_errf(err, "response cut short after %zu bytes", r->len);
	default:
		return prof_errf(err, "%s", detail);
	}
}

/* The stored user:pass for a source given with them, or NULL. */
static const char *userinfo_of(const fetch_opts *o, const char *src)
{
	for (size_t i = 0; o && i < o->ncreds; i++)
		if (strcmp(o->creds[i].shown, src) == 0)
			return o->creds[i].userinfo;
	return NULL;
}

/*
 * The URL libcurl is given: pprof's https+insecure scheme becomes https
 * (*insecure set), and the user:pass taken from the command line goes back
 * in, for libcurl alone.
 */
static char *wire_url(const char *url, const char *userinfo, bool *insecure)
{
	*insecure = strncmp(url, "https+insecure://", 17) == 0;
	const char *rest = strstr(url, "://") + 3;
	char *w = NULL;
	size_t len = 0;
	append(&w, &len, *insecure ? "https" : url, *insecure ? 5 : (size_t)(rest - 3 - url));
	append(&w, &len, "://", 3);
	if (userinfo) {
		append(&w, &len, userinfo, strlen(userinfo));
		append(&w, &len, "@", 1);
	}
	append(&w, &len, rest, strlen(rest));
	return w;
}

static void set_options(CURL *h, const char *url, bool insecure, int64_t timeout_ms, const fetch_opts *o, response *r,
                        char *errbuf)
{
	lib.easy_setopt(h, CURLOPT_URL, url);
	lib.easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	lib.easy_setopt(h, CURLOPT_NOSIGNAL, 1L); /* no SIGALRM for name lookups: signals stay the caller's */
	lib.easy_setopt(h, CURLOPT_USERAGENT, "prof/" PROF_VERSION);
	lib.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	lib.easy_setopt(h, CURLOPT_MAXREDIRS, (long)MAX_REDIRECTS);
#if LIBCURL_VERSION_NUM >= 0x075500
	lib.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	lib.easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	lib.easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
	lib.easy_setopt(h, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	lib.easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	lib.easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)r->max);
	lib.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	lib.easy_setopt(h, CURLOPT_WRITEDATA, r);
	lib.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	lib.easy_setopt(h, CURLOPT_HEADERDATA, r);
	lib.easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	lib.easy_setopt(h, CURLOPT_XFERINFODATA, r);
	lib.easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	if (insecure) {
		lib.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		lib.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (o && o->tls_ca)
		lib.easy_setopt(h, CURLOPT_CAINFO, o->tls_ca);
	if (o && o->tls_cert)
		lib.easy_setopt(h, CURLOPT_SSLCERT, o->tls_cert);
	if (o && o->tls_key)
		lib.easy_setopt(h, CURLOPT_SSLKEY, o->tls_key);
}

/* GETs url; the body of a 200 response goes to *r. False with *err set otherwise. */
static bool transfer(const char *src, const char *url, int64_t timeout_ms, const fetch_opts *o, response *r, prof_err *err)
{
	if (!curl_once(err))
		return false;
	CURL *h = lib.easy_init();
	if (!h)
		return prof_errf(err, "cannot start libcurl");
	bool insecure;
	char *wire = wire_url(url, userinfo_of(o, src), &insecure);
	char errbuf[CURL_ERROR_SIZE] = "";
	set_options(h, wire, insecure, timeout_ms, o, r, errbuf);
	CURLcode rc = lib.easy_perform(h);
	bool ok = rc == CURLE_OK;
	for (size_t e = strlen(errbuf); e > 0 && (errbuf[e - 1] == ' ' || errbuf[e - 1] == '\n'); e--)
		errbuf[e - 1] = '\0';
	if (!ok) {
		transfer_error(h, rc, r, timeout_ms, errbuf[0] ? errbuf : lib.easy_strerror(rc), err);
	} else {
		long code = 0;
		lib.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
		if (code != 200)
			ok = status_error(code, r, err);
	}
	lib.easy_cleanup(h);
	free(wire);
	return ok;
}

/* s made safe for a file name: what the remote service chose cannot reach another folder. */
static void name_part(char *out, size_t n, const char *s)
{
	size_t w = 0;
	for (; *s && w + 1 < n && w < 64; s++) {
		char c = *s;
		bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
		            c == '-' || (c == '.' && w > 0);
		out[w++] = safe ? c : '_';
	}
	out[w] = '\0';
}

/* mkdir -p, as pprof's os.MkdirAll: true when dir is a folder prof may write in. */
static bool mkdir_all(char *dir)
{
	for (char *p = dir + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(dir, 0755); /* exists already, most often; the last mkdir tells */
			*p = '/';
		}
	struct stat st;
	return (mkdir(dir, 0755) == 0 || errno == EEXIST) && stat(dir, &st) == 0 && S_ISDIR(st.st_mode) &&
	       access(dir, W_OK) == 0;
}

/* pprof's capture folder: $PPROF_TMPDIR, else $HOME/pprof, else the temp folder; created if need be. */
static bool capture_dir(char *dir, size_t n, prof_err *err)
{
	const char *tries[3] = {getenv("PPROF_TMPDIR"), getenv("HOME"), getenv("TMPDIR")};
	for (int i = 0; i < 3; i++) {
		if (!tries[i] || !*tries[i])
			continue;
		snprintf(dir, n, "%s%s", tries[i], i == 1 ? "/pprof" : "");
		if (mkdir_all(dir))
			return true;
	}
	snprintf(dir, n, "/tmp");
	if (access(dir, W_OK) == 0)
		return true;
	return prof_errf(err, "no folder to save the capture in (set PPROF_TMPDIR)");
}

/*
 * Saves the body under pprof's name: pprof.BINARY.TYPE1.TYPE2.NNN.pb.gz,
 * BINARY the base of the first mapping's file; ".txt" for a text profile,
 * ".pb" for an uncompressed protobuf, as the bytes are kept as they came.
 */
static bool save_capture(const response *r, const prof_profile *p, char *saved, size_t n, prof_err *err)
{
	char dir[PATH_MAX], prefix[PATH_MAX + 512], part[72], base[PATH_MAX];
	if (!capture_dir(dir, sizeof dir, err))
		return false;
	size_t w = (size_t)snprintf(prefix, sizeof prefix, "%s/pprof.", dir);
	if (p->nmapping && prof_str(p, p->mappings[0].file)[0]) {
		name_part(part, sizeof part, path_base(prof_str(p, p->mappings[0].file), base, sizeof base));
		w += (size_t)snprintf(prefix + w, sizeof prefix - w, "%s.", part);
	}
	for (size_t i = 0; i < p->nsample_type && w < sizeof prefix - 80; i++) {
		name_part(part, sizeof part, prof_str(p, p->sample_types[i].type));
		w += (size_t)snprintf(prefix + w, sizeof prefix - w, "%s.", part);
	}
	bool gz = r->len >= 2 && r->data[0] == 0x1f && r->data[1] == 0x8b;
	bool text = !gz && r->len > 0 && r->data[0] >= 0x20 && r->data[0] < 0x7f;
	return outfile_write_new(prefix, gz ? "pb.gz" : text ? "txt" : "pb", (const char *)r->data, r->len, saved, n, err);
}

/* Go's time.Duration String for whole seconds ("30s", "1m0s", "1h30m0s"), as pprof's "Please wait" shows it. */
static const char *go_duration(int s, char *buf, size_t n)
{
	if (s >= 3600)
		snprintf(buf, n, "%dh%dm%ds", s / 3600, s / 60 % 60, s % 60);
	else if (s >= 60)
		snprintf(buf, n, "%dm%ds", s / 60, s % 60);
	else
		snprintf(buf, n, "%ds", s);
	return buf;
}

prof_profile *fetch_capture(const char *src, const fetch_opts *o, char *saved, size_t n, prof_err *err)
{
	int64_t timeout_ms = 0;
	char *url = fetch_url(src, o, &timeout_ms);
	if (!url) {
		prof_errf(err, "not a URL");
		return NULL;
	}
	if (o && o->log) {
		fprintf(o->log, "Fetching profile over HTTP from %s\n", url);
		if (o->seconds > 0)
			fprintf(o->log, "Please wait... (%s)\n", go_duration(o->seconds, (char[32]){0}, 32));
	}
	response r = {.max = fetch_max_size(o), .cancel = o ? o->cancel : NULL};
	prof_profile *p = NULL;
	if (transfer(src, url, timeout_ms, o, &r, err)) {
		prof_err lerr = {0};
		p = prof_load_bytes_max(r.data, r.len, r.max, &lerr);
		if (!p)
			prof_errf(err, "not a profile: %s", lerr.msg);
		else if (lerr.note[0])
			prof_notef(err, "%s", lerr.note);
	}
	char path[PATH_MAX + 600];
	if (p && !save_capture(&r, p, path, sizeof path, err)) {
		prof_profile_free(p);
		p = NULL;
	}
	if (p && o && o->log)
		fprintf(o->log, "Saved profile in %s\n", path);
	if (p && saved)
		snprintf(saved, n, "%s", path);
	free(r.data);
	free(url);
	return p;
}

prof_profile *prof_load_source(const char *src, const fetch_opts *o, prof_err *err)
{
	if (fetch_is_url(src))
		return fetch_capture(src, o, NULL, 0, err);
	return prof_load_file_max(src, fetch_max_size(o), err);
}
