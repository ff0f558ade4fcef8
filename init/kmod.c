// SPDX-License-Identifier: Apache-2.0
/*
 * kmod: see kmod.h. libkmod resolves dependencies from modules.dep.bin,
 * which the rootfs stage generated with depmod at build time.
 */
#include "kmod.h"

#include <errno.h>
#include <libkmod.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "file.h"

enum { MODLIST_MAX = 16384, MODNAME_MAX = 64, BUILTIN_MAX = 131072 };

/*
 * Whether modules.builtin (the kernel build's list of built-in modules,
 * "kernel/drivers/md/dm-crypt.ko" a line, on the verity root) holds name,
 * with '-' and '_' the same as the kernel takes them. A built-in module
 * needs no load, and libkmod (its context, its index files, its code) is
 * then not needed at all: a few tens of ms per boot under emulation.
 */
static bool builtin_has(const char *list, const char *name)
{
	const char *line = list, *end, *base;
	size_t n = strlen(name), i;

	for (; *line; line = *end ? end + 1 : end) {
		end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		for (base = end; base > line && base[-1] != '/'; base--)
			;
		if ((size_t)(end - base) != n + 3 || memcmp(base + n, ".ko", 3) != 0)
			continue;
		for (i = 0; i < n; i++)
			if (base[i] != name[i] && !(strchr("-_", base[i]) && strchr("-_", name[i])))
				break;
		if (i == n)
			return true;
	}
	return false;
}

/* Route libkmod's messages through our log, errors only. */
static void kmod_log_fn(void *data, int priority, const char *file, int line,
			const char *fn, const char *format, va_list args)
{
	(void)data; (void)file; (void)line; (void)fn;
	if (priority <= 3) /* LOG_ERR */
		log_vinfo(format, args);
}

static int load_one(struct boot *b, struct kmod_ctx *ctx, const char *name)
{
	struct kmod_list *list = NULL, *it;
	int r, found = 0;

	r = kmod_module_new_from_lookup(ctx, name, &list);
	if (r < 0)
		return boot_fail(b, r, "look up module %s", name);
	kmod_list_foreach(it, list) {
		struct kmod_module *mod = kmod_module_get_module(it);

		found = 1;
		r = kmod_module_probe_insert_module(mod, 0, NULL, NULL, NULL, NULL);
		kmod_module_unref(mod);
		if (r < 0) {
			kmod_module_unref_list(list);
			return boot_fail(b, r, "load module %s", name);
		}
	}
	kmod_module_unref_list(list);
	if (!found)
		return boot_fail(b, -ENOENT, "module %s", name);
	b->modules_loaded++;
	return 0;
}

/* sysctl_one: writes "1" to a /proc/sys switch. 1 when written, 0 when
 * the file is absent and missing_ok (the kernel lacks the feature), else a
 * boot_fail() code. */
static int sysctl_one(struct boot *b, const char *path, bool missing_ok)
{
	const char *what;
	int r = file_write_value(path, "1\n", 2, &what);

	if (r == -ENOENT && missing_ok && strcmp(what, "open") == 0)
		return 0;
	if (r < 0)
		return boot_fail(b, r, "%s %s", what, path);
	return 1;
}

int step_kmod(struct boot *b)
{
	static char builtin[BUILTIN_MAX];
	char list[MODLIST_MAX], path[PATH_MAX_SR];
	struct kmod_ctx *ctx = NULL;
	struct utsname u;
	char *line, *save = NULL;
	size_t len;
	unsigned n_builtin = 0;
	int r;

	r = file_read_all(b->path.modules_list, list, sizeof(list), &len);
	if (r < 0)
		return boot_fail(b, r, "read %s", b->path.modules_list);
	builtin[0] = '\0';
	if (uname(&u) == 0) {
		snprintf(path, sizeof(path), "/lib/modules/%s/modules.builtin", u.release);
		if (file_read_all(path, builtin, sizeof(builtin) - 1, &len) == 0)
			builtin[len] = '\0';
		else
			builtin[0] = '\0';
	}

	for (line = strtok_r(list, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *end;

		if (line[0] == '#')
			continue;
		end = line + strlen(line);
		while (end > line && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (line[0] == '\0')
			continue;
		if (strlen(line) >= MODNAME_MAX || strpbrk(line, " \t/")) {
			if (ctx)
				kmod_unref(ctx);
			return boot_fail(b, 0, "bad module name in %s", b->path.modules_list);
		}
		if (builtin_has(builtin, line)) {
			b->modules_loaded++;
			n_builtin++;
			continue;
		}
		if (!ctx) {
			ctx = kmod_new(NULL, NULL);
			if (!ctx)
				return boot_fail(b, -ENOMEM, "kmod_new");
			kmod_set_log_fn(ctx, kmod_log_fn, NULL);
		}
		r = load_one(b, ctx, line);
		if (r < 0) {
			kmod_unref(ctx);
			return r;
		}
	}
	/* libkmod is paged in only when a module has to be loaded. */
	if (ctx)
		kmod_unref(ctx);

	r = sysctl_one(b, b->path.modules_disabled, false);
	if (r < 0)
		return r;
	log_info("kmod: %u modules present (%u built in), module loading now disabled",
		 b->modules_loaded, n_builtin);
	/* Where the kernel has kexec at all (CONFIG_KEXEC_CORE); without it
	 * there is no switch and nothing to lock. */
	r = sysctl_one(b, b->path.kexec_disabled, true);
	if (r < 0)
		return r;
	if (r > 0)
		log_info("kmod: kexec now disabled");
	return 0;
}
