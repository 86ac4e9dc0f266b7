/* unlink_on_open FILE K: unlink FILE right after its K-th IN_OPEN; print each event. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/inotify.h>
int main(int argc, char **argv)
{
	int fd = inotify_init(), k = atoi(argv[2]), n = 0;
	char buf[4096];
	if (inotify_add_watch(fd, argv[1], IN_OPEN | IN_CLOSE | IN_ATTRIB | IN_DELETE_SELF) < 0) { perror("watch"); return 1; }
	for (;;) {
		ssize_t len = read(fd, buf, sizeof(buf));
		if (len <= 0) return 1;
		for (char *p = buf; p < buf + len;) {
			struct inotify_event *e = (struct inotify_event *)p;
			if (e->mask & IN_OPEN) {
				n++;
				fprintf(stderr, "open %d\n", n);
				if (n == k) { unlink(argv[1]); fprintf(stderr, "unlinked at open %d\n", n); return 0; }
			}
			if (e->mask & IN_CLOSE_NOWRITE)
				fprintf(stderr, "close %d\n", n);
			if (e->mask & (IN_DELETE_SELF | IN_IGNORED)) return 2;
			p += sizeof(*e) + e->len;
		}
	}
}
