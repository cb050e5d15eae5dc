/*
 * faultshim: an LD_PRELOAD library for tests/faults.sh that makes write(2)
 * fail with ENOSPC, as on a full disk, once FAULT_WRITE_AFTER bytes have
 * been written (to any descriptor but stderr, which carries the message
 * under test).
 *
 *   cc -shared -fPIC -o faultshim.so tests/faultshim.c -ldl
 *   FAULT_WRITE_AFTER=4096 LD_PRELOAD=./faultshim.so prof ...
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

ssize_t write(int fd, const void *buf, size_t n)
{
	static ssize_t (*real)(int, const void *, size_t);
	static long long left = -1;
	if (!real)
		real = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	if (left < 0) {
		const char *e = getenv("FAULT_WRITE_AFTER");
		left = e ? atoll(e) : (1ll << 62);
	}
	if (fd == 2)
		return real(fd, buf, n);
	if (left <= 0) {
		errno = ENOSPC;
		return -1;
	}
	if ((long long)n > left)
		n = (size_t)left; /* a short write first, as a filling disk gives */
	ssize_t w = real(fd, buf, n);
	if (w > 0)
		left -= w;
	return w;
}
