// SPDX-License-Identifier: Apache-2.0
/* agent: see agent.h. */
#include "agent.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "file.h"
#include "spawn.h"

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

/* One value into the file name of the cgroup directory dir. */
static int put_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX_SR];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return file_write_value(path, text, strlen(text), NULL);
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

	if (file_read_all(b->path.pid_max, buf, sizeof(buf), &len) < 0 ||
	    sscanf(buf, "%llu", &pid_max) != 1)
		return boot_fail(b, 0, "cannot read %s", b->path.pid_max);
	if (file_read_all(b->path.threads_max, buf, sizeof(buf), &len) < 0 ||
	    sscanf(buf, "%llu", &threads_max) != 1)
		return boot_fail(b, 0, "cannot read %s", b->path.threads_max);
	if (threads_max < pid_max)
		pid_max = threads_max;
	if (pid_max <= 2 * PIDS_RESERVE)
		return boot_fail(b, 0, "%llu tasks is too few", pid_max);
	f = fopen(b->path.meminfo, "re");
	while (f && fgets(buf, sizeof(buf), f))
		if (sscanf(buf, "MemTotal: %llu kB", &mem_kib) == 1)
			break;
	if (f)
		fclose(f);
	if (mem_kib == 0)
		return boot_fail(b, 0, "cannot read MemTotal from %s", b->path.meminfo);
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
	char cg[PATH_MAX_SR] = "";
	struct spawn sp = {
		.argv = argv,
		.envp = agent_env,
		.mask = &b->child_mask,
		.setsid = true,
		/* The console is the host's to write: the agent reads nothing
		 * from it. Its output still goes there. */
		.null_stdin = true,
	};
	const char *what;
	struct stat st;
	pid_t pid;
	int r;

	if (stat(b->path.agent, &st) < 0)
		return boot_fail(b, -errno, "%s", b->path.agent);
	if (!S_ISREG(st.st_mode))
		return boot_fail(b, 0, "%s is not a regular file", b->path.agent);
	if (b->path.cgroup && (r = agent_cgroup(b, cg, sizeof(cg))) < 0)
		return r;
	/* Into the agent's cgroup before it runs anything. */
	sp.cgroup = cg[0] ? cg : NULL;
	log_info("agent: starting %s (uptime %.3f s)", b->path.agent, log_uptime());
	r = spawn(&sp, &pid, &what);
	if (r < 0 && strcmp(what, "exec") == 0)
		return boot_fail(b, r, "exec %s", b->path.agent);
	if (r < 0)
		return boot_fail(b, r, "%s", what);
	b->agent_pid = pid;
	return 0;
}
