// SPDX-License-Identifier: Apache-2.0
/*
 * test-agent: stands in for kata-agent in the default image and the boot
 * tests. It checks, from inside the guest, what the init promised, prints
 * one verdict line and exits; the init then shuts the VM down.
 * Reads: /, /proc/mounts, /proc/modules, /etc/sealroot/modules,
 * /proc/sys/kernel/modules_disabled, its own pid, cgroup, environment and
 * sysfs, and /run/confidential-containers/initdata and
 * /run/sealroot/secrets, whose files it lists with their modes and SHA-256
 * digests (never their bytes) for the host to compare.
 * Process: the init starts it as the kata-agent runs in a Kata guest, PID 1
 * of its own PID namespace (so the kata-agent takes init mode), with its
 * own mount and cgroup namespaces (in the leaf /agent), no session of its
 * own, stdin on /dev/null and only PATH and HOME.
 * The agent contract (contract.c, docs/testing.md): last, it does in
 * order what the kata-agent does to the guest at start, at CreateSandbox,
 * at CopyFile and at two CreateContainer calls (both cgroupsPath forms),
 * one "sealroot-test: contract N NAME: ok|FAIL|skipped" line per action;
 * any FAIL fails the verdict. It also prints the digest of
 * /etc/kata-opa/default-policy.rego for the host to compare with the
 * manifest (docs/kata.md, rows 1, 2 and 7).
 * Storage (the boot cases 03x): when the initdata has a [data] entry
 * "test-storage", its first word picks what to do on the scratch disk,
 * wherever the init mounted it (found by its device, /dev/mapper/
 * sealroot-scratch; /run/kata-containers/image by default): "write" a
 * 1 MiB file of a known marker
 * pattern, "verify" it, or "tamper": write, drop the caches, print
 * TAMPER-NOW, wait until the host writes 'G' to the disk with serial
 * "signal", drop the caches again and read (which must fail). Before
 * writing it prints READY and waits for 'A', so the host can take a
 * baseline copy of the disk and find the file's blocks by difference.
 * "bench N" (tests/bench/storage.sh) writes N MiB (1..1024) to bench.bin
 * and fsyncs, drops the caches, reads it back and compares, and prints
 * both times from the in-guest monotonic clock.
 * Extensions (boot cases 08x): for each directory in /run/kata-extensions,
 * the mount's source and options from /proc/mounts (it must be a
 * read-only erofs, nodev and nosuid), and the SHA-256 of its "marker"
 * file, read whole, as the agent would read what it launches from there.
 * Misbehaviour (the fault matrix, boot cases 05x): a [data] entry
 * "test-agent" makes it "crash" at once (SIGSEGV), "crash-2s" after two
 * seconds, "ignore-term" (leave a child that ignores SIGTERM, then exit),
 * or "forkbomb" (fork until the kernel refuses, for 3 s, then exit).
 * Changes: those scratch files, and what the contract changes as the
 * kata-agent would (contract.c says what stays). On failure: the verdict
 * line says FAIL and why; exit 1.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <fcntl.h>
#include <linux/dm-ioctl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

/* The low-level SHA-256 calls: OpenSSL 3's one-shot SHA256() goes through
 * EVP and drags the whole provider machinery into this static binary. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include "contract.h"

#define INITDATA_DIR "/run/confidential-containers/initdata"
#define SCRATCH_DEV "/dev/mapper/sealroot-scratch"
#define MARKER "SEALROOT-MARKER!"   /* 16 bytes, repeated over 1 MiB */
#define SECRETS_DIR "/run/sealroot/secrets"
#define TMPFS_MAGIC_ 0x01021994UL

extern char **environ;

static char failures[2048];
/* Where the scratch disk is mounted; check_storage finds it. */
static char scratch_dir[256] = "/run/kata-containers/image";

static void fail(const char *fmt, const char *arg)
{
	size_t len = strlen(failures);

	snprintf(failures + len, sizeof(failures) - len, "%s", len ? "; " : "");
	len = strlen(failures);
	snprintf(failures + len, sizeof(failures) - len, fmt, arg);
}

/* The device-mapper target type of dev, through DM_TABLE_STATUS. */
static int dm_target_type(dev_t dev, char *type, size_t size)
{
	union {
		struct dm_ioctl io;
		char buf[16384];
	} u;
	struct dm_target_spec *spec;
	int fd, r;

	memset(&u, 0, sizeof(u));
	u.io.version[0] = DM_VERSION_MAJOR;
	u.io.version[1] = DM_VERSION_MINOR;
	u.io.version[2] = DM_VERSION_PATCHLEVEL;
	u.io.data_size = sizeof(u);
	u.io.data_start = sizeof(struct dm_ioctl);
	u.io.dev = ((unsigned long long)major(dev) << 8) | minor(dev);
	fd = open("/dev/mapper/control", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = ioctl(fd, DM_TABLE_STATUS, &u.io);
	close(fd);
	if (r < 0)
		return -errno;
	if (u.io.target_count != 1)
		return -EINVAL;
	spec = (struct dm_target_spec *)(u.buf + u.io.data_start);
	snprintf(type, size, "%.*s", (int)sizeof(spec->target_type), spec->target_type);
	return 0;
}

/* What / should be: the initramfs when the measured command line says
 * sealroot.root=initramfs (the se bundle), else the dm-verity disk. */
static const char *root_kind = "dm-verity";

static void check_root(void)
{
	static char cmdline[4096];
	struct statvfs sv;
	struct statfs sf;
	struct stat st;
	char type[32];

	if (readf("/proc/cmdline", cmdline, sizeof(cmdline)) >= 0 &&
	    strstr(cmdline, "sealroot.root=initramfs"))
		root_kind = "the initramfs";
	if (stat("/", &st) < 0) {
		fail("stat / failed", "");
		return;
	}
	if (strcmp(root_kind, "the initramfs") == 0) {
		if (statfs("/", &sf) < 0 || (sf.f_type != RAMFS_MAGIC && sf.f_type != TMPFS_MAGIC))
			fail("/ is not the initramfs", "");
	} else if (dm_target_type(st.st_dev, type, sizeof(type)) < 0)
		fail("/ is not a device-mapper device", "");
	else if (strcmp(type, "verity") != 0)
		fail("/ is dm target %s, not verity", type);
	if (statvfs("/", &sv) < 0 || !(sv.f_flag & ST_RDONLY))
		fail("/ is not read-only", "");
	/* A write must fail too, not just the flag be set. */
	if (open("/sealroot-write-probe", O_WRONLY | O_CREAT | O_CLOEXEC, 0600) >= 0)
		fail("created a file on /", "");
}

/* Whether "name " (with '_') is built into the kernel: modules.builtin. */
static int builtin(const char *name_sp)
{
	static char list[65536];
	char path[128], want[96], *p;
	struct utsname u;
	size_t n = strlen(name_sp) - 1;

	if (uname(&u) < 0)
		return 0;
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.builtin", u.release);
	if (readf(path, list, sizeof(list)) < 0)
		return 0;
	for (p = list; *p; p++)
		if (*p == '-')
			*p = '_';
	/* Lines are paths: kernel/crypto/aes_generic.ko */
	snprintf(want, sizeof(want), "/%.*s.ko\n", (int)n, name_sp);
	return strstr(list, want) != NULL;
}

static void check_modules(void)
{
	static char list[8192], loaded[65536];
	char *line, *save = NULL, want[80];
	char disabled[8];
	unsigned count = 0;

	if (readf("/etc/sealroot/modules", list, sizeof(list)) < 0) {
		fail("no /etc/sealroot/modules", "");
		return;
	}
	if (readf("/proc/modules", loaded, sizeof(loaded)) < 0) {
		fail("no /proc/modules", "");
		return;
	}
	for (line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *p;

		if (line[0] == '#' || line[0] == '\0')
			continue;
		/* /proc/modules spells '-' as '_'. */
		snprintf(want, sizeof(want), "\n%s ", line);
		for (p = want; *p; p++)
			if (*p == '-')
				*p = '_';
		if (!strstr(loaded, want) && strncmp(loaded, want + 1, strlen(want + 1)) != 0 &&
		    !builtin(want + 1))
			fail("module %s not loaded", line);
		count++;
	}
	if (count == 0)
		fail("the image lists no modules", "");
	if (readf("/proc/sys/kernel/modules_disabled", disabled, sizeof(disabled)) < 0 ||
	    disabled[0] != '1')
		fail("kernel.modules_disabled is not 1", "");
}

/* Only stdin, stdout and stderr may come from PID 1. */
static void check_fds(void)
{
	struct dirent *d;
	DIR *dir = opendir("/proc/self/fd");

	if (!dir) {
		fail("cannot list /proc/self/fd", "");
		return;
	}
	while ((d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.' || atoi(d->d_name) <= 2 || atoi(d->d_name) == dirfd(dir))
			continue;
		fail("inherited file descriptor %s", d->d_name);
	}
	closedir(dir);
}

/*
 * The value rcupdate.rcu_expedited takes from the kernel command line, as
 * the kernel parses it: words up to "--" (the rest is init's), "-" and
 * "_" alike in the name, an int in any base kstrtoint(..., 0, ...) takes;
 * the last valid one wins; 0 without one (Linux 6.12 kernel/params.c
 * parse_args, parameq; kernel/rcu/update.c module_param(rcu_expedited)).
 */
static long cmdline_rcu_expedited(char *cmdline)
{
	static const char key[] = "rcupdate.rcu_expedited=";
	long want = 0, v;
	char *w, *save = NULL, *end;
	size_t i;

	for (w = strtok_r(cmdline, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
		if (strcmp(w, "--") == 0)
			break;
		for (i = 0; key[i] && (w[i] == key[i] || (key[i] == '_' && w[i] == '-')); i++)
			;
		if (key[i] != '\0')
			continue;
		errno = 0;
		v = strtol(w + i, &end, 0);
		if (w[i] != '\0' && *end == '\0' && errno == 0 && v >= INT_MIN && v <= INT_MAX)
			want = v;
	}
	return want;
}

/* 0 when /sys/kernel/rcu_expedited is what /proc/cmdline chose. */
static int check_rcu_expedited(void)
{
	static char cmdline[4096];
	char got[32];
	long want;

	if (readf("/proc/cmdline", cmdline, sizeof(cmdline)) < 0 ||
	    readf("/sys/kernel/rcu_expedited", got, sizeof(got)) < 0)
		return -1;
	want = cmdline_rcu_expedited(cmdline);
	printf("sealroot-test: rcu_expedited %ld (the command line wants %ld)\n",
	       strtol(got, NULL, 10), want);
	return strtol(got, NULL, 10) == want ? 0 : -1;
}

/*
 * The agent runs as the kata-agent does in a Kata guest: PID 1 (of its own
 * PID namespace), so it takes init mode (kata-containers 7c6ba40c
 * src/agent/src/main.rs:351, init_mode = getpid() == 1); its parent is
 * outside that namespace (getppid() 0); it is in the leaf "agent" of its
 * own cgroup namespace; it leads no session, or init mode's setsid()
 * (main.rs:793) fails with EPERM.
 */
static void check_process(void)
{
	char cg[256];
	struct stat st;
	char **e;

	if (getpid() != 1)
		fail("the agent is not PID 1 of its namespace (the kata-agent would not take init mode)", "");
	if (getppid() != 0)
		fail("the agent's parent is inside its PID namespace", "");
	if (getsid(0) == getpid())
		fail("the agent already leads a session (init mode's setsid() would fail)", "");
	if (readf("/proc/self/cgroup", cg, sizeof(cg)) < 0 || strcmp(cg, "0::/agent\n") != 0)
		fail("/proc/self/cgroup is not 0::/agent", "");
	for (e = environ; *e; e++)
		if (strncmp(*e, "PATH=", 5) != 0 && strncmp(*e, "HOME=", 5) != 0)
			fail("unexpected environment variable %.40s", *e);
	/* The host's SSLKEYLOGFILE (boot case 029 sets it) reached no library
	 * of the init's: no TLS key log was written. */
	if (access("/run/sealroot-keylog", F_OK) == 0)
		fail("a TLS key log /run/sealroot-keylog exists", "");
	/* stdin is /dev/null (1:3), never the host-writable console. */
	if (fstat(0, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
		fail("stdin is not /dev/null", "");
	/* The init expedites RCU for its own boot only (init/expedite.h): the
	 * agent starts with what the command line chose, 1 under Kata's Go
	 * runtime (kata-containers 7c6ba40c
	 * src/runtime/virtcontainers/qemu_amd64.go kernelParams
	 * rcupdate.rcu_expedited=1), else the kernel's default 0. */
	if (check_rcu_expedited() < 0)
		fail("/sys/kernel/rcu_expedited is not what the command line chose", "");
}

static int not_dot(const struct dirent *d)
{
	return strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0;
}

/*
 * Every file 0400 and root's, in a 0700 root directory on tmpfs; each is
 * listed with its size and SHA-256 (never its bytes) for the host to check.
 */
static void check_dir(const char *dir, const char *label)
{
	static unsigned char buf[1 << 20];
	char path[512], hex[2 * SHA256_DIGEST_LENGTH + 1];
	struct dirent **list;
	struct statfs sf;
	struct stat st;
	int i, n, fd;
	ssize_t len;

	if (lstat(dir, &st) < 0) {
		printf("sealroot-test: %s: none\n", label);
		return;
	}
	if (!S_ISDIR(st.st_mode) || (st.st_mode & 07777) != 0700 || st.st_uid != 0)
		fail("%s is not a 0700 directory of root's", dir);
	if (statfs(dir, &sf) < 0 || (unsigned long)sf.f_type != TMPFS_MAGIC_)
		fail("%s is not on tmpfs", dir);
	n = scandir(dir, &list, not_dot, alphasort);
	if (n < 0) {
		fail("cannot list %s", dir);
		return;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
		if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode) ||
		    (st.st_mode & 07777) != 0400 || st.st_uid != 0)
			fail("%s is not a 0400 file of root's", list[i]->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		len = fd < 0 ? -1 : read(fd, buf, sizeof(buf));
		if (fd >= 0)
			close(fd);
		if (len < 0) {
			fail("cannot read %s", list[i]->d_name);
		} else {
			sha256_hex((const unsigned char *)buf, (size_t)len, hex);
			printf("sealroot-test: %s file %s mode %04o size %zd sha256 %s\n", label,
			       list[i]->d_name, (unsigned)(st.st_mode & 07777), len, hex);
		}
		memset(buf, 0, sizeof(buf));
		free(list[i]);
	}
	free(list);
}


static void drop_caches(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);

	sync();
	if (fd < 0 || write(fd, "3\n", 2) != 2)
		fail("cannot drop the caches%s", "");
	if (fd >= 0)
		close(fd);
}

static unsigned char marker[1 << 20];

static const char *scratch_file(const char *name)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/%s", scratch_dir, name);
	return path;
}

static void storage_write(void)
{
	char hex[2 * SHA256_DIGEST_LENGTH + 1];
	size_t i;
	int fd;

	for (i = 0; i < sizeof(marker); i += 16)
		memcpy(marker + i, MARKER, 16);
	fd = open(scratch_file("marker.bin"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, marker, sizeof(marker)) != (ssize_t)sizeof(marker) ||
	    fsync(fd) < 0) {
		fail("cannot write the marker file: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	sha256_hex(marker, sizeof(marker), hex);
	printf("sealroot-test: storage wrote marker.bin %zu bytes sha256 %s\n", sizeof(marker), hex);
}

static void storage_read(void)
{
	static unsigned char buf[1 << 20];
	char hex[2 * SHA256_DIGEST_LENGTH + 1];
	size_t got = 0;
	ssize_t n;
	int fd = open(scratch_file("marker.bin"), O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		printf("sealroot-test: storage read error: %s\n", strerror(errno));
		return;
	}
	while (got < sizeof(buf)) {
		n = read(fd, buf + got, sizeof(buf) - got);
		if (n < 0) {
			printf("sealroot-test: storage read error: %s\n", strerror(errno));
			close(fd);
			return;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	sha256_hex(buf, got, hex);
	printf("sealroot-test: storage read marker.bin %zu bytes sha256 %s\n", got, hex);
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Writes mib MiB of the marker (each MiB's first 8 bytes its index), reads them back. */
static void storage_bench(unsigned mib)
{
	static unsigned char buf[1 << 20];
	double t0, tw, tr;
	unsigned i;
	int fd;

	for (i = 0; i < sizeof(marker); i += 16)
		memcpy(marker + i, MARKER, 16);
	fd = open(scratch_file("bench.bin"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		fail("bench: cannot create bench.bin: %s", strerror(errno));
		return;
	}
	t0 = mono();
	for (i = 0; i < mib; i++) {
		memcpy(marker, &i, sizeof(i));
		if (write(fd, marker, sizeof(marker)) != (ssize_t)sizeof(marker)) {
			fail("bench: write: %s", strerror(errno));
			close(fd);
			return;
		}
	}
	if (fsync(fd) < 0)
		fail("bench: fsync: %s", strerror(errno));
	tw = mono() - t0;
	close(fd);
	drop_caches();
	fd = open(scratch_file("bench.bin"), O_RDONLY | O_CLOEXEC);
	t0 = mono();
	for (i = 0; fd >= 0 && i < mib; i++) {
		size_t got = 0;
		ssize_t n = 1;

		while (got < sizeof(buf) && n > 0) {
			n = read(fd, buf + got, sizeof(buf) - got);
			got += n > 0 ? (size_t)n : 0;
		}
		memcpy(marker, &i, sizeof(i));
		if (got != sizeof(buf) || memcmp(buf, marker, sizeof(buf)) != 0) {
			fail("bench: read back other data: %s", n < 0 ? strerror(errno) : "");
			break;
		}
	}
	tr = mono() - t0;
	if (fd < 0)
		fail("bench: cannot open bench.bin: %s", strerror(errno));
	else
		close(fd);
	printf("sealroot-test: storage bench %u MiB write+fsync %.3f s read %.3f s\n", mib, tw, tr);
}

/* Waits (up to 120 s) for the host's byte want on the disk whose serial is "signal". */
static void wait_signal(char want)
{
	char path[300], serial[64];
	struct dirent *e;
	void *buf = NULL;
	int fd = -1, i;
	DIR *d = opendir("/sys/block");

	while (d && (e = readdir(d))) {
		snprintf(path, sizeof(path), "/sys/block/%s/serial", e->d_name);
		if (readf(path, serial, sizeof(serial)) >= 0 && strncmp(serial, "signal", 6) == 0) {
			snprintf(path, sizeof(path), "/dev/%s", e->d_name);
			fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
			break;
		}
	}
	if (d)
		closedir(d);
	if (fd < 0 || posix_memalign(&buf, 4096, 4096) != 0) {
		fail("no signal disk%s", "");
		return;
	}
	for (i = 0; i < 1200; i++) {
		if (pread(fd, buf, 4096, 0) == 4096 && ((char *)buf)[0] == want)
			break;
		usleep(100000);
	}
	close(fd);
	free(buf);
}

static void check_storage(void)
{
	char action[64] = "", line[1024], dev[256], mnt[256], fstype[64], opts[256];
	FILE *f;

	f = fopen("/proc/self/mounts", "re");
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%255s %255s %63s %255s", dev, mnt, fstype, opts) == 4 &&
		    strcmp(dev, SCRATCH_DEV) == 0) {
			printf("sealroot-test: storage mount %s %s %s\n", mnt, fstype, opts);
			snprintf(scratch_dir, sizeof(scratch_dir), "%s", mnt);
		}
	}
	if (f)
		fclose(f);
	if (readf(INITDATA_DIR "/test-storage", action, sizeof(action)) < 0)
		return;
	if (strncmp(action, "write", 5) == 0) {
		storage_write();
	} else if (strncmp(action, "verify", 6) == 0) {
		storage_read();
	} else if (strncmp(action, "bench ", 6) == 0) {
		unsigned mib = (unsigned)strtoul(action + 6, NULL, 10);

		if (mib < 1 || mib > 1024)
			fail("bench: want 1..1024 MiB%s", "");
		else
			storage_bench(mib);
	} else if (strncmp(action, "tamper", 6) == 0) {
		/* READY: the host takes its baseline copy, then says 'A'. */
		sync();
		printf("sealroot-test: storage READY\n");
		fflush(stdout);
		wait_signal('A');
		storage_write();
		drop_caches();
		printf("sealroot-test: storage TAMPER-NOW\n");
		fflush(stdout);
		wait_signal('G');
		drop_caches();
		storage_read();
	} else {
		fail("unknown test-storage action%s", "");
	}
}

/* SIGALRM for the fork bomb: exit 142 (128 + SIGALRM) at once. */
static void alarm_exit(int sig)
{
	(void)sig;
	_exit(142);
}

static void misbehave(void)
{
	char action[64] = "";
	volatile int *null = NULL;
	pid_t pid;

	if (readf(INITDATA_DIR "/test-agent", action, sizeof(action)) < 0)
		return;
	fflush(stdout);
	if (strncmp(action, "crash-2s", 8) == 0) {
		printf("sealroot-test: crashing in 2 s\n");
		fflush(stdout);
		sleep(2);
		*null = 1;
	} else if (strncmp(action, "crash", 5) == 0) {
		*null = 1;
	} else if (strncmp(action, "ignore-term", 11) == 0) {
		pid = fork();
		if (pid == 0) {
			signal(SIGTERM, SIG_IGN);
			printf("sealroot-test: child %d ignores SIGTERM\n", (int)getpid());
			fflush(stdout);
			for (;;)
				pause();
		}
		sleep(1);
		printf("sealroot-test: agent exits, leaving its child\n");
		fflush(stdout);
		_exit(0);
	} else if (strncmp(action, "forkbomb", 8) == 0) {
		unsigned long n = 0, refused = 0;

		printf("sealroot-test: fork bomb\n");
		fflush(stdout);
		/* The first process ends the bomb's phase by exiting. It is PID
		 * 1 of its own namespace, where the kernel drops a signal with
		 * no handler (a timer's SIGALRM too): so a handler, and the
		 * exit takes the whole namespace with it. */
		signal(SIGALRM, alarm_exit);
		alarm(3);
		for (;;) {
			pid = fork();
			if (pid == 0)
				for (;;)
					fork();
			if (pid > 0)
				n++;
			else if (refused++ == 0)
				printf("sealroot-test: fork refused after %lu children\n", n);
		}
	}
}

#define EXTENSIONS_DIR "/run/kata-extensions"

/* Each mounted extension: its mount line, and its marker file's digest. */
static void check_extensions(void)
{
	static unsigned char buf[1 << 20];
	char path[512], line[1024], dev[256], mnt[256], type[32], opts[512], hex[65];
	struct dirent **list;
	FILE *m;
	int i, n, fd, found;
	ssize_t len;

	n = scandir(EXTENSIONS_DIR, &list, not_dot, alphasort);
	if (n < 0) {
		printf("sealroot-test: extensions: none\n");
		return;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), EXTENSIONS_DIR "/%s", list[i]->d_name);
		found = 0;
		m = fopen("/proc/mounts", "r");
		while (m && fgets(line, sizeof(line), m)) {
			if (sscanf(line, "%255s %255s %31s %511s", dev, mnt, type, opts) != 4 ||
			    strcmp(mnt, path) != 0)
				continue;
			found = 1;
			printf("sealroot-test: extension %s: %s %s %s\n", list[i]->d_name, dev, type, opts);
			if (strcmp(type, "erofs") != 0 || strncmp(opts, "ro,", 3) != 0 ||
			    !strstr(opts, "nosuid") || !strstr(opts, "nodev"))
				fail("extension %s is not a read-only nodev,nosuid erofs", list[i]->d_name);
		}
		if (m)
			fclose(m);
		if (!found)
			fail("%s is not a mount point", path);
		snprintf(path, sizeof(path), EXTENSIONS_DIR "/%s/marker", list[i]->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		len = fd < 0 ? -1 : read(fd, buf, sizeof(buf));
		if (fd >= 0)
			close(fd);
		if (len < 0) {
			printf("sealroot-test: extension %s: marker unreadable: %s\n", list[i]->d_name,
			       strerror(errno));
			fail("cannot read the marker of extension %s", list[i]->d_name);
		} else {
			sha256_hex(buf, (size_t)len, hex);
			printf("sealroot-test: extension %s: marker size %zd sha256 %s\n",
			       list[i]->d_name, len, hex);
		}
		free(list[i]);
	}
	free(list);
}

int main(void)
{
	struct timespec ts;
	int contract_failed;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	printf("sealroot-test: agent running, pid %d, uptime %ld.%06ld s\n",
	       (int)getpid(), (long)ts.tv_sec, ts.tv_nsec / 1000);
	misbehave();
	check_root();
	check_modules();
	check_process();
	check_fds();
	check_dir(INITDATA_DIR, "initdata");
	check_dir(SECRETS_DIR, "secret");
	check_storage();
	check_extensions();
	/* Last: it changes the guest as the kata-agent would (contract.c). */
	contract_failed = contract_run();
	if (contract_failed) {
		char n[16];

		snprintf(n, sizeof(n), "%d", contract_failed);
		fail("agent contract: %s steps FAIL", n);
	}
	if (failures[0]) {
		printf("sealroot-test: VERDICT FAIL: %s\n", failures);
		return 1;
	}
	printf("sealroot-test: VERDICT PASS: / is %s and read-only, modules loaded and locked, "
	       "agent is PID 1 of its namespace, agent contract: %d steps\n", root_kind, CONTRACT_STEPS);
	return 0;
}
