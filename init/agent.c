// SPDX-License-Identifier: Apache-2.0
/*
 * agent: see agent.h.
 */
#include "agent.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

sigset_t agent_child_mask;

/* Nothing from the kernel's or the host's environment reaches the agent. */
static char *const agent_env[] = {
	"PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
	"HOME=/",
	NULL,
};

int step_agent(struct boot *b)
{
	char *argv[] = { (char *)b->path.agent, NULL };
	struct stat st;
	int pipefd[2], child_errno = 0, r;
	ssize_t n;
	pid_t pid;

	if (stat(b->path.agent, &st) < 0)
		return boot_fail(b, -errno, "%s", b->path.agent);
	if (!S_ISREG(st.st_mode))
		return boot_fail(b, 0, "%s is not a regular file", b->path.agent);
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return boot_fail(b, -errno, "pipe");

	log_info("agent: starting %s (uptime %.3f s)", b->path.agent,
		 log_uptime());
	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return boot_fail(b, r, "fork");
	}
	if (pid == 0) {
		int e;

		close(pipefd[0]);
		if (sigprocmask(SIG_SETMASK, &agent_child_mask, NULL) < 0 ||
		    setsid() < 0) {
			e = errno;
		} else {
			execve(b->path.agent, argv, agent_env);
			e = errno;
		}
		while (write(pipefd[1], &e, sizeof(e)) < 0 && errno == EINTR)
			;
		_exit(127);
	}
	close(pipefd[1]);
	do
		n = read(pipefd[0], &child_errno, sizeof(child_errno));
	while (n < 0 && errno == EINTR);
	close(pipefd[0]);
	if (n == (ssize_t)sizeof(child_errno)) {
		/* The child never became the agent: collect it and fail. */
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return boot_fail(b, -child_errno, "exec %s", b->path.agent);
	}
	b->agent_pid = pid;
	return 0;
}
