// SPDX-License-Identifier: Apache-2.0
/* spawn: see spawn.h. */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "file.h"

/* What the child leaves in PID 1's memory when it does not reach the program. */
struct child_ctx {
	const struct spawn *s;
	int err;
	const char *what;
};

/* In the child: everything up to exec; returns only with an errno. */
static int child(const struct spawn *s, const char **what)
{
	char procs[256];
	int fd, r;

	*what = "stdio";
	if (s->null_stdio || s->null_stdin) {
		fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (fd < 0 || dup2(fd, 0) < 0 || (s->null_stdio && dup2(fd, 1) < 0))
			return errno;
	}
	*what = "cgroup";
	if (s->cgroup) {
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", s->cgroup);
		r = file_write_value(procs, "0", 1, NULL);
		if (r < 0)
			return -r;
	}
	if (s->prepare && (r = s->prepare(s, what)) != 0)
		return r;
	*what = "exec";
	if (sigprocmask(SIG_SETMASK, s->mask, NULL) < 0 || (s->setsid && setsid() < 0))
		return errno;
	execve(s->argv[0], s->argv, s->envp);
	return errno;
}

static int child_main(void *arg)
{
	struct child_ctx *c = arg;

	c->err = child(c->s, &c->what);
	_exit(127);
}

/*
 * The child shares PID 1's memory, on a stack of its own, until its exec
 * (CLONE_VM | CLONE_VFORK, as posix_spawn does): the calling thread sleeps
 * meanwhile, and no copy of PID 1's address space is made for the exec to
 * throw away. So the child, and s->prepare, only make system calls and
 * format strings on their own stack: no malloc, stdio or lock, since
 * another thread of PID 1 (the verity scan) may run beside it. No handler
 * can run in the child: PID 1 installs none and blocks every asynchronous
 * signal until the child's own sigprocmask just before the exec. A new PID
 * namespace can only be entered by a new process, so the namespaces come
 * with the clone.
 */
int spawn(const struct spawn *s, pid_t *pid, const char **what)
{
	struct child_ctx c = { s, 0, NULL };
	/* The frames of child() and s->prepare take about 2 KiB. Past the
	 * array's start lie the frames PID 1 sleeps in, so it is large. */
	_Alignas(16) char stack[32 * 1024];

	*what = "fork";
	*pid = clone(child_main, stack + sizeof(stack),
		     (int)s->clone_flags | CLONE_VM | CLONE_VFORK | SIGCHLD, &c);
	if (*pid < 0)
		return -errno;
	if (c.err == 0)
		return 0;       /* the child is the program now */
	/* The child never became the program: collect it and fail. */
	while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
		;
	*what = c.what ? c.what : "exec";
	*pid = -1;
	return -c.err;
}
