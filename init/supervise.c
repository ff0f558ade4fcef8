// SPDX-License-Identifier: Apache-2.0
/*
 * supervise: see supervise.h. The pattern of tini (krallin/tini src/tini.c)
 * and dumb-init (Yelp/dumb-init dumb-init.c): signals stay blocked and are
 * taken synchronously, and reaping loops on waitpid(-1, WNOHANG).
 */
#include "supervise.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void signals_handled(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGQUIT);
	sigaddset(set, SIGUSR1);
	sigaddset(set, SIGUSR2);
	sigaddset(set, SIGPWR);
}

static void log_exit(pid_t pid, int status)
{
	if (WIFEXITED(status))
		log_info("agent: pid %d exited with status %d", (int)pid,
			 WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		log_info("agent: pid %d killed by signal %d (%s)", (int)pid,
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
}

int reap_all(struct boot *b)
{
	int n = 0, status;
	pid_t pid;

	for (;;) {
		pid = waitpid(-1, &status, WNOHANG);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			return n > 0 ? n : -errno;
		if (pid == 0)
			return n;
		n++;
		if (pid == b->agent_pid && !b->agent_exited) {
			b->agent_exited = true;
			log_exit(pid, status);
		}
	}
}

void supervise(struct boot *b)
{
	double deadline = -1, left;  /* on log_uptime()'s monotonic clock */
	bool killed = false;
	struct timespec wait;
	siginfo_t si;
	sigset_t set;
	int sig;

	signals_handled(&set);
	reap_all(b);
	while (!b->agent_exited) {
		if (deadline < 0) {
			sig = sigwaitinfo(&set, &si);
		} else {
			left = deadline - log_uptime();
			if (left <= 0 && !killed) {
				log_info("supervise: the agent did not stop within %u ms, sending SIGKILL",
					 b->cfg.grace_ms);
				kill(b->agent_pid, SIGKILL);
				killed = true;
				deadline = log_uptime() + KILL_WAIT_MS / 1000.0;
				continue;
			}
			if (left <= 0) {
				/* Its exit is reported only once its PID namespace is
				 * empty, and a task stuck in the kernel (I/O the host
				 * stalls) keeps it from emptying: shut down anyway. */
				log_info("supervise: the agent's namespace has not emptied %d ms after SIGKILL; shutting down",
					 KILL_WAIT_MS);
				return;
			}
			wait.tv_sec = (time_t)left;
			wait.tv_nsec = (long)((left - (double)wait.tv_sec) * 1e9);
			sig = sigtimedwait(&set, &si, &wait);
		}
		if (sig < 0)
			continue;
		switch (sig) {
		case SIGCHLD:
			reap_all(b);
			continue;
		case SIGPWR:
			log_info("supervise: SIGPWR, asking the agent to stop");
			kill(b->agent_pid, SIGTERM);
			break;
		default:
			log_info("supervise: forwarding signal %d to the agent", sig);
			kill(b->agent_pid, sig);
			if (sig == SIGUSR1 || sig == SIGUSR2)
				continue;
			break;
		}
		if (deadline < 0 && !killed)
			deadline = log_uptime() + b->cfg.grace_ms / 1000.0;
	}
}
