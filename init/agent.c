// SPDX-License-Identifier: Apache-2.0
/*
 * agent: see agent.h.
 */
#include "agent.h"
#include "file.h"

#include <errno.h>
#include <stdio.h>
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

enum {
	PIDS_RESERVE = 64,          /* pids kept back from the agent for the init */
	MEM_RESERVE_MIN = 16 << 20, /* memory kept back: the larger of this and 1/8 */
};

static int put_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	ssize_t n;
	int fd, r = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	if (n != (ssize_t)strlen(text))
		r = n < 0 ? -errno : -EIO;
	close(fd);
	return r;
}

/*
 * The agent and everything it starts go into one cgroup with pids.max and
 * memory.max below the machine's, so a runaway agent (a fork bomb, a leak)
 * meets a limit while PID 1 still has pids and memory to shut down with.
 * The machine's task limit is the smaller of pid_max and threads-max (the
 * kernel sizes threads-max from RAM: about 1,900 at 256 MiB), and the kernel
 * needs some of it for its own workers. With the cpu controller the cgroup
 * is one scheduling entity beside PID 1, so a subtree of a thousand busy
 * tasks gets half the CPU, not all of it.
 */
static int agent_cgroup(struct boot *b, char *dir, size_t cap)
{
	char buf[64], val[32];
	unsigned long long pid_max = 0, threads_max = 0, mem_kib = 0, mem, reserve;
	size_t len;
	FILE *f;
	int r;

	if (file_read_all("/proc/sys/kernel/pid_max", buf, sizeof(buf), &len) < 0 ||
	    sscanf(buf, "%llu", &pid_max) != 1)
		return boot_fail(b, 0, "cannot read /proc/sys/kernel/pid_max");
	if (file_read_all("/proc/sys/kernel/threads-max", buf, sizeof(buf), &len) < 0 ||
	    sscanf(buf, "%llu", &threads_max) != 1)
		return boot_fail(b, 0, "cannot read /proc/sys/kernel/threads-max");
	if (threads_max < pid_max)
		pid_max = threads_max;
	if (pid_max <= 2 * PIDS_RESERVE)
		return boot_fail(b, 0, "%llu tasks is too few", pid_max);
	f = fopen("/proc/meminfo", "re");
	while (f && fgets(buf, sizeof(buf), f))
		if (sscanf(buf, "MemTotal: %llu kB", &mem_kib) == 1)
			break;
	if (f)
		fclose(f);
	if (mem_kib == 0)
		return boot_fail(b, 0, "cannot read MemTotal from /proc/meminfo");
	mem = mem_kib * 1024;
	reserve = mem / 8 > MEM_RESERVE_MIN ? mem / 8 : MEM_RESERVE_MIN;
	if (mem <= 2 * reserve)
		return boot_fail(b, 0, "%llu bytes of memory is too little", mem);

	r = put_file(b->path.cgroup, "cgroup.subtree_control", "+pids +memory +cpu");
	if (r < 0)
		return boot_fail(b, r, "enable pids, memory and cpu in %s", b->path.cgroup);
	snprintf(dir, cap, "%s/sealroot-agent", b->path.cgroup);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return boot_fail(b, -errno, "mkdir %s", dir);
	snprintf(val, sizeof(val), "%llu", pid_max - PIDS_RESERVE);
	r = put_file(dir, "pids.max", val);
	if (r == 0) {
		snprintf(val, sizeof(val), "%llu", mem - reserve);
		r = put_file(dir, "memory.max", val);
	}
	/* An OOM at this cgroup's own limit kills all of it, the agent
	 * included: a subtree that exhausts the agent's budget is not left
	 * half alive, and the init then shuts down. An OOM inside a container's
	 * own child cgroup stays there (the kernel looks for oom.group only up
	 * to the cgroup that hit its limit). */
	if (r == 0)
		r = put_file(dir, "memory.oom.group", "1");
	if (r < 0)
		return boot_fail(b, r, "limits of %s", dir);
	log_info("agent: cgroup %s: pids.max %llu, memory.max %llu MiB", dir,
		 pid_max - PIDS_RESERVE, (mem - reserve) >> 20);
	return 0;
}

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
	char cg[PATH_MAX_SR] = "";

	if (b->path.cgroup && (r = agent_cgroup(b, cg, sizeof(cg))) < 0)
		return r;
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
		int e, moved;

		close(pipefd[0]);
		/* Into the agent's cgroup before it runs anything. */
		moved = cg[0] ? put_file(cg, "cgroup.procs", "0") : 0;

		if (moved < 0) {
			e = -moved;
		} else if (sigprocmask(SIG_SETMASK, &agent_child_mask, NULL) < 0 || setsid() < 0) {
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
