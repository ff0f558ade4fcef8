// SPDX-License-Identifier: Apache-2.0
/* agent: see agent.h. */
#include "agent.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>

#include "expedite.h"
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

/* What the agent's child needs to set up its namespaces. */
struct agent_ns {
	const char *cgroup;        /* the agent's cgroup, root of its cgroup namespace; or NULL */
	const char *cgroup_mnt;    /* where cgroup2 is mounted */
	const char *proc;          /* where proc is mounted */
	char controllers[160];     /* "+cpu +memory ...": the subtree's controllers */
	const char *rcu_expedited; /* expedite.h: turned off before the exec; or NULL */
};

/* One value into the file name of the cgroup directory dir. */
static int put_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX_SR];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return file_write_value(path, text, strlen(text), NULL);
}

/*
 * list: cgroup.controllers ("cpuset cpu io memory pids\n") as
 * "+cpuset +cpu +io +memory +pids" in out. -1 when pids, memory or cpu is
 * missing or out is too small.
 */
static int controllers_plus(const char *list, char *out, size_t cap)
{
	static const char *const need[] = { "pids", "memory", "cpu" };
	size_t i, n = 0, len;
	unsigned found = 0;
	const char *p = list;

	out[0] = '\0';
	while (*p) {
		len = strcspn(p, " \n");
		if (len > 0) {
			if (n + len + 3 > cap)
				return -1;
			for (i = 0; i < 3; i++)
				if (strlen(need[i]) == len && memcmp(p, need[i], len) == 0)
					found |= 1u << i;
			n += (size_t)snprintf(out + n, cap - n, "%s+%.*s", n ? " " : "", (int)len, p);
		}
		p += len;
		p += strspn(p, " \n");
	}
	return found == 7 ? 0 : -1;
}

/*
 * In the agent's child, before the exec (docs/kata.md, row 3). The child
 * is PID 1 of a new PID namespace and has a new mount namespace: the
 * kata-agent takes init mode from getpid() == 1 alone, and in init mode it
 * never uses the systemd cgroup driver, so a systemd-form cgroupsPath
 * works without systemd (kata-containers 7c6ba40c src/agent/src/main.rs
 * main, rpc.rs do_create_container). Its own mounts of /proc, /sys, /dev,
 * /run... are skipped where a file system of that type is already mounted
 * (mount.rs baremount), so it keeps our /run with the secrets, initdata
 * and extensions; it gets a /proc of its own PID namespace here, since
 * it reads /proc/<its pid>. In its own cgroup namespace rooted at its
 * cgroup, the containers' cgroups it creates are inside our limits.
 */
static int agent_namespaces(const struct spawn *s, const char **what)
{
	const struct agent_ns *ns = s->arg;
	char path[PATH_MAX_SR];
	int r;

	if (ns->cgroup) {
		/* Joined ns->cgroup already (spawn): that becomes the root. */
		*what = "cgroup namespace";
		if (unshare(CLONE_NEWCGROUP) < 0)
			return errno;
		snprintf(path, sizeof(path), "%s/agent/cgroup.procs", ns->cgroup);
		if ((r = file_write_value(path, "0", 1, NULL)) < 0)
			return -r;
		snprintf(path, sizeof(path), "%s/cgroup.subtree_control", ns->cgroup);
		if ((r = file_write_value(path, ns->controllers, strlen(ns->controllers), NULL)) < 0)
			return -r;
	}
	/* Nothing the agent mounts propagates back to PID 1's namespace. */
	*what = "private mounts";
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return errno;
	*what = "proc of the agent's PID namespace";
	if (umount2(ns->proc, MNT_DETACH) < 0 ||
	    mount("proc", ns->proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return errno;
	if (ns->cgroup) {
		*what = "cgroup2 of the agent's cgroup namespace";
		if (umount2(ns->cgroup_mnt, MNT_DETACH) < 0 ||
		    mount("cgroup2", ns->cgroup_mnt, "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			return errno;
	}
	/* PID 1's boot ends here: the agent starts with what the command line chose. */
	if (ns->rcu_expedited) {
		*what = "turning RCU expediting off";
		if ((r = expedite_end(ns->rcu_expedited)) < 0)
			return -r;
	}
	return 0;
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
static int agent_cgroup(struct boot *b, char *dir, size_t cap, struct agent_ns *ns)
{
	char buf[64], val[32], list[160], path[PATH_MAX_SR];
	unsigned long long pid_max = 0, threads_max = 0, mem, reserve;
	struct sysinfo si;
	size_t len;
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
	/* The RAM the kernel manages: /proc/meminfo's MemTotal, without
	 * formatting the other fifty lines of that file to read one. */
	if (sysinfo(&si) < 0)
		return boot_fail(b, -errno, "sysinfo");
	mem = (unsigned long long)si.totalram * si.mem_unit;
	reserve = mem / 8 > MEM_RESERVE_MIN ? mem / 8 : MEM_RESERVE_MIN;
	if (mem <= 2 * reserve)
		return boot_fail(b, 0, "%llu bytes of memory is too little", mem);

	/* Every controller the kernel has, for the agent's cgroupfs driver to
	 * give containers (rustjail enables, in each parent, the controllers
	 * its root lists); pids, memory and cpu are the ones PID 1 needs. */
	snprintf(path, sizeof(path), "%s/cgroup.controllers", b->path.cgroup);
	if (file_read_all(path, list, sizeof(list), &len) < 0)
		return boot_fail(b, 0, "cannot read %s", path);
	if (controllers_plus(list, ns->controllers, sizeof(ns->controllers)) < 0)
		return boot_fail(b, 0, "%s lacks pids, memory or cpu: %s", path, list);
	r = put_file(b->path.cgroup, "cgroup.subtree_control", ns->controllers);
	if (r < 0)
		return boot_fail(b, r, "enable %s in %s", ns->controllers, b->path.cgroup);
	snprintf(dir, cap, "%s/sealroot-agent", b->path.cgroup);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return boot_fail(b, -errno, "mkdir %s", dir);
	/* The leaf the agent itself runs in: a cgroup v2 parent with
	 * controllers enabled for its children holds no process. */
	snprintf(path, sizeof(path), "%s/agent", dir);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return boot_fail(b, -errno, "mkdir %s", path);
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
	struct agent_ns ns = { .cgroup_mnt = b->path.cgroup, .proc = b->path.proc,
			       .rcu_expedited = b->rcu_expedited ? b->path.rcu_expedited : NULL };
	struct spawn sp = {
		.argv = argv,
		.envp = agent_env,
		.mask = &b->child_mask,
		/* No session: the agent in init mode makes its own, and
		 * setsid() fails for a session leader (main.rs
		 * init_agent_as_init). The console is the host's to write:
		 * the agent reads nothing from it. Its output still goes
		 * there. */
		.null_stdin = true,
		.clone_flags = CLONE_NEWPID | CLONE_NEWNS,
		.prepare = agent_namespaces,
		.arg = &ns,
	};
	const char *what;
	struct stat st;
	pid_t pid;
	int r;

	if (stat(b->path.agent, &st) < 0)
		return boot_fail(b, -errno, "%s", b->path.agent);
	if (!S_ISREG(st.st_mode))
		return boot_fail(b, 0, "%s is not a regular file", b->path.agent);
	if (b->path.cgroup && (r = agent_cgroup(b, cg, sizeof(cg), &ns)) < 0)
		return r;
	/* Into the agent's cgroup before it runs anything. */
	sp.cgroup = cg[0] ? cg : NULL;
	ns.cgroup = sp.cgroup;
	log_info("agent: starting %s (uptime %.3f s)", b->path.agent, log_uptime());
	r = spawn(&sp, &pid, &what);
	if (r < 0 && strcmp(what, "exec") == 0)
		return boot_fail(b, r, "exec %s", b->path.agent);
	if (r < 0)
		return boot_fail(b, r, "%s for %s", what, b->path.agent);
	b->agent_pid = pid;
	return 0;
}
