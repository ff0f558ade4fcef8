// SPDX-License-Identifier: Apache-2.0
/* spawn: see spawn.h. */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "file.h"

/* What the child sends back when it does not reach the program. */
struct child_error {
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

/*
 * fork(), or clone3() when the child gets namespaces of its own: a new PID
 * namespace can only be entered by a new process. With no stack given,
 * clone3 returns twice like fork. It skips libc's fork handlers, which is
 * safe here because PID 1 has no other thread when it spawns (the verity
 * scan is joined before the agent step) and the child only makes system
 * calls before it execs.
 */
static pid_t new_process(const struct spawn *s)
{
	struct clone_args ca = { .flags = s->clone_flags, .exit_signal = SIGCHLD };

	if (s->clone_flags == 0)
		return fork();
	return (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
}

int spawn(const struct spawn *s, pid_t *pid, const char **what)
{
	struct child_error ce = { 0, NULL };
	int pipefd[2], r;
	ssize_t n;

	*what = "pipe";
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	*what = "fork";
	*pid = new_process(s);
	if (*pid < 0) {
		r = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return r;
	}
	if (*pid == 0) {
		close(pipefd[0]);
		ce.err = child(s, &ce.what);
		while (write(pipefd[1], &ce, sizeof(ce)) < 0 && errno == EINTR)
			;
		_exit(127);
	}
	close(pipefd[1]);
	do
		n = read(pipefd[0], &ce, sizeof(ce));
	while (n < 0 && errno == EINTR);
	close(pipefd[0]);
	if (n != (ssize_t)sizeof(ce))
		return 0;       /* end of file: the exec closed the pipe */
	/* The child never became the program: collect it and fail. */
	while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
		;
	*what = ce.what ? ce.what : "exec";
	*pid = -1;
	return -ce.err;
}
