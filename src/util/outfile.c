/* outfile: see outfile.h. */
#define _GNU_SOURCE /* fopencookie */
#include "util/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * The stream under an outfile writes through this, so that the first write
 * error (ENOSPC, EIO) is known for the message: stdio keeps only "an error
 * happened", and errno is long overwritten by the time the file is closed.
 */
struct outfile_sink {
	int fd;
	int err;
};

static ssize_t sink_write(void *cookie, const char *buf, size_t n)
{
	struct outfile_sink *s = cookie;
	size_t done = 0;
	while (done < n) {
		ssize_t w = write(s->fd, buf + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (!s->err)
				s->err = w < 0 ? errno : EIO;
			return done ? (ssize_t)done : -1;
		}
		done += (size_t)w;
	}
	return (ssize_t)done;
}

static int sink_close(void *cookie)
{
	struct outfile_sink *s = cookie;
	int rc = close(s->fd);
	if (rc != 0 && !s->err)
		s->err = errno;
	return rc;
}

/* A stream writing into path (a new file when excl; mode 0666 less the umask), or NULL with errno set. */
static FILE *open_sink(const char *path, bool excl, struct outfile_sink **sinkp)
{
	struct outfile_sink *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | (excl ? O_EXCL : 0), 0666);
	if (s->fd < 0) {
		int e = errno;
		free(s);
		errno = e;
		return NULL;
	}
	FILE *f = fopencookie(s, "w", (cookie_io_functions_t){.write = sink_write, .close = sink_close});
	if (!f) {
		close(s->fd);
		if (excl)
			unlink(path);
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	*sinkp = s;
	return f;
}

bool outfile_open(outfile *o, const char *path, prof_err *err)
{
	*o = (outfile){0};
	size_t n = strlen(path) + 32;
	o->tmp = malloc(n);
	o->path = strdup(path);
	if (!o->tmp || !o->path) {
		outfile_abort(o);
		return prof_errf(err, "%s: out of memory", path);
	}
	/*
	 * A device or a pipe (/dev/null, /dev/stdout, a fifo) is written in
	 * place: a rename would replace it with a regular file.
	 */
	struct stat st;
	bool special = stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
	/* The same folder as path, so that the rename cannot cross file systems. */
	snprintf(o->tmp, n, "%s.tmp.%ld", path, (long)getpid());
	if (special) {
		free(o->tmp);
		o->tmp = NULL;
	}
	o->f = open_sink(special ? path : o->tmp, !special, &o->sink);
	if (!o->f) {
		prof_errf(err, "%s: %s", path, strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
		outfile_abort(o);
		return false;
	}
	return true;
}

bool outfile_commit(outfile *o, prof_err *err)
{
	bool ok = !ferror(o->f);
	ok = fflush(o->f) == 0 && ok;
	ok = fclose(o->f) == 0 && ok;
	o->f = NULL;
	int saved = o->sink->err;
	if (ok && o->tmp && rename(o->tmp, o->path) != 0) {
		saved = errno;
		ok = false;
	}
	if (!ok)
		prof_errf(err, "%s: %s", o->path, strerror(saved ? saved : EIO));
	outfile_abort(o);
	return ok;
}

bool outfile_failed(const outfile *o, prof_err *err)
{
	if (!o->sink || !o->sink->err)
		return false;
	return !prof_errf(err, "%s: %s", o->path, strerror(o->sink->err));
}

void outfile_abort(outfile *o)
{
	if (o->f)
		fclose(o->f);
	if (o->tmp)
		unlink(o->tmp); /* after a commit the name is gone already */
	free(o->tmp);
	free(o->path);
	free(o->sink);
	*o = (outfile){0};
}

bool outfile_write(const char *path, const char *data, size_t len, prof_err *err)
{
	outfile o;
	if (!outfile_open(&o, path, err))
		return false;
	if (len)
		fwrite(data, 1, len, o.f);
	return outfile_commit(&o, err);
}

void outfile_stdout_init(void)
{
	signal(SIGPIPE, SIG_DFL);
}

bool outfile_stdout_done(prof_err *err)
{
	bool failed = ferror(stdout);
	errno = 0;
	if (fflush(stdout) == 0 && !failed)
		return true;
	int e = errno;
	if (e == EPIPE)
		return false; /* the reader has what it wanted ("prof -traces x | head") */
	if (e)
		prof_errf(err, "error writing output: %s", strerror(e));
	else
		prof_errf(err, "error writing output");
	return false;
}

bool outfile_write_new(const char *prefix, const char *ext, const char *data, size_t len, char *name, size_t n,
                       prof_err *err)
{
	for (int i = 1; i < 10000; i++) {
		snprintf(name, n, "%s%03d.%s", prefix, i, ext);
		/* Claimed with O_EXCL so that two runs never pick the same name. */
		int fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0666);
		if (fd < 0) {
			if (errno == EEXIST)
				continue;
			return prof_errf(err, "%s: %s", name, strerror(errno));
		}
		close(fd);
		if (outfile_write(name, data, len, err))
			return true;
		unlink(name);
		return false;
	}
	return prof_errf(err, "no free %sNNN.%s name in the current folder", prefix, ext);
}
