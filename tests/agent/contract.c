// SPDX-License-Identifier: Apache-2.0
/*
 * contract: the agent contract test. The test agent does, in order, what
 * the kata-agent does to the guest's file system, mounts, cgroups and
 * network when it starts as PID 1 (init mode), at CreateSandbox, at a
 * CopyFile and at two CreateContainer calls, one with each cgroupsPath form
 * (cgroupfs "/kubepods/..." and systemd "slice:prefix:name"), and reports
 * each action on one line (contract.h). Our stand-in is never more lenient
 * than the agent; where it is stricter, the comment says "stricter".
 *
 * Every citation is kata-containers at commit
 * 7c6ba40c54ea29b459b4997cff948caaba4e658b: "main.rs:214" is
 * src/agent/src/main.rs line 214, "rustjail/..." is src/agent/rustjail/src,
 * "kata-sys-util/..." is src/libs/kata-sys-util/src. cgroups-rs (the
 * agent's cgroups crate, 0.5.x, not in that repository) is described where
 * the agent calls it.
 *
 * What a step changes stays as the agent leaves it, except the last step,
 * which removes the cgroups, mounts and directories the containers left.
 */
#include "contract.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/bpf.h>
#include <linux/magic.h>
#include <linux/netlink.h>
#include <sys/socket.h>         /* before vm_sockets.h: older copies need sockaddr */
#include <linux/vm_sockets.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

/* The low-level SHA-256 calls, as test-agent.c uses them. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

/* rpc.rs:123 CONTAINER_BASE, and the paths below it the agent uses. */
#define CONTAINER_BASE "/run/kata-containers"
#define SANDBOX_DNS CONTAINER_BASE "/sandbox/resolv.conf"   /* network.rs:12 */
#define SHARE_DIR CONTAINER_BASE "/shared/containers"       /* rpc.rs:136 */
#define IMAGE_WORK_DIR CONTAINER_BASE "/image"              /* confidential_data_hub/image.rs:23 */
#define NS_DIR "/var/run/sandbox-ns"                        /* namespace.rs:19 */
#define INITDATA_PATH "/run/confidential-containers/initdata" /* initdata.rs:25 */
#define CGROOT "/sys/fs/cgroup"
#define POLICY_FILE "/etc/kata-opa/default-policy.rego"      /* policy/src/policy.rs:31 */

/* The pod of the CreateSandbox request, and its two containers. */
#define HOSTNAME "sealroot-contract-pod"
#define POD_UID "5ea1b007-0000-4000-8000-00000000c0c0"
#define POD_UID_ "5ea1b007_0000_4000_8000_00000000c0c0"
#define CID_FS "5ea1c0de5ea1c0de5ea1c0de5ea1c0de5ea1c0de5ea1c0de5ea1c0de5ea1c0de"
#define CID_SD "5ea15d0c5ea15d0c5ea15d0c5ea15d0c5ea15d0c5ea15d0c5ea15d0c5ea15d0c"
#define DNS_LINE "nameserver 192.0.2.53"

enum { OK, FAIL, SKIP };

static int n_step, n_ok, n_fail, n_skip;

__attribute__((format(printf, 3, 4)))
static int say(int kind, const char *name, const char *fmt, ...)
{
	char detail[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	n_step++;
	if (kind == OK) {
		n_ok++;
		printf("sealroot-test: contract %d %s: ok (%s)\n", n_step, name, detail);
	} else if (kind == FAIL) {
		n_fail++;
		printf("sealroot-test: contract %d %s: FAIL %s\n", n_step, name, detail);
	} else {
		n_skip++;
		printf("sealroot-test: contract %d %s: skipped: %s\n", n_step, name, detail);
	}
	fflush(stdout);
	return kind == FAIL ? -1 : 0;
}

/* ---- small helpers ---------------------------------------------------- */

void sha256_hex(const unsigned char *b, size_t n, char *hex)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256_CTX c;
	int j;

	SHA256_Init(&c);
	SHA256_Update(&c, b, n);
	SHA256_Final(md, &c);
	for (j = 0; j < SHA256_DIGEST_LENGTH; j++)
		snprintf(hex + 2 * j, 3, "%02x", md[j]);
}

int readf(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	return (int)len;
}

/* A write to an existing file (cgroup interface files): 0 or -errno. */
static int writef(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		r = -errno;
	close(fd);
	return r;
}

/* Rust's fs::write: create or truncate, mode 0666 before the umask. */
static int write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666), r = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, data, len) != (ssize_t)len)
		r = errno ? -errno : -EIO;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

/* Rust's fs::create_dir_all: every missing component, 0777 before the
 * umask; an existing directory (or a link to one) is fine. */
static int create_dir_all(const char *path)
{
	char p[512], *s;
	struct stat st;

	snprintf(p, sizeof(p), "%s", path);
	for (s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;

		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST)
			return -errno;
		if (stat(p, &st) < 0)
			return -errno;
		if (!S_ISDIR(st.st_mode))
			return -ENOTDIR;
		*s = c;
		if (c == '\0')
			return 0;
	}
}

/*
 * kata-sys-util/mount.rs:135 get_linux_mount_info: the first /proc/mounts
 * line whose second field is path; a line that is not exactly six
 * space-separated fields, before it, is an error. 0 (type filled),
 * -ENOENT, or -EINVAL.
 */
static int mount_info(const char *path, char *type, size_t size)
{
	char line[4096], *f[8], *save = NULL, *t;
	int n;
	FILE *m = fopen("/proc/mounts", "re");

	if (!m)
		return -errno;
	while (fgets(line, sizeof(line), m)) {
		line[strcspn(line, "\n")] = '\0';
		/* Rust's split(' '): empty fields count, so count blanks too. */
		n = 1;
		for (t = line; *t; t++)
			n += *t == ' ';
		if (n != 6) {
			fclose(m);
			return -EINVAL;
		}
		n = 0;
		for (t = strtok_r(line, " ", &save); t && n < 8; t = strtok_r(NULL, " ", &save))
			f[n++] = t;
		if (n == 6 && strcmp(f[1], path) == 0) {
			snprintf(type, size, "%s", f[2]);
			fclose(m);
			return 0;
		}
	}
	fclose(m);
	return -ENOENT;
}

/*
 * Rust's std::fs::remove_dir_all (library/std/src/sys/pal/unix/fs.rs
 * remove_dir_all_recursive): depth first, entries in readdir order, no
 * check for mount points, ENOENT ignored, the first other error ends it.
 * *removed counts what it unlinked; where names the path it stopped at.
 */
static int remove_all_at(int pfd, const char *name, const char *path, unsigned *removed,
			 char *where, size_t wsize)
{
	char sub[1024];
	struct dirent *e;
	struct stat st;
	DIR *d;
	int fd, r = 0, isdir;

	fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		if (r == -ENOTDIR || r == -ELOOP) {
			if (unlinkat(pfd, name, 0) < 0 && errno != ENOENT)
				goto fail;
			(*removed)++;
			return 0;
		}
		if (r == -ENOENT)
			return 0;
		errno = -r;
		goto fail;
	}
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		goto fail;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		isdir = e->d_type == DT_DIR;
		if (e->d_type == DT_UNKNOWN)
			isdir = fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
				S_ISDIR(st.st_mode);
		if (isdir) {
			r = remove_all_at(dirfd(d), e->d_name, sub, removed, where, wsize);
		} else if (unlinkat(dirfd(d), e->d_name, 0) < 0 && errno != ENOENT) {
			snprintf(where, wsize, "%s: %s", sub, strerror(errno));
			r = -errno;
		} else {
			(*removed)++;
		}
		if (r < 0) {
			closedir(d);
			return r;
		}
	}
	closedir(d);
	if (unlinkat(pfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		goto fail;
	(*removed)++;
	return 0;
fail:
	r = -errno;
	snprintf(where, wsize, "%s: %s", path, strerror(errno));
	return r;
}

static int remove_dir_all(const char *path, unsigned *removed, char *where, size_t wsize)
{
	struct stat st;

	*removed = 0;
	where[0] = '\0';
	if (lstat(path, &st) < 0) {
		snprintf(where, wsize, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (S_ISLNK(st.st_mode))
		return unlink(path) < 0 ? -errno : 0;
	return remove_all_at(AT_FDCWD, path, path, removed, where, wsize);
}

/* ---- start (main.rs real_main, init mode) ---------------------------- */

/*
 * mount.rs:56 INIT_ROOTFS_MOUNTS, with the options parsed as
 * kata-sys-util/mount.rs:414 parse_mount_options does (flags; no data).
 */
static const struct init_mount {
	const char *fstype, *src, *dest;
	unsigned long flags;
	const char *data;
} init_mounts[] = {
	{ "proc", "proc", "/proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "" },
	{ "sysfs", "sysfs", "/sys", MS_NOSUID | MS_NODEV | MS_NOEXEC, "" },
	{ "devtmpfs", "dev", "/dev", MS_NOSUID, "" },
	{ "tmpfs", "tmpfs", "/dev/shm", MS_NOSUID | MS_NODEV, "" },
	{ "devpts", "devpts", "/dev/pts", MS_NOSUID | MS_NOEXEC, "" },
	{ "tmpfs", "tmpfs", "/run", MS_NOSUID | MS_NODEV, "" },
};

/*
 * mount.rs:133 mount_to_rootfs: create_dir_all(dest), then mount.rs:67
 * baremount, which does nothing when get_linux_mount_info finds dest
 * mounted with the same type (mount.rs:90); a failed mount is an error
 * (the agent stops), except for src "dev" (mount.rs:141).
 */
static void mount_to_rootfs(const char *name, const struct init_mount *m)
{
	char type[64];
	int r;

	r = create_dir_all(m->dest);
	if (r < 0) {
		say(FAIL, name, "could not create directory %s: %s", m->dest, strerror(-r));
		return;
	}
	r = mount_info(m->dest, type, sizeof(type));
	if (r == 0 && strcmp(type, m->fstype) == 0) {
		say(OK, name, "%s already mounted on %s: baremount skips it", type, m->dest);
		return;
	}
	if (mount(m->src, m->dest, m->fstype, m->flags, m->data) == 0) {
		/* Stricter: a mount over the init's own hides what it holds
		 * (for /run: the secrets, initdata and extensions). */
		if (r == 0)
			say(FAIL, name, "stricter: mounted %s over the init's %s on %s", m->fstype, type,
			    m->dest);
		else
			say(OK, name, "mounted %s on %s (%s)", m->fstype, m->dest,
			    r == -EINVAL ? "malformed /proc/mounts line" : "not mounted before");
		return;
	}
	if (strcmp(m->src, "dev") == 0)
		say(OK, name, "mount %s on %s failed (%s): tolerated for \"dev\", mount.rs:141",
		    m->fstype, m->dest, strerror(errno));
	else
		say(FAIL, name, "failed to mount %s to %s: %s", m->src, m->dest, strerror(errno));
}

/* What config.rs AgentConfig::from_cmdline (config.rs:407) reads that the
 * contract depends on. */
static struct agent_config {
	int cgroup_no_v1_all;       /* config.rs:538, only "all" is kept */
	int unified;                /* config.rs:545, get_bool_value */
	int debug_log;              /* agent.log=debug or trace */
	unsigned procs_level;       /* agent.guest_components_procs, main.rs:471 */
	char server_addr[128];      /* config.rs:272 default vsock://-1:1024 */
	char error[256];            /* a parameter from_cmdline refuses (AGENT_CONFIG unwrap) */
} cfg;

/* config.rs:809 get_string_value: name non-empty, value non-empty. */
static const char *string_value(const char *p)
{
	const char *eq = strchr(p, '=');

	if (!eq || eq == p || eq[1] == '\0')
		return NULL;
	return eq + 1;
}

/* config.rs:784 get_bool_value: exactly one '='; "true"/"false", else an
 * integer (non-zero is true), else false. */
static int bool_value(const char *p)
{
	const char *v = strchr(p, '=');
	char *end;
	unsigned long long n;

	if (!v || strchr(v + 1, '='))
		return 0;
	v++;
	if (strcmp(v, "true") == 0)
		return 1;
	if (strcmp(v, "false") == 0)
		return 0;
	if (*v < '0' || *v > '9')
		return 0;
	errno = 0;
	n = strtoull(v, &end, 10);
	return *end == '\0' && errno == 0 && n != 0;
}

static void step_config(void)
{
	static char cmdline[8192];
	const char *name = "start config cgroup v2", *v;
	char *p, *save = NULL;

	memset(&cfg, 0, sizeof(cfg));
	cfg.procs_level = 3; /* config.rs:120 default api-server-rest */
	snprintf(cfg.server_addr, sizeof(cfg.server_addr), "vsock://-1:1024");
	if (readf("/proc/cmdline", cmdline, sizeof(cmdline)) < 0) {
		say(FAIL, name, "cannot read /proc/cmdline: %s", strerror(errno));
		return;
	}
	/* config.rs:423 split_ascii_whitespace */
	for (p = strtok_r(cmdline, " \t\n\r\f", &save); p; p = strtok_r(NULL, " \t\n\r\f", &save)) {
		if (strncmp(p, "agent.config_file=", 18) == 0) {
			/* config.rs:431: the whole configuration then comes from that file. */
			snprintf(cfg.error, sizeof(cfg.error),
				 "%.100s: the agent would read its configuration from that file "
				 "(not modelled)", p);
		} else if (strncmp(p, "cgroup_no_v1=", 13) == 0) {
			v = string_value(p);
			if (!v)
				snprintf(cfg.error, sizeof(cfg.error), "%.100s: no value (AGENT_CONFIG panics)", p);
			else if (strcmp(v, "all") == 0)
				cfg.cgroup_no_v1_all = 1;
		} else if (strncmp(p, "systemd.unified_cgroup_hierarchy=", 33) == 0) {
			cfg.unified = bool_value(p);
		} else if (strncmp(p, "agent.server_addr=", 18) == 0) {
			v = string_value(p);
			if (!v)
				snprintf(cfg.error, sizeof(cfg.error), "%.100s: no value (AGENT_CONFIG panics)", p);
			else
				snprintf(cfg.server_addr, sizeof(cfg.server_addr), "%s", v);
		} else if (strcmp(p, "agent.log=debug") == 0 || strcmp(p, "agent.log=trace") == 0) {
			cfg.debug_log = 1;
		} else if (strncmp(p, "agent.log=", 10) == 0) {
			cfg.debug_log = 0;
		} else if (strncmp(p, "agent.guest_components_procs=", 29) == 0) {
			v = p + 29;
			cfg.procs_level = strcmp(v, "none") == 0 ? 0 :
					  strcmp(v, "attestation-agent") == 0 ? 1 :
					  strcmp(v, "confidential-data-hub") == 0 ? 2 : 3;
		}
	}
	if (cfg.error[0]) {
		say(FAIL, name, "%s", cfg.error);
		return;
	}
	/* main.rs:220 */
	if (!cfg.unified && !cfg.cgroup_no_v1_all) {
		say(FAIL, name, "neither cgroup_no_v1=all nor systemd.unified_cgroup_hierarchy=1 on "
		    "/proc/cmdline: the agent takes the cgroup v1 path (a tmpfs on /sys/fs/cgroup and "
		    "one hierarchy per /proc/cgroups line, mount.rs get_cgroup_mounts)");
		return;
	}
	say(OK, name, "%s", cfg.cgroup_no_v1_all ? "cgroup_no_v1=all" :
	    "systemd.unified_cgroup_hierarchy set");
}

static int cgroup_v2(void)
{
	return cfg.unified || cfg.cgroup_no_v1_all;
}

/* main.rs:782 cgroups_mount -> mount.rs:291, v2: mount.rs:206, one cgroup2
 * mount with relatime (a flag) and nsdelegate (data). */
static void step_cgroups_mount(void)
{
	static const struct init_mount cg2 = {
		"cgroup2", "cgroup2", CGROOT, MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME, "nsdelegate"
	};

	if (!cgroup_v2()) {
		say(FAIL, "start cgroups_mount", "the cgroup v1 path is not modelled (step 7)");
		return;
	}
	mount_to_rootfs("start cgroups_mount v2", &cg2);
}

/* main.rs:790-791: both errors stop the agent. Stricter: /dev/ptmx must
 * then open as a pty master (the point of the link). */
static void step_ptmx(void)
{
	const char *name = "start /dev/ptmx to /dev/pts/ptmx";
	int fd;

	if (unlink("/dev/ptmx") < 0) {
		say(FAIL, name, "remove_file /dev/ptmx: %s", strerror(errno));
		return;
	}
	if (symlink("/dev/pts/ptmx", "/dev/ptmx") < 0) {
		say(FAIL, name, "symlink /dev/ptmx: %s", strerror(errno));
		return;
	}
	fd = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		say(FAIL, name, "stricter: /dev/ptmx -> /dev/pts/ptmx does not open: %s", strerror(errno));
		return;
	}
	close(fd);
	say(OK, name, "removed, linked, opens a pty master");
}

/* main.rs:793: unistd::setsid()? -- EPERM (already a session leader) stops the agent. */
static void step_setsid(void)
{
	pid_t sid = setsid();

	if (sid < 0)
		say(FAIL, "start setsid", "%s (the agent must not lead a session already)", strerror(errno));
	else
		say(OK, "start setsid", "session %d", (int)sid);
}

/* main.rs:796: the result is ignored. */
static void step_tiocsctty(void)
{
	int r = ioctl(0, TIOCSCTTY, 1);

	say(OK, "start TIOCSCTTY on stdin", "result ignored as the agent does: %s",
	    r < 0 ? strerror(errno) : "0");
}

/* main.rs:799 */
static void step_path(void)
{
	if (setenv("PATH", "/bin:/sbin/:/usr/bin/:/usr/sbin/", 1) < 0)
		say(FAIL, "start PATH", "setenv: %s", strerror(errno));
	else
		say(OK, "start PATH", "PATH=/bin:/sbin/:/usr/bin/:/usr/sbin/");
}

/* main.rs:801-808: /etc/hostname's first blank-separated word, or
 * "localhost"; a failed sethostname only warns. */
static void step_hostname(void)
{
	char buf[256] = "localhost", *h, *e;

	if (readf("/etc/hostname", buf, sizeof(buf)) < 0)
		snprintf(buf, sizeof(buf), "localhost");
	buf[strcspn(buf, " ")] = '\0';
	for (h = buf; *h == '\n' || *h == '\t' || *h == '\r'; h++)
		;
	e = h + strlen(h);
	while (e > h && (e[-1] == '\n' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	if (sethostname(h, strlen(h)) < 0)
		say(OK, "start sethostname", "\"%s\" failed (%s): the agent only warns", h, strerror(errno));
	else
		say(OK, "start sethostname", "\"%s\"%s", h,
		    access("/etc/hostname", F_OK) ? " (no /etc/hostname)" : "");
}

/* sandbox.rs:146 Sandbox::new: mount.rs get_mount_fs_type("/") reads
 * /proc/self/mountstats for "device .+ mounted on / with fstype (.+)"
 * (the first match; none stops the agent); "rootfs" means no pivot_root
 * (sandbox.rs:167). */
static int no_pivot_root;

static void step_root_type(void)
{
	const char *name = "start Sandbox new, / fs type", *key = " mounted on / with fstype ";
	char line[1024], *k;
	FILE *f = fopen("/proc/self/mountstats", "re");

	if (!f) {
		say(FAIL, name, "/proc/self/mountstats: %s", strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		k = strstr(line, key);
		if (strncmp(line, "device ", 7) != 0 || !k || k < line + 8 || !k[strlen(key)])
			continue;
		k += strlen(key);
		no_pivot_root = strcmp(k, "rootfs") == 0;
		say(OK, name, "%s: containers %s", k, no_pivot_root ? "move their root (MS_MOVE)" :
		    "pivot_root");
		fclose(f);
		return;
	}
	fclose(f);
	say(FAIL, name, "no \"mounted on / with fstype\" line in /proc/self/mountstats");
}

/* sandbox.rs:169 Handle::new (a NETLINK_ROUTE socket), then main.rs:385
 * -> netlink.rs:250 handle_localhost: "lo" up. Here by SIOCSIFFLAGS, not
 * RTM_NEWLINK: the same flag on the same link. */
static void step_localhost(void)
{
	const char *name = "start handle_localhost lo up";
	struct ifreq ifr;
	int nl, s;

	nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl < 0) {
		say(FAIL, name, "NETLINK_ROUTE socket: %s", strerror(errno));
		return;
	}
	close(nl);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
		say(FAIL, name, "find link lo: %s", strerror(errno));
	} else {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0 ||
		    !(ifr.ifr_flags & IFF_UP))
			say(FAIL, name, "set lo up: %s", strerror(errno));
		else
			say(OK, name, "lo is up");
	}
	if (s >= 0)
		close(s);
}

/*
 * main.rs:389 initialize_policy -> policy/src/policy.rs:93 initialize:
 * with agent.log at debug or trace it first creates /tmp/policy.jsonl
 * (policy.rs:30); then add_policy_from_file(POLICY_FILE), else the agent
 * aborts. Stricter: the file must declare "package agent_policy", the
 * package every request is evaluated in (policy.rs allow_request). Also
 * prints the file's digest for the host (boot case 001).
 */
static void step_policy(void)
{
	static char buf[1 << 20];
	const char *name = "start initialize_policy";
	char hex[65], *p;
	int fd, len, found = 0;

	if (cfg.debug_log) {
		fd = open("/tmp/policy.jsonl", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (fd < 0) {
			say(FAIL, name, "agent.log is debug: /tmp/policy.jsonl: %s", strerror(errno));
			return;
		}
		close(fd);
	}
	len = readf(POLICY_FILE, buf, sizeof(buf));
	if (len <= 0) {
		say(FAIL, name, "%s: %s (the agent aborts)", POLICY_FILE, len < 0 ? strerror(-len) : "empty");
		return;
	}
	sha256_hex((const unsigned char *)buf, (size_t)len, hex);
	printf("sealroot-test: kata policy %s size %d sha256 %s\n", POLICY_FILE, len, hex);
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, "package agent_policy", 20) == 0 && (p[20] == '\n' || p[20] == ' ' ||
								   p[20] == '\0' || p[20] == '\r'))
			found = 1;
	if (!found)
		say(FAIL, name, "stricter: %s declares no \"package agent_policy\"", POLICY_FILE);
	else
		say(OK, name, "%s, %d bytes, package agent_policy", POLICY_FILE, len);
}

/* main.rs:407 watch_uevents -> uevent.rs:179-187: a NETLINK_KOBJECT_UEVENT
 * socket bound to group 1. The agent's task would fail alone; stricter:
 * a FAIL here (no hotplug events means no devices for containers). */
static void step_uevent(void)
{
	struct sockaddr_nl a = { .nl_family = AF_NETLINK, .nl_pid = 0, .nl_groups = 1 };
	int s = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);

	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0)
		say(FAIL, "start uevent socket", "%s", strerror(errno));
	else
		say(OK, "start uevent socket", "NETLINK_KOBJECT_UEVENT bound to group 1");
	if (s >= 0)
		close(s);
}

/* zlib's CRC-32, bit by bit: the gzip trailer's checksum. */
static uint32_t crc32_of(const unsigned char *b, size_t n)
{
	uint32_t c = 0xffffffffu;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		c ^= b[i];
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return c ^ 0xffffffffu;
}

/*
 * main.rs:414 -> initdata.rs:128 initialize_initdata. initdata.rs:59
 * detect_initdata_device: /dev in readdir order, names "vd*" or "sd*",
 * fs::metadata (an error stops the agent), block devices only, opened
 * (an error stops the agent), the first whose first 8 bytes are
 * "initdata". Then create_dir_all(INITDATA_PATH), read_initdata
 * (initdata.rs:104: LE length at 8, that many bytes of gzip at 16,
 * gunzipped), and tokio::fs::write of initdata.toml (initdata.rs:151),
 * aa.toml and cdh.toml (163, 170) into the directory the init filled.
 * Here: the gzip trailer (CRC-32 and length of the document) must match
 * the init's initdata.toml, which is then written again with its own bytes
 * as the agent would; aa.toml and cdh.toml, which the agent rewrites with
 * the same [data] values the init wrote (boot case 010 compares those
 * with Python's tomllib), must open for writing.
 */
static void step_initdata(void)
{
	static unsigned char doc[1 << 20];
	const char *name = "start initialize_initdata";
	char path[300], dev[300] = "", magic[8];
	unsigned char le[8], trailer[8];
	uint64_t len = 0;
	struct dirent *e;
	struct stat st;
	int fd, i, n, r;
	DIR *d = opendir("/dev");

	if (!d) {
		say(FAIL, name, "read_dir /dev: %s", strerror(errno));
		return;
	}
	while (!dev[0] && (e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "vd", 2) != 0 && strncmp(e->d_name, "sd", 2) != 0)
			continue;
		snprintf(path, sizeof(path), "/dev/%s", e->d_name);
		if (stat(path, &st) < 0) {
			say(FAIL, name, "metadata %s: %s", path, strerror(errno));
			closedir(d);
			return;
		}
		if (!S_ISBLK(st.st_mode))
			continue;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			say(FAIL, name, "open %s: %s", path, strerror(errno));
			closedir(d);
			return;
		}
		if (read(fd, magic, 8) == 8 && memcmp(magic, "initdata", 8) == 0)
			snprintf(dev, sizeof(dev), "%s", path);
		close(fd);
	}
	closedir(d);
	if (!dev[0]) {
		say(OK, name, "no initdata device: the agent skips initdata");
		return;
	}
	r = create_dir_all(INITDATA_PATH);
	if (r < 0) {
		say(FAIL, name, "create_dir_all %s: %s", INITDATA_PATH, strerror(-r));
		return;
	}
	fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || pread(fd, le, 8, 8) != 8) {
		say(FAIL, name, "%s: cannot read the length: %s", dev, strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	for (i = 7; i >= 0; i--)
		len = len << 8 | le[i];
	if (len < 18 || len > (1ull << 40) || pread(fd, trailer, 8, (off_t)(16 + len - 8)) != 8 ||
	    pread(fd, magic, 2, 16) != 2 || (unsigned char)magic[0] != 0x1f ||
	    (unsigned char)magic[1] != 0x8b) {
		say(FAIL, name, "%s: no gzip stream of %llu bytes at offset 16", dev,
		    (unsigned long long)len);
		close(fd);
		return;
	}
	close(fd);
	snprintf(path, sizeof(path), "%s/initdata.toml", INITDATA_PATH);
	n = readf(path, (char *)doc, sizeof(doc));
	if (n < 0) {
		say(FAIL, name, "%s found, but the init wrote no %s (%s)", dev, path, strerror(-n));
		return;
	}
	if (crc32_of(doc, (size_t)n) != ((uint32_t)trailer[0] | (uint32_t)trailer[1] << 8 |
					 (uint32_t)trailer[2] << 16 | (uint32_t)trailer[3] << 24) ||
	    (uint32_t)n != ((uint32_t)trailer[4] | (uint32_t)trailer[5] << 8 |
			    (uint32_t)trailer[6] << 16 | (uint32_t)trailer[7] << 24)) {
		say(FAIL, name, "%s holds another document than the init's %s: the agent would "
		    "overwrite it", dev, path);
		return;
	}
	r = write_file(path, doc, (size_t)n);
	if (r < 0) {
		say(FAIL, name, "write %s: %s", path, strerror(-r));
		return;
	}
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", INITDATA_PATH, i ? "cdh.toml" : "aa.toml");
		if (access(path, F_OK) < 0)
			continue;
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			say(FAIL, name, "%s cannot be rewritten: %s", path, strerror(errno));
			return;
		}
		close(fd);
	}
	say(OK, name, "%s: the same %d-byte document as the init's; initdata.toml rewritten "
	    "unchanged, aa.toml/cdh.toml writable", dev, n);
}

/*
 * main.rs:417 build_coco_launch_plan and main.rs:634
 * attestation_components_available. With /run/kata-extensions/coco
 * present (guest_extension_image.rs:165 load_manifest) its
 * etc/kata-extensions/components.toml must exist (guest_extension_image.rs:177)
 * with schema_version = 1 (:200), and main.rs:487 resolve_component_path
 * needs its [paths] "ocicrypt-config" (guest_extension_image.rs:211):
 * any miss stops the agent. [[process]] tables are not checked here.
 * Without it, main.rs:551 builtin_coco_plan: the binaries under
 * /usr/local/bin up to agent.guest_components_procs; a missing one only
 * warns (nothing is launched).
 */
/* Whether the launch plan starts a confidential-data-hub, which guest pull
 * needs (step_pull). */
static int cdh_launched;

static void step_launch_plan(void)
{
	static char toml[65536];
	static const char *const bins[] = {
		"/usr/local/bin/attestation-agent", "/usr/local/bin/confidential-data-hub",
		"/usr/local/bin/api-server-rest",
	};
	const char *name = "start guest components launch plan";
	const char *manifest = "/run/kata-extensions/coco/etc/kata-extensions/components.toml";
	char *line, *save = NULL, *s;
	int schema = 0, in_paths = 0, ocicrypt = 0, top = 1;
	unsigned i, processes = 0;
	struct stat st;

	if (stat("/run/kata-extensions/coco", &st) < 0) {
		for (i = 0; i < cfg.procs_level && i < 3; i++)
			if (access(bins[i], F_OK) < 0)
				break;
		if (i < cfg.procs_level)
			say(OK, name, "no coco extension; %s not found: the agent warns and launches nothing",
			    bins[i]);
		else
			say(OK, name, "no coco extension; the rootfs has the %u components", i);
		cdh_launched = i >= cfg.procs_level && cfg.procs_level >= 2;
		return;
	}
	if (readf(manifest, toml, sizeof(toml)) < 0) {
		say(FAIL, name, "extension 'coco' is mounted but %s is missing: %s", manifest,
		    strerror(errno));
		return;
	}
	/* The few TOML lines the decision depends on (not a TOML parser). */
	for (line = strtok_r(toml, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		for (s = line; *s == ' ' || *s == '\t'; s++)
			;
		if (*s == '[') {
			top = 0;
			in_paths = strncmp(s, "[paths]", 7) == 0;
			processes += strncmp(s, "[[process]]", 11) == 0;
			continue;
		}
		if (top && strncmp(s, "schema_version", 14) == 0) {
			s += 14 + strspn(s + 14, " \t");
			if (*s == '=') {
				s++;
				s += strspn(s, " \t");
				schema = s[0] == '1' && (s[1] == '\0' || strchr(" \t#\r", s[1]));
			}
		}
		if (processes > 0 && strstr(s, "confidential-data-hub"))
			cdh_launched = 1;
		if (in_paths && (strncmp(s, "\"ocicrypt-config\"", 17) == 0 ||
				 (strncmp(s, "ocicrypt-config", 15) == 0 && strchr(" \t=", s[15]))))
			ocicrypt = 1;
	}
	if (!schema)
		say(FAIL, name, "%s: no schema_version = 1", manifest);
	else if (!ocicrypt)
		say(FAIL, name, "%s: component 'ocicrypt-config' not found in [paths] "
		    "(main.rs:487 resolve_component_path fails, the agent stops)", manifest);
	else
		say(OK, name, "coco manifest schema 1 with ocicrypt-config; %u [[process]] tables "
		    "not checked", processes);
}

/*
 * main.rs:457 rpc::start -> rpc.rs:2095 TtrpcServer::bind(server_addr),
 * then server.start(): an AF_VSOCK stream socket bound to the configured
 * CID and port (vsock://-1:1024: VMADDR_CID_ANY), listening. Done only
 * where a guest-to-host transport exists (/dev/vsock reports a guest CID,
 * 3 or more): the guest of a boot case has none unless QEMU got a
 * vhost-vsock device (tests/lib/kata-shape.sh ks_vsock). The loopback
 * transport alone would let the listen succeed with no host to reach it.
 */
static void step_vsock(void)
{
	const char *name = "start ttRPC listen vsock";
	struct sockaddr_vm a = { .svm_family = AF_VSOCK };
	unsigned int cid = VMADDR_CID_ANY, port = 0;
	long c;
	char *end;
	int fd, s;

	if (strncmp(cfg.server_addr, "vsock://", 8) != 0) {
		say(FAIL, name, "agent.server_addr %s is not vsock:// (not modelled)", cfg.server_addr);
		return;
	}
	c = strtol(cfg.server_addr + 8, &end, 10);
	if (*end != ':' || (port = (unsigned)strtoul(end + 1, &end, 10)) == 0 || *end) {
		say(FAIL, name, "cannot parse %s", cfg.server_addr);
		return;
	}
	fd = open("/dev/vsock", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		say(SKIP, name, "no /dev/vsock (%s)", strerror(errno));
		return;
	}
	/* A guest's CID is 3 or more; ANY: no transport, 1 (VMADDR_CID_LOCAL):
	 * the loopback transport alone. */
	if (ioctl(fd, IOCTL_VM_SOCKETS_GET_LOCAL_CID, &cid) < 0 || cid == VMADDR_CID_ANY ||
	    cid <= VMADDR_CID_HOST) {
		close(fd);
		say(SKIP, name, "no vsock device: /dev/vsock reports local CID %d, no guest CID",
		    (int)cid);
		return;
	}
	close(fd);
	a.svm_cid = c < 0 ? VMADDR_CID_ANY : (unsigned int)c;
	a.svm_port = port;
	s = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 10) < 0)
		say(FAIL, name, "%s: %s", cfg.server_addr, strerror(errno));
	else
		say(OK, name, "listening on %s, local CID %u", cfg.server_addr, cid);
	if (s >= 0)
		close(s);
}

/* ---- CreateSandbox (rpc.rs:1528 create_sandbox) ----------------------- */

/* rpc.rs:1539-1540: both results ignored. Stricter: CONTAINER_BASE must be
 * a directory afterwards (every later step writes there). Where the remove
 * stopped (a mount point below, EBUSY) is reported. */
static void step_reset_base(void)
{
	const char *name = "CreateSandbox reset " CONTAINER_BASE;
	char where[1200];
	unsigned removed;
	struct stat st;
	int r = 0;

	removed = 0;
	where[0] = '\0';
	if (access(CONTAINER_BASE, F_OK) == 0)
		r = remove_dir_all(CONTAINER_BASE, &removed, where, sizeof(where));
	create_dir_all(CONTAINER_BASE);
	if (stat(CONTAINER_BASE, &st) < 0 || !S_ISDIR(st.st_mode))
		say(FAIL, name, "stricter: no directory %s after create_dir_all", CONTAINER_BASE);
	else if (r < 0)
		say(OK, name, "removed %u entries, stopped at %s (ignored, rpc.rs:1539)", removed, where);
	else
		say(OK, name, "removed %u entries, recreated", removed);
}

struct ns_job {
	int flag;
	const char *type, *dest, *host;
	char err[256];
};

/* namespace.rs:100-135, on a thread of its own: unshare the one namespace,
 * sethostname for uts, bind-mount /proc/<pid>/task/<tid>/ns/<type> onto the
 * file (baremount with type "none", MS_BIND | MS_REC). */
static void *ns_thread(void *arg)
{
	struct ns_job *j = arg;
	char src[128], type[64];
	int fd;

	snprintf(src, sizeof(src), "/proc/%d/task/%ld/ns/%s", (int)getpid(),
		 (long)syscall(SYS_gettid), j->type);
	fd = open(src, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(j->err, sizeof(j->err), "open %s: %s", src, strerror(errno));
		return NULL;
	}
	close(fd);
	if (unshare(j->flag) < 0) {
		snprintf(j->err, sizeof(j->err), "unshare %s: %s", j->type, strerror(errno));
		return NULL;
	}
	if (j->host && sethostname(j->host, strlen(j->host)) < 0) {
		snprintf(j->err, sizeof(j->err), "sethostname: %s", strerror(errno));
		return NULL;
	}
	if (mount_info(j->dest, type, sizeof(type)) == 0 && strcmp(type, "none") == 0)
		return NULL;
	if (mount(src, j->dest, "none", MS_BIND | MS_REC, "") < 0)
		snprintf(j->err, sizeof(j->err), "Failed to mount %s to %s: %s", src, j->dest,
			 strerror(errno));
	return NULL;
}

/* sandbox.rs:250 setup_shared_namespaces -> namespace.rs:82 setup:
 * create_dir_all(NS_DIR), File::create(NS_DIR/<type>), the thread above.
 * Stricter: the file must be on tmpfs (as /run is) and afterwards be a
 * namespace other than the agent's. */
static void step_shared_ns(const char *type, int flag, const char *host)
{
	char name[64], dest[128], own[128], legacy[200] = "";
	struct ns_job j = { .flag = flag, .type = type, .host = host };
	struct stat a, b;
	struct statfs sf;
	pthread_t t;
	int fd, r;

	snprintf(name, sizeof(name), "CreateSandbox shared %s namespace", type);
	snprintf(dest, sizeof(dest), NS_DIR "/%s", type);
	j.dest = dest;
	r = create_dir_all(NS_DIR);
	if (r < 0) {
		say(FAIL, name, "create_dir_all %s: %s", NS_DIR, strerror(-r));
		return;
	}
	fd = open(dest, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		say(FAIL, name, "File::create %s: %s", dest, strerror(errno));
		return;
	}
	r = fstatfs(fd, &sf);
	close(fd);
	if (r < 0 || (unsigned long)sf.f_type != TMPFS_MAGIC) {
		say(FAIL, name, "stricter: %s is not on tmpfs", dest);
		return;
	}
	if (strcmp(type, "ipc") == 0)
		snprintf(legacy, sizeof(legacy), "sealroot-test: kata %s created on tmpfs\n", dest);
	if (pthread_create(&t, NULL, ns_thread, &j) != 0 || pthread_join(t, NULL) != 0) {
		say(FAIL, name, "thread: %s", strerror(errno));
		return;
	}
	if (j.err[0]) {
		say(FAIL, name, "%s", j.err);
		return;
	}
	snprintf(own, sizeof(own), "/proc/self/ns/%s", type);
	if (statfs(dest, &sf) < 0 || (unsigned long)sf.f_type != NSFS_MAGIC || stat(dest, &a) < 0 ||
	    stat(own, &b) < 0 || a.st_ino == b.st_ino) {
		say(FAIL, name, "stricter: %s is not a new %s namespace", dest, type);
		return;
	}
	fputs(legacy, stdout);
	say(OK, name, "%s holds a new %s namespace%s%s", dest, type, host ? ", hostname " : "",
	    host ? host : "");
}

/* rpc.rs:1575 setup_guest_dns -> network.rs:41 do_setup_guest_dns. The
 * agent does nothing when /etc/resolv.conf is missing; stricter: a FAIL
 * (the pod would get no DNS). A directory there stops the agent. */
static void step_dns(void)
{
	const char *name = "CreateSandbox guest DNS";
	char got[128];
	struct stat st;
	int r;

	if (stat("/etc/resolv.conf", &st) < 0) {
		say(FAIL, name, "stricter: no /etc/resolv.conf, so the pod gets no DNS");
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		say(FAIL, name, "/etc/resolv.conf is a directory");
		return;
	}
	r = create_dir_all(CONTAINER_BASE "/sandbox");
	if (r == 0)
		r = write_file(SANDBOX_DNS, DNS_LINE, strlen(DNS_LINE));
	if (r < 0) {
		say(FAIL, name, "write %s: %s", SANDBOX_DNS, strerror(-r));
		return;
	}
	if (mount(SANDBOX_DNS, "/etc/resolv.conf", "bind", MS_BIND, NULL) < 0) {
		say(FAIL, name, "failed to setup guest DNS: %s", strerror(errno));
		return;
	}
	if (readf("/etc/resolv.conf", got, sizeof(got)) < 0 || strcmp(got, DNS_LINE) != 0) {
		say(FAIL, name, "/etc/resolv.conf does not show the pod's DNS");
		return;
	}
	printf("sealroot-test: kata /etc/resolv.conf bind-mounted\n");
	say(OK, name, "%s bind-mounted over /etc/resolv.conf", SANDBOX_DNS);
}

/* rpc.rs:1724 copy_file -> rpc.rs:2321 do_copy_file, as the runtime sends
 * a container's hostname file when the guest shares no file system:
 * create_dir_all(SHARE_DIR), remove what is there, create the file with
 * the request's mode, chown to its uid and gid. */
static void step_copy_file(void)
{
	const char *name = "CopyFile hostname", *path = SHARE_DIR "/" CID_FS "-hostname";
	int fd, r = create_dir_all(SHARE_DIR);

	if (r < 0) {
		say(FAIL, name, "create_dir_all %s: %s", SHARE_DIR, strerror(-r));
		return;
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		say(FAIL, name, "remove %s: %s", path, strerror(errno));
		return;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, HOSTNAME "\n", sizeof(HOSTNAME)) != (ssize_t)sizeof(HOSTNAME) ||
	    fchown(fd, 0, 0) < 0) {
		say(FAIL, name, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	say(OK, name, "%s", path);
}

/* ---- CreateContainer (rpc.rs:247 do_create_container) ----------------- */

struct ctr {
	const char *form, *cid, *cgroups_path;
	char cpath[256];   /* the cgroupfs path the agent derives */
	char cgdir[512];   /* its directory under CGROOT */
	char root[256];    /* CONTAINER_BASE/<cid>: bundle and container root */
	char rootfs[300];
	char layer[300], upper[300], work[300];
	int bpf;           /* the device program is attached */
};

static int devcg_inited; /* sandbox.rs devcg_info, shared by the sandbox's containers */

static void name_of(char *out, size_t size, const struct ctr *c, const char *what)
{
	snprintf(out, size, "CreateContainer %s %s", c->form, what);
}

/*
 * Storage of a guest-pulled image: image_pull_handler.rs:70 bundle path
 * CONTAINER_BASE/<cid>, confidential_data_hub/mod.rs:185 pull_image
 * create_dir_all(bundle), then the CDH (image-rs, out of the agent) unpacks
 * the layers under IMAGE_WORK_DIR and mounts the container's root at
 * <bundle>/rootfs. Stand-in for the CDH: one layer directory, an overlay
 * with its upper and work directories under IMAGE_WORK_DIR (on the scratch
 * disk when the init mounted one there), mounted at <bundle>/rootfs.
 */
static void step_pull(struct ctr *c)
{
	char name[96], opts[1024];
	int r;

	name_of(name, sizeof(name), c, "guest-pull rootfs");
	snprintf(c->root, sizeof(c->root), CONTAINER_BASE "/%s", c->cid);
	snprintf(c->rootfs, sizeof(c->rootfs), "%s/rootfs", c->root);
	snprintf(c->layer, sizeof(c->layer), IMAGE_WORK_DIR "/sealroot-contract/%s/layer", c->cid);
	snprintf(c->upper, sizeof(c->upper), IMAGE_WORK_DIR "/sealroot-contract/%s/fs", c->cid);
	snprintf(c->work, sizeof(c->work), IMAGE_WORK_DIR "/sealroot-contract/%s/work", c->cid);
	r = create_dir_all(c->root);
	if (r == 0)
		r = create_dir_all(c->rootfs);
	if (r < 0) {
		say(FAIL, name, "create_dir_all %s: %s", c->rootfs, strerror(-r));
		return;
	}
	snprintf(opts, sizeof(opts), "%s/etc", c->layer);
	if ((r = create_dir_all(opts)) < 0 || (r = create_dir_all(c->upper)) < 0 ||
	    (r = create_dir_all(c->work)) < 0) {
		say(FAIL, name, "image work directory %s: %s", IMAGE_WORK_DIR, strerror(-r));
		return;
	}
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s", c->layer, c->upper, c->work);
	if (mount("overlay", c->rootfs, "overlay", 0, opts) < 0) {
		say(FAIL, name, "overlay on %s: %s", c->rootfs, strerror(errno));
		return;
	}
	/* Without a CDH the agent's pull (confidential_data_hub/mod.rs:185
	 * over the CDH's socket) fails: the stand-in root only lets the
	 * later steps run. Not ok, so no case passes on a guest that could
	 * not pull. */
	if (!cdh_launched)
		say(SKIP, name, "no confidential-data-hub in the launch plan, so the agent's guest "
		    "pull would fail; an overlay from %s stands in on %s for the next steps",
		    IMAGE_WORK_DIR, c->rootfs);
	else
		say(OK, name, "overlay from %s on %s", IMAGE_WORK_DIR, c->rootfs);
}

/* The OCI spec of the request, as the Go runtime sends it after
 * kata_agent.go constrainGRPCSpec (network, cgroup and time namespaces
 * dropped, the other paths emptied) and rpc.rs:2115
 * update_container_namespaces (ipc and uts: the sandbox's, a new pid). */
static int spec_json(const struct ctr *c, char *out, size_t size)
{
	return snprintf(out, size,
		"{\"ociVersion\":\"1.1.0\",\"process\":{\"args\":[\"/pause\"],\"cwd\":\"/\"},"
		"\"root\":{\"path\":\"%s\",\"readonly\":false},\"hostname\":\"%s\","
		"\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\","
		"\"options\":[\"nosuid\",\"noexec\",\"nodev\"]},"
		"{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
		"\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
		"{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\","
		"\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"ro\"]},"
		"{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\","
		"\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"relatime\",\"ro\"]}],"
		"\"linux\":{\"cgroupsPath\":\"%s\",\"resources\":{\"devices\":[{\"allow\":false,"
		"\"access\":\"rwm\"}],\"cpu\":{\"shares\":2},\"memory\":{}},"
		"\"namespaces\":[{\"type\":\"ipc\",\"path\":\"" NS_DIR "/ipc\"},"
		"{\"type\":\"uts\",\"path\":\"" NS_DIR "/uts\"},{\"type\":\"mount\"},{\"type\":\"pid\"}]}}\n",
		c->rootfs, HOSTNAME, c->cgroups_path);
}

/* rpc.rs:348 -> rpc.rs:2515 setup_bundle: the root (from the pull) exists,
 * so no bind mount; config.json saved (the agent ignores a failed save,
 * rpc.rs:2550; stricter: a FAIL); chdir into the bundle and back. */
static void step_bundle(struct ctr *c)
{
	char name[96], path[512], json[4096], cwd[512];
	int r, n;

	name_of(name, sizeof(name), c, "bundle");
	if (access(c->rootfs, F_OK) < 0) {
		say(FAIL, name, "%s: %s (no bind source modelled)", c->rootfs, strerror(errno));
		return;
	}
	n = spec_json(c, json, sizeof(json));
	snprintf(path, sizeof(path), "%s/config.json", c->root);
	r = n > 0 && (size_t)n < sizeof(json) ? write_file(path, json, (size_t)n) : -ENOSPC;
	if (r < 0) {
		say(FAIL, name, "stricter: cannot save %s: %s", path, strerror(-r));
		return;
	}
	if (!getcwd(cwd, sizeof(cwd)) || chdir(c->root) < 0 || chdir(cwd) < 0) {
		say(FAIL, name, "chdir %s: %s", c->root, strerror(errno));
		return;
	}
	say(OK, name, "%s, rootfs %s", path, c->rootfs);
}

/* rpc.rs:363: in init mode the agent never uses the systemd driver, and
 * rustjail/container.rs:1779 replaces every ':' with '/', so
 * "slice:prefix:name" becomes the relative cgroupfs path
 * "slice/prefix/name". Outside init mode a systemd-form path
 * (container.rs:219 SYSTEMD_CGROUP_PATH_FORMAT) means systemd over D-Bus,
 * which the guest lacks. */
static void step_cgroups_path(struct ctr *c)
{
	char name[96], *p;
	int systemd_form = strchr(c->cgroups_path, ':') != NULL;

	name_of(name, sizeof(name), c, "cgroupsPath");
	snprintf(c->cpath, sizeof(c->cpath), "%s", c->cgroups_path);
	for (p = c->cpath; *p; p++)
		if (*p == ':')
			*p = '/';
	/* rustjail/cgroups/fs/mod.rs:1068 new_cgroup: the leading '/' trimmed. */
	snprintf(c->cgdir, sizeof(c->cgdir), CGROOT "/%s", c->cpath + strspn(c->cpath, "/"));
	if (systemd_form && getpid() != 1) {
		say(FAIL, name, "not init mode (pid %d): %s would take the systemd driver (D-Bus)",
		    (int)getpid(), c->cgroups_path);
		return;
	}
	say(OK, name, "%s -> cgroupfs %s", c->cgroups_path, c->cpath);
}

/* rustjail/container.rs:1732 LinuxContainer::new: validator.rs:36 (the
 * root path absolute, existing, no link in it), create_dir_all and chown
 * of CONTAINER_BASE/<cid> (container.rs:1746, 1754). */
static void step_container_dir(struct ctr *c)
{
	char name[96], real[PATH_MAX];
	int r;

	name_of(name, sizeof(name), c, "container dir");
	if (!realpath(c->rootfs, real) || strcmp(real, c->rootfs) != 0) {
		say(FAIL, name, "validator: %s is not its canonical path (%s)", c->rootfs,
		    real[0] ? real : strerror(errno));
		return;
	}
	r = create_dir_all(c->root);
	if (r < 0 || chown(c->root, getuid(), getgid()) < 0) {
		say(FAIL, name, "%s: %s", c->root, strerror(r < 0 ? -r : errno));
		return;
	}
	say(OK, name, "%s", c->root);
}

/* cgroups-rs hierarchies::auto(): v2 when /sys/fs/cgroup is cgroup2. */
static int is_cgroup2(void)
{
	struct statfs sf;

	return statfs(CGROOT, &sf) == 0 && (unsigned long)sf.f_type == CGROUP2_SUPER_MAGIC;
}

/* Whether the blank-separated list has the word w. */
static int has_word(const char *list, const char *w)
{
	size_t n = strlen(w);
	const char *p;

	for (p = list; (p = strstr(p, w)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' ' || p[n] == '\n'))
			return 1;
	return 0;
}

/* cgroups-rs enable_controllers: "+<c>" into dir/cgroup.subtree_control
 * for each controller, every result ignored. The ones that did not take
 * are added to *missed (reported, not failed: the resources step says
 * what the agent needs). */
static void enable_controllers(const char *dir, const char *ctl, char *missed, size_t msize)
{
	char copy[256], file[600], want[64], got[256] = "", *c, *save = NULL;

	snprintf(file, sizeof(file), "%s/cgroup.subtree_control", dir);
	snprintf(copy, sizeof(copy), "%s", ctl);
	for (c = strtok_r(copy, " ", &save); c; c = strtok_r(NULL, " ", &save)) {
		snprintf(want, sizeof(want), "+%s", c);
		writef(file, want);
	}
	readf(file, got, sizeof(got));
	snprintf(copy, sizeof(copy), "%s", ctl);
	for (c = strtok_r(copy, " ", &save); c; c = strtok_r(NULL, " ", &save))
		if (!has_word(got, c) && !has_word(missed, c) && strlen(missed) + strlen(c) + 2 < msize)
			strcat(strcat(missed, missed[0] ? " " : ""), c);
}

/*
 * cgroups-rs fs/cgroup.rs create_v2_cgroup (Cgroup::new and create, as the
 * agent calls them: rustjail/cgroups/fs/mod.rs:1132 and 1152): the
 * controllers are CGROOT/cgroup.controllers; they are enabled in CGROOT,
 * then each element of path is created (create_dir_all) and enabled in,
 * except the last.
 */
static int create_v2_cgroup(const char *path, char *missed, size_t msize)
{
	char ctl[256] = "", dir[512], p[256], *el[32], *save = NULL, *t;
	int n = 0, i, r;

	missed[0] = '\0';
	readf(CGROOT "/cgroup.controllers", ctl, sizeof(ctl));
	ctl[strcspn(ctl, "\n")] = '\0';
	snprintf(p, sizeof(p), "%s", path + strspn(path, "/"));
	for (t = strtok_r(p, "/", &save); t && n < 32; t = strtok_r(NULL, "/", &save))
		el[n++] = t;
	snprintf(dir, sizeof(dir), CGROOT);
	enable_controllers(dir, ctl, missed, msize);
	for (i = 0; i < n; i++) {
		if (strlen(dir) + strlen(el[i]) + 2 > sizeof(dir))
			return -ENAMETOOLONG;
		strcat(strcat(dir, "/"), el[i]);
		r = create_dir_all(dir);
		if (r < 0)
			return r;
		if (i < n - 1)
			enable_controllers(dir, ctl, missed, msize);
	}
	return 0;
}

/* rustjail/cgroups/fs/mod.rs:1080 Manager::new, the pod part: the parent
 * of cpath is created (:1132) when the sandbox's device cgroup is not set
 * up yet, then setup_devcg_whitelist (:1135), whose cgroup.apply is a
 * no-op on v2: cgroups-rs's V2::subsystems has no devices controller. */
static void step_pod_cgroup(struct ctr *c)
{
	char name[96], pod[256], missed[128], *slash;
	int r;

	name_of(name, sizeof(name), c, "pod cgroup");
	if (!is_cgroup2()) {
		say(FAIL, name, "%s is not cgroup2: cgroups-rs would take v1", CGROOT);
		return;
	}
	snprintf(pod, sizeof(pod), "%s", c->cpath);
	slash = strrchr(pod, '/');
	if (!slash || slash == pod) {
		say(OK, name, "%s has no parent: no pod cgroup", c->cpath);
		return;
	}
	*slash = '\0';
	if (devcg_inited) {
		say(OK, name, "the sandbox's device cgroup is set up: %s is only loaded "
		    "(new_cgroup creates it)", pod);
		return;
	}
	r = create_v2_cgroup(pod, missed, sizeof(missed));
	if (r < 0) {
		say(FAIL, name, "Create pod cgroup %s: %s", pod, strerror(-r));
		return;
	}
	devcg_inited = 1;
	say(OK, name, "%s created%s%s; device whitelist: no-op on v2", pod,
	    missed[0] ? ", not enabled: " : "", missed);
}

/* rustjail/cgroups/fs/mod.rs:1152 new_cgroup(cpath): create_v2_cgroup. */
static void step_container_cgroup(struct ctr *c)
{
	char name[96], missed[128];
	struct stat st;
	int r;

	name_of(name, sizeof(name), c, "container cgroup");
	r = create_v2_cgroup(c->cpath, missed, sizeof(missed));
	if (r < 0 || stat(c->cgdir, &st) < 0) {
		say(FAIL, name, "%s: %s", c->cgdir, strerror(r < 0 ? -r : errno));
		return;
	}
	say(OK, name, "%s%s%s", c->cgdir, missed[0] ? ", not enabled: " : "", missed);
}

/* ---- the device program (stricter than the agent) -------------------- */

struct prog {
	struct bpf_insn insn[64];
	int n;
};

static int emit(struct prog *p, __u8 code, __u8 dst, __u8 src, __s16 off, __s32 imm)
{
	struct bpf_insn *i = &p->insn[p->n];

	memset(i, 0, sizeof(*i));
	i->code = code;
	i->dst_reg = dst & 0xf;
	i->src_reg = src & 0xf;
	i->off = off;
	i->imm = imm;
	return p->n++;
}

/*
 * A BPF_PROG_TYPE_CGROUP_DEVICE allow-list of the devices the agent's v1
 * whitelist allows (rustjail/container.rs DEFAULT_DEVICES and
 * rustjail/cgroups/fs/mod.rs:632 DEFAULT_ALLOWED_DEVICES): mknod of any
 * char or block device; read, write and mknod of /dev/null, zero, full,
 * tty, urandom, random, console, ptmx, net/tun and /dev/pts/N; everything
 * else denied. The agent at 7c6ba40c attaches nothing on cgroup v2 (its
 * device rules go through cgroups-rs, whose v2 hierarchy has no devices
 * controller; kata-containers PR 7531 names the limit), so this step is
 * stricter: it shows the guest kernel can hold one, as runc's does.
 */
static void step_device_bpf(struct ctr *c)
{
	static const struct { int major, minor; } allow[] = {
		{ 1, 3 }, { 1, 5 }, { 1, 7 }, { 5, 0 }, { 1, 9 }, { 1, 8 },
		{ 5, 1 }, { 136, -1 }, { 5, 2 }, { 10, 200 },
	};
	static char log[4096];
	char name[96];
	struct prog p = { .n = 0 };
	int ja[16], nja = 0, jdeny, i, k, deny, allow_at, pfd, cfd;
	union bpf_attr a;

	name_of(name, sizeof(name), c, "device cgroup bpf");
	/* r2 = access_type; r3 = access (r2 >> 16); r2 = type (r2 & 0xffff) */
	emit(&p, BPF_LDX | BPF_MEM | BPF_W, 2, 1, 0, 0);
	emit(&p, BPF_ALU64 | BPF_MOV | BPF_X, 3, 2, 0, 0);
	emit(&p, BPF_ALU | BPF_RSH | BPF_K, 3, 0, 0, 16);
	emit(&p, BPF_ALU | BPF_AND | BPF_K, 2, 0, 0, 0xffff);
	emit(&p, BPF_LDX | BPF_MEM | BPF_W, 4, 1, 4, 0);     /* major */
	emit(&p, BPF_LDX | BPF_MEM | BPF_W, 5, 1, 8, 0);     /* minor */
	ja[nja++] = emit(&p, BPF_JMP | BPF_JEQ | BPF_K, 3, 0, 0, BPF_DEVCG_ACC_MKNOD);
	jdeny = emit(&p, BPF_JMP | BPF_JNE | BPF_K, 2, 0, 0, BPF_DEVCG_DEV_CHAR);
	for (i = 0; i < (int)(sizeof(allow) / sizeof(allow[0])); i++) {
		if (allow[i].minor < 0) {
			emit(&p, BPF_JMP | BPF_JNE | BPF_K, 4, 0, 1, allow[i].major);
		} else {
			emit(&p, BPF_JMP | BPF_JNE | BPF_K, 4, 0, 2, allow[i].major);
			emit(&p, BPF_JMP | BPF_JNE | BPF_K, 5, 0, 1, allow[i].minor);
		}
		ja[nja++] = emit(&p, BPF_JMP | BPF_JA, 0, 0, 0, 0);
	}
	deny = emit(&p, BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0);
	emit(&p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	allow_at = emit(&p, BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1);
	emit(&p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	p.insn[jdeny].off = (__s16)(deny - jdeny - 1);
	for (k = 0; k < nja; k++)
		p.insn[ja[k]].off = (__s16)(allow_at - ja[k] - 1);

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (__u64)(uintptr_t)p.insn;
	a.insn_cnt = (__u32)p.n;
	a.license = (__u64)(uintptr_t)"Apache-2.0";
	a.log_buf = (__u64)(uintptr_t)log;
	a.log_size = sizeof(log);
	a.log_level = 1;
	pfd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
	if (pfd < 0) {
		log[sizeof(log) - 1] = '\0';
		say(FAIL, name, "BPF_PROG_LOAD: %s: %.200s", strerror(errno), log);
		return;
	}
	cfd = open(c->cgdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	memset(&a, 0, sizeof(a));
	a.target_fd = (__u32)cfd;
	a.attach_bpf_fd = (__u32)pfd;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = BPF_F_ALLOW_MULTI;
	if (cfd < 0 || syscall(SYS_bpf, BPF_PROG_ATTACH, &a, sizeof(a)) < 0) {
		say(FAIL, name, "BPF_PROG_ATTACH to %s: %s", c->cgdir, strerror(errno));
	} else {
		c->bpf = 1;
		say(OK, name, "stricter than the agent (nothing on v2): a %d-instruction allow-list "
		    "attached to %s", p.n, c->cgdir);
	}
	if (cfd >= 0)
		close(cfd);
	close(pfd);
}

/*
 * rustjail/cgroups/fs/mod.rs set (container.rs:1653 cm.set) for the
 * besteffort spec above: cpu.shares 2 -> set_cpu_resources (:440), which
 * unwraps the cpuset controller (:443) and the cpu controller (:455) and
 * writes cpu.weight = convert_shares_to_v2_value(2) = 1 (:1380); memory {}
 * -> set_memory_resources, which unwraps the memory controller (:479), as
 * the container's destroy does (get_pids, :226). cgroups-rs lists a v2
 * controller only if CGROOT/cgroup.controllers names it, so a missing one
 * is a panic in the agent. (The fs manager's set and apply may come in
 * either order, container.rs:1643; the process joins in the next step.)
 */
static void step_resources(struct ctr *c)
{
	static const char *const need[] = { "cpuset", "cpu", "memory" };
	char name[96], ctl[256], want[32], path[600], miss[64] = "";
	unsigned i;
	int r;

	name_of(name, sizeof(name), c, "resources");
	if (readf(CGROOT "/cgroup.controllers", ctl + 1, sizeof(ctl) - 2) < 0)
		ctl[1] = '\0';
	ctl[0] = ' ';
	ctl[strcspn(ctl, "\n")] = '\0';
	strcat(ctl, " ");
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		snprintf(want, sizeof(want), " %s ", need[i]);
		if (!strstr(ctl, want))
			strcat(strcat(miss, miss[0] ? "," : ""), need[i]);
	}
	if (miss[0]) {
		say(FAIL, name, "%s/cgroup.controllers (\"%s\") lacks %s: the agent's "
		    "controller_of().unwrap() panics", CGROOT, ctl + 1, miss);
		return;
	}
	snprintf(path, sizeof(path), "%s/cpu.weight", c->cgdir);
	r = writef(path, "1");
	if (r < 0) {
		say(FAIL, name, "write %s: %s", path, strerror(-r));
		return;
	}
	say(OK, name, "controllers cpuset, cpu, memory present; cpu.weight 1");
}

/* What the container's first process checks, then exits 0 (or writes why
 * not to efd and exits 1). */
static void child_fail(int efd, const char *what)
{
	char msg[300];
	int n = snprintf(msg, sizeof(msg), "%s: %s", what, strerror(errno));

	if (write(efd, msg, (size_t)n) < 0)
		_exit(2);
	_exit(1);
}

static int first_block_device(char *out, size_t size)
{
	struct dirent *e;
	struct stat st;
	DIR *d = opendir("/dev");

	while (d && (e = readdir(d)) != NULL) {
		snprintf(out, size, "/dev/%s", e->d_name);
		if (lstat(out, &st) == 0 && S_ISBLK(st.st_mode)) {
			closedir(d);
			return 0;
		}
	}
	if (d)
		closedir(d);
	return -1;
}

/* rustjail/mount.rs rootfs_parent_mount_private: the mount holding the
 * root, made private when it is shared. */
static void parent_mount_private(const char *rootfs)
{
	char line[4096], best[512] = "", mp[512];
	size_t bestlen = 0;
	int shared = 0;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %*s %*s %*s %511s", mp) != 1)
			continue;
		if (strncmp(rootfs, mp, strlen(mp)) == 0 && strlen(mp) > bestlen) {
			bestlen = strlen(mp);
			snprintf(best, sizeof(best), "%s", mp);
			shared = strstr(line, " shared:") != NULL &&
				 strstr(line, " shared:") < strstr(line, " - ");
		}
	}
	if (f)
		fclose(f);
	if (shared)
		mount(NULL, best, NULL, MS_PRIVATE, NULL);
}

static void container_init(const struct ctr *c, int gofd, int efd)
{
	char buf[512], want[300], blk[300], dst[400];
	int fd, oldroot, newroot;
	char go;

	if (read(gofd, &go, 1) != 1 || go != 'g')
		_exit(3);
	/* In its cgroup (the agent's parent wrote cgroup.procs). */
	snprintf(want, sizeof(want), "0::/%s\n", c->cpath + strspn(c->cpath, "/"));
	if (readf("/proc/self/cgroup", buf, sizeof(buf)) < 0 || strcmp(buf, want) != 0) {
		errno = EINVAL;
		child_fail(efd, "not in the container cgroup");
	}
	/* The device program denies a block device and allows /dev/null. */
	if (c->bpf) {
		fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (fd < 0)
			child_fail(efd, "device program: /dev/null");
		close(fd);
		if (first_block_device(blk, sizeof(blk)) == 0) {
			fd = open(blk, O_RDONLY | O_CLOEXEC);
			if (fd >= 0 || errno != EPERM) {
				errno = fd >= 0 ? 0 : errno;
				child_fail(efd, "device program: a block device opened");
			}
		}
	}
	/* container.rs:540 setns into the sandbox's ipc and uts namespaces */
	fd = open(NS_DIR "/ipc", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWIPC) < 0)
		child_fail(efd, "setns ipc");
	close(fd);
	fd = open(NS_DIR "/uts", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWUTS) < 0)
		child_fail(efd, "setns uts");
	close(fd);
	if (gethostname(buf, sizeof(buf)) < 0 || strcmp(buf, HOSTNAME) != 0) {
		errno = EINVAL;
		child_fail(efd, "the sandbox's uts namespace has another hostname");
	}
	/* container.rs:564 the new mount namespace; :567 a cgroup namespace on v2 */
	if (unshare(CLONE_NEWNS) < 0)
		child_fail(efd, "unshare mount");
	if (unshare(CLONE_NEWCGROUP) < 0)
		child_fail(efd, "unshare cgroup");
	if (readf("/proc/self/cgroup", buf, sizeof(buf)) < 0 || strcmp(buf, "0::/\n") != 0) {
		errno = EINVAL;
		child_fail(efd, "the cgroup namespace is not rooted at the container cgroup");
	}
	/* rustjail/mount.rs:168 init_rootfs: "/" rslave (no rootfsPropagation,
	 * :194), the parent mount private, the root bind-mounted onto itself,
	 * then the spec's mounts. */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		child_fail(efd, "make / rslave");
	parent_mount_private(c->rootfs);
	if (mount(c->rootfs, c->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		child_fail(efd, "bind the rootfs");
	snprintf(dst, sizeof(dst), "%s/proc", c->rootfs);
	if ((mkdir(dst, 0755) < 0 && errno != EEXIST) ||
	    mount("proc", dst, "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL) < 0)
		child_fail(efd, "mount proc");
	snprintf(dst, sizeof(dst), "%s/dev", c->rootfs);
	if ((mkdir(dst, 0755) < 0 && errno != EEXIST) ||
	    mount("tmpfs", dst, "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k") < 0)
		child_fail(efd, "mount /dev");
	snprintf(dst, sizeof(dst), "%s/sys", c->rootfs);
	if ((mkdir(dst, 0755) < 0 && errno != EEXIST) ||
	    mount("sysfs", dst, "sysfs", MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY, NULL) < 0)
		child_fail(efd, "mount sysfs");
	/* rustjail/mount.rs:366 mount_cgroups_v2: cgroup2 at the destination */
	snprintf(dst, sizeof(dst), "%s/sys/fs/cgroup", c->rootfs);
	if (mount("cgroup", dst, "cgroup2", MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RELATIME | MS_RDONLY,
		  NULL) < 0)
		child_fail(efd, "mount cgroup2");
	if (no_pivot_root) {
		/* rustjail/mount.rs:665 ms_move_root, without the proc/sysfs
		 * unmounts outside the root (a fresh mount namespace here). */
		if (chdir(c->rootfs) < 0 || mount(c->rootfs, "/", NULL, MS_MOVE, NULL) < 0 ||
		    chroot(".") < 0 || chdir("/") < 0)
			child_fail(efd, "move the root");
	} else {
		/* rustjail/mount.rs:524 pivot_rootfs */
		oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
		newroot = open(c->rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
		if (oldroot < 0 || newroot < 0 || fchdir(newroot) < 0 ||
		    syscall(SYS_pivot_root, ".", ".") < 0)
			child_fail(efd, "pivot_root");
		if (fchdir(oldroot) < 0 || mount("none", ".", "", MS_SLAVE | MS_REC, "") < 0 ||
		    umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
			child_fail(efd, "drop the old root");
		close(oldroot);
		close(newroot);
	}
	/* Inside: PID 1 of a new pid namespace, the only process of its cgroup,
	 * the old root gone. */
	if (getpid() != 1 || readf("/proc/self/stat", buf, sizeof(buf)) < 0 ||
	    strncmp(buf, "1 (", 3) != 0) {
		errno = ESRCH;
		child_fail(efd, "not PID 1 of a new pid namespace");
	}
	if (readf("/sys/fs/cgroup/cgroup.procs", buf, sizeof(buf)) < 0 || strcmp(buf, "1\n") != 0)
		child_fail(efd, "its cgroup2 mount does not show its own cgroup");
	if (access("/etc", F_OK) < 0 || access("/sbin/init", F_OK) == 0) {
		errno = ENOENT;
		child_fail(efd, "the root is not the image's");
	}
	_exit(0);
}

/*
 * rpc.rs:400 ctr.start -> rustjail/container.rs: the child unshares a pid
 * namespace and forks (container.rs:378, 383); the parent puts that
 * process into the container cgroup (container.rs:1647 cm.apply ->
 * cgroups-rs add_task_by_tgid: its pid into cgroup.procs) and lets it go;
 * it joins the sandbox's ipc and uts namespaces, unshares the mount and
 * cgroup namespaces, sets up and pivots into its root (container.rs
 * do_init_child, :540-645). Here it exits 0 instead of exec'ing.
 */
static void step_start(struct ctr *c)
{
	char name[96], msg[320] = "", pidbuf[32];
	int gp[2], ep[2], pp[2], st = 0, r;
	pid_t mid, pid = 0;
	ssize_t n;

	name_of(name, sizeof(name), c, "start process");
	if (pipe2(gp, O_CLOEXEC) < 0 || pipe2(ep, O_CLOEXEC) < 0 || pipe2(pp, O_CLOEXEC) < 0) {
		say(FAIL, name, "pipe: %s", strerror(errno));
		return;
	}
	fflush(stdout);
	mid = fork();
	if (mid == 0) {
		pid_t kid;

		close(gp[1]);
		close(ep[0]);
		close(pp[0]);
		if (unshare(CLONE_NEWPID) < 0) {
			child_fail(ep[1], "unshare pid");
		}
		kid = fork();
		if (kid == 0) {
			close(pp[1]);
			container_init(c, gp[0], ep[1]);
		}
		if (kid < 0)
			child_fail(ep[1], "fork into the pid namespace");
		if (write(pp[1], &kid, sizeof(kid)) != sizeof(kid))
			_exit(4);
		close(pp[1]);
		close(gp[0]);
		close(ep[1]);
		if (waitpid(kid, &st, 0) < 0)
			_exit(5);
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	}
	close(gp[0]);
	close(ep[1]);
	close(pp[1]);
	if (mid < 0) {
		say(FAIL, name, "fork: %s", strerror(errno));
		close(gp[1]);
		close(ep[0]);
		close(pp[0]);
		return;
	}
	r = -EIO;
	if (read(pp[0], &pid, sizeof(pid)) == sizeof(pid)) {
		char procs[600];

		snprintf(procs, sizeof(procs), "%s/cgroup.procs", c->cgdir);
		snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
		r = writef(procs, pidbuf);
		if (r < 0)
			snprintf(msg, sizeof(msg), "cm.apply: %.200s <- %d: %s", procs, (int)pid,
				 strerror(-r));
	}
	close(pp[0]);
	if (write(gp[1], r == 0 ? "g" : "x", 1) != 1 && r == 0)
		snprintf(msg, sizeof(msg), "cannot release the process: %s", strerror(errno));
	close(gp[1]);
	if (waitpid(mid, &st, 0) < 0)
		st = -1;
	if (!msg[0] && (n = read(ep[0], msg, sizeof(msg) - 1)) > 0)
		msg[n] = '\0';
	close(ep[0]);
	if (!msg[0] && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		snprintf(msg, sizeof(msg), "the process ended with status %d", st);
	if (msg[0])
		say(FAIL, name, "%s", msg);
	else
		say(OK, name, "pid %d: PID 1 of its pid namespace in %s, the sandbox's ipc and uts, "
		    "its own mount and cgroup namespaces, %s into %s, exited 0", (int)pid, c->cpath,
		    no_pivot_root ? "moved" : "pivot_root", c->rootfs);
}

/*
 * rpc.rs:445 do_remove_container -> rustjail/container.rs destroy: kill
 * what is left in the cgroup, cgm.destroy (:1344, the container cgroup
 * removed; the agent only warns if that fails; stricter: a FAIL), umount
 * the root (:1357, EINVAL tolerated), remove_dir_all(CONTAINER_BASE/<cid>)
 * (:1366). The pod cgroup stays, as in the agent.
 */
static void step_destroy(struct ctr *c)
{
	char name[96], path[600], pids[256], where[1200], *p, *save = NULL;
	unsigned removed;
	int r;

	name_of(name, sizeof(name), c, "destroy");
	snprintf(path, sizeof(path), "%s/cgroup.procs", c->cgdir);
	if (readf(path, pids, sizeof(pids)) >= 0)
		for (p = strtok_r(pids, "\n", &save); p; p = strtok_r(NULL, "\n", &save))
			kill(atoi(p), SIGKILL);
	/* A reaped process may still be leaving the cgroup: EBUSY, retried. */
	for (r = 0; rmdir(c->cgdir) < 0; r++) {
		if (errno != EBUSY || r == 50) {
			say(FAIL, name, "stricter: rmdir %s: %s", c->cgdir, strerror(errno));
			return;
		}
		usleep(20000);
	}
	if (umount2(c->rootfs, MNT_DETACH) < 0 && errno != EINVAL) {
		say(FAIL, name, "umount %s: %s", c->rootfs, strerror(errno));
		return;
	}
	r = remove_dir_all(c->root, &removed, where, sizeof(where));
	if (r < 0) {
		say(FAIL, name, "remove_dir_all %s: %s", c->root, where);
		return;
	}
	say(OK, name, "cgroup %s removed, root unmounted, %s removed", c->cpath, c->root);
}

static void create_container(struct ctr *c)
{
	step_pull(c);
	step_bundle(c);
	step_cgroups_path(c);
	step_container_dir(c);
	step_pod_cgroup(c);
	step_container_cgroup(c);
	step_device_bpf(c);
	step_resources(c);
	step_start(c);
	step_destroy(c);
}

/* Not the agent's: removes what the agent leaves behind (the pod cgroups
 * and their parents, the DNS and namespace mounts, the stand-in image
 * directories), so that a boot's later checks and the init's shutdown
 * find the guest as it was. */
static void step_cleanup(void)
{
	static const char *const dirs[] = {
		CGROOT "/kubepods/besteffort/pod" POD_UID,
		CGROOT "/kubepods/besteffort",
		CGROOT "/kubepods",
		CGROOT "/kubepods-besteffort-pod" POD_UID_ ".slice/cri-containerd",
		CGROOT "/kubepods-besteffort-pod" POD_UID_ ".slice",
	};
	char where[1200], bad[600] = "";
	unsigned i, removed;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (rmdir(dirs[i]) < 0 && errno != ENOENT && !bad[0])
			snprintf(bad, sizeof(bad), "rmdir %s: %s", dirs[i], strerror(errno));
	umount2("/etc/resolv.conf", MNT_DETACH);
	umount2(NS_DIR "/ipc", MNT_DETACH);
	umount2(NS_DIR "/uts", MNT_DETACH);
	if (access(IMAGE_WORK_DIR "/sealroot-contract", F_OK) == 0 &&
	    remove_dir_all(IMAGE_WORK_DIR "/sealroot-contract", &removed, where, sizeof(where)) < 0 &&
	    !bad[0])
		snprintf(bad, sizeof(bad), "remove %.500s", where);
	if (bad[0])
		say(FAIL, "cleanup (sealroot's, not the agent's)", "%s", bad);
	else
		say(OK, "cleanup (sealroot's, not the agent's)", "pod cgroups, DNS and namespace "
		    "mounts, stand-in image directories removed");
}

int contract_run(void)
{
	struct ctr fs = { .form = "cgroupfs", .cid = CID_FS,
			  .cgroups_path = "/kubepods/besteffort/pod" POD_UID "/" CID_FS };
	struct ctr sd = { .form = "systemd", .cid = CID_SD,
			  .cgroups_path = "kubepods-besteffort-pod" POD_UID_ ".slice:cri-containerd:" CID_SD };
	size_t i;

	n_step = n_ok = n_fail = n_skip = 0;
	devcg_inited = 0;
	/* main.rs:351 init mode; main.rs:214 general_mount first */
	for (i = 0; i < sizeof(init_mounts) / sizeof(init_mounts[0]); i++) {
		char name[64];

		snprintf(name, sizeof(name), "start general_mount %s", init_mounts[i].dest);
		mount_to_rootfs(name, &init_mounts[i]);
	}
	step_config();          /* main.rs:219 AGENT_CONFIG from /proc/cmdline */
	step_cgroups_mount();   /* main.rs:222 init_agent_as_init */
	step_ptmx();
	step_setsid();
	step_tiocsctty();
	step_path();
	step_hostname();
	step_root_type();       /* main.rs:363 start_sandbox */
	step_localhost();
	step_policy();
	step_uevent();
	step_initdata();
	step_launch_plan();
	step_vsock();
	step_reset_base();      /* rpc.rs:1528 create_sandbox */
	step_shared_ns("ipc", CLONE_NEWIPC, NULL);
	step_shared_ns("uts", CLONE_NEWUTS, HOSTNAME);
	step_dns();
	step_copy_file();
	create_container(&fs);
	create_container(&sd);
	step_cleanup();
	printf("sealroot-test: contract done: %d steps, %d ok, %d FAIL, %d skipped\n", n_step, n_ok,
	       n_fail, n_skip);
	if (n_step != CONTRACT_STEPS)
		printf("sealroot-test: contract FAIL: %d steps, not %d\n", n_step, CONTRACT_STEPS), n_fail++;
	fflush(stdout);
	return n_fail;
}
