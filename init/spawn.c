// SPDX-License-Identifier: Apache-2.0
/* spawn: see spawn.h. */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "file.h"

/* In the child: everything up to exec; returns only with an errno. */
static int child(const struct spawn *s)
{
	char procs[256];
	int fd, r;

	if (s->null_stdio || s->null_stdin) {
		fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (fd < 0 || dup2(fd, 0) < 0 || (s->null_stdio && dup2(fd, 1) < 0))
			return errno;
	}
	if (s->cgroup) {
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", s->cgroup);
		r = file_write_value(procs, "0", 1, NULL);
		if (r < 0)
			return -r;
	}
	if (sigprocmask(SIG_SETMASK, s->mask, NULL) < 0 || (s->setsid && setsid() < 0))
		return errno;
	execve(s->argv[0], s->argv, s->envp);
	return errno;
}

int spawn(const struct spawn *s, pid_t *pid, const char **what)
{
	int pipefd[2], child_errno = 0, r;
	ssize_t n;

	*what = "pipe";
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	*what = "fork";
	*pid = fork();
	if (*pid < 0) {
		r = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return r;
	}
	if (*pid == 0) {
		close(pipefd[0]);
		child_errno = child(s);
		while (write(pipefd[1], &child_errno, sizeof(child_errno)) < 0 && errno == EINTR)
			;
		_exit(127);
	}
	close(pipefd[1]);
	do
		n = read(pipefd[0], &child_errno, sizeof(child_errno));
	while (n < 0 && errno == EINTR);
	close(pipefd[0]);
	if (n != (ssize_t)sizeof(child_errno))
		return 0;       /* end of file: the exec closed the pipe */
	/* The child never became the program: collect it and fail. */
	while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
		;
	*what = "exec";
	*pid = -1;
	return -child_errno;
}
