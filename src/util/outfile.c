/* outfile: see outfile.h. */
#include "util/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	/* The same folder as path, so that the rename cannot cross file systems. */
	snprintf(o->tmp, n, "%s.tmp.%ld", path, (long)getpid());
	o->f = fopen(o->tmp, "wb");
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
	errno = 0;
	bool ok = !ferror(o->f);
	int saved = errno;
	ok = fflush(o->f) == 0 && ok;
	if (!saved)
		saved = errno;
	ok = fclose(o->f) == 0 && ok;
	if (!saved)
		saved = errno;
	o->f = NULL;
	if (ok && rename(o->tmp, o->path) != 0) {
		saved = errno;
		ok = false;
	}
	if (!ok)
		prof_errf(err, "%s: %s", o->path, strerror(saved ? saved : EIO));
	outfile_abort(o);
	return ok;
}

void outfile_abort(outfile *o)
{
	if (o->f)
		fclose(o->f);
	if (o->tmp)
		unlink(o->tmp); /* after a commit the name is gone already */
	free(o->tmp);
	free(o->path);
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
