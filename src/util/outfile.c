/* outfile: see outfile.h. */
#include "util/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool outfile_write(const char *path, const char *data, size_t len, prof_err *err)
{
	size_t n = strlen(path) + 32;
	char *tmp = malloc(n);
	if (!tmp)
		return prof_errf(err, "%s: out of memory", path);
	/* The same folder as path, so that the rename cannot cross file systems. */
	snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "wb");
	if (!f) {
		prof_errf(err, "%s: %s", path, strerror(errno));
		free(tmp);
		return false;
	}
	bool ok = fwrite(data, 1, len, f) == len;
	ok = fflush(f) == 0 && ok;
	int saved = errno;
	ok = fclose(f) == 0 && ok;
	if (ok && rename(tmp, path) != 0) {
		saved = errno;
		ok = false;
	}
	if (!ok) {
		prof_errf(err, "%s: %s", path, strerror(saved ? saved : EIO));
		unlink(tmp);
	}
	free(tmp);
	return ok;
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
