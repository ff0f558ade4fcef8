/* SPDX-License-Identifier: Apache-2.0 */
/*
 * spawn: starts a program as a child of PID 1, the one way the init does
 * (the agent, mke2fs): the child gets the signal mask PID 1 started with
 * back, and optionally its own session, /dev/null as stdin and stdout, a
 * cgroup it joins before it runs anything, new namespaces, and a last
 * preparation of the caller's in the child just before the exec.
 * Reads: the program file. Changes: starts a process, which shares PID 1's
 * memory until its exec while PID 1 waits; the child joins the cgroup.
 * On failure: -errno. A failure in the child, up to and including execve,
 * is left in that shared memory with the name of the stage that failed,
 * so it is reported here and not as a mysterious exit status later; the
 * child is reaped then.
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
	unsigned long clone_flags;  /* CLONE_NEW* for the child, or 0 */
	/* In the child, after the cgroup, before the signal mask and the exec,
	 * sharing PID 1's memory (system calls and stack buffers only: spawn.c):
	 * 0, or an errno with *what set to a string literal naming the stage
	 * (the parent reads it from the memory they share). */
	int (*prepare)(const struct spawn *s, const char **what);
	const void *arg;            /* for prepare */
};

/*
 * 0 with *pid once the program runs; else -errno, *what: "fork", "stdio",
 * "cgroup", "exec" or what prepare named.
 */
int spawn(const struct spawn *s, pid_t *pid, const char **what);

#endif
