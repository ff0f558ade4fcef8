/* SPDX-License-Identifier: Apache-2.0 */
/*
 * spawn: starts a program as a child of PID 1, the one way the init does
 * (the agent, mke2fs): the child gets the signal mask PID 1 started with
 * back, and optionally its own session, /dev/null as stdin and stdout, and
 * a cgroup it joins before it runs anything.
 * Reads: the program file. Changes: forks; the child joins the cgroup.
 * On failure: -errno. A failure in the child, up to and including execve,
 * comes back over a close-on-exec pipe, so it is reported here, as "exec",
 * and not as a mysterious exit status later; the child is reaped then.
 */
#ifndef SEALROOT_SPAWN_H
#define SEALROOT_SPAWN_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

struct spawn {
	char *const *argv;          /* argv[0] is the program's path */
	char *const *envp;
	const sigset_t *mask;       /* the child's signal mask */
	bool setsid;                /* a session of its own */
	bool null_stdio;            /* stdin and stdout on /dev/null; stderr stays */
	bool null_stdin;            /* stdin alone on /dev/null (not the console) */
	const char *cgroup;         /* a cgroup2 directory to join first, or NULL */
};

/* 0 with *pid once the program runs; else -errno, *what: "pipe", "fork" or "exec". */
int spawn(const struct spawn *s, pid_t *pid, const char **what);

#endif
