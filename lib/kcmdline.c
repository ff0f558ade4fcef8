// SPDX-License-Identifier: Apache-2.0
/*
 * kcmdline: see kcmdline.h.
 * The tokeniser follows the kernel's next_arg() (linux lib/cmdline.c):
 * whitespace separates words, double quotes group them, and a quote at the
 * start of the word or of the value is stripped with its partner at the
 * end. It differs in two corners, which change only how sealroot reads its
 * own sealroot.* words (the kernel ignores those): for "key="value"" the
 * kernel strips the value's quotes first and keeps value", this strips the
 * word's first and gets value; and the kernel's isspace() (linux
 * lib/ctype.c) also counts 0xA0, this does not.
 */
#include "kcmdline.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "hex.h"
#include "initdata_format.h"

#define PREFIX "sealroot."

struct key {
	const char *name;
	int (*set)(struct cmdline_config *cfg, const char *val, char *err, size_t errlen);
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	       c == '\r';
}

static int set_roothash(struct cmdline_config *cfg, const char *val, char *err,
			size_t errlen)
{
	size_t i, n = strlen(val);

	/* dm-verity with sha256, as the dm-mod.create line uses. */
	if (n != 64) {
		snprintf(err, errlen, "sealroot.roothash: want 64 hex digits, got %zu characters", n);
		return -EINVAL;
	}
	i = hex_lower_span(val, n);
	if (i < n) {
		snprintf(err, errlen, "sealroot.roothash: not lower-case hex at position %zu", i + 1);
		return -EINVAL;
	}
	memcpy(cfg->roothash, val, n + 1);
	return 0;
}

/*
 * A decimal value lo..hi, digits only (strtoul would accept signs, spaces
 * and hex prefixes), at most max_digits long.
 */
static int uint_in(const char *val, size_t max_digits, unsigned long lo, unsigned long hi,
		   unsigned *out)
{
	unsigned long v = 0;
	size_t i, n = strlen(val);

	if (n == 0 || n > max_digits)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (val[i] < '0' || val[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(val[i] - '0');
	}
	if (v < lo || v > hi)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

static int set_grace_ms(struct cmdline_config *cfg, const char *val, char *err,
			size_t errlen)
{
	if (uint_in(val, 6, 0, 60000, &cfg->grace_ms) == 0)
		return 0;
	snprintf(err, errlen, "sealroot.grace_ms: want 0..60000, got \"%.32s\"", val);
	return -EINVAL;
}

/* two_way: a key with two values; *out = (val == yes), else an error. */
static int two_way(const char *key, const char *val, const char *yes, const char *no,
		   bool *out, char *err, size_t errlen)
{
	if (strcmp(val, yes) == 0)
		*out = true;
	else if (strcmp(val, no) == 0)
		*out = false;
	else {
		snprintf(err, errlen, PREFIX "%s: want %s or %s, got \"%.32s\"", key, yes, no, val);
		return -EINVAL;
	}
	return 0;
}

static int set_verity_scan(struct cmdline_config *cfg, const char *val, char *err, size_t errlen)
{
	return two_way("verity_scan", val, "full", "off", &cfg->verity_scan, err, errlen);
}

static int set_initdata(struct cmdline_config *cfg, const char *val, char *err, size_t errlen)
{
	return two_way("initdata", val, "required", "optional", &cfg->initdata_required, err, errlen);
}

/* sealroot.root=verity (the default: / is the dm-verity disk that
 * sealroot.roothash names) or initramfs (/ is the initrd itself, which the
 * launch measurement covers: the SE image seals it with the command line). */
static int set_root(struct cmdline_config *cfg, const char *val, char *err, size_t errlen)
{
	bool verity;
	int r = two_way("root", val, "verity", "initramfs", &verity, err, errlen);

	if (r == 0)
		cfg->root_initramfs = !verity;
	return r;
}

static int set_run_size(struct cmdline_config *cfg, const char *val, char *err, size_t errlen)
{
	if (uint_in(val, 5, 1, 65536, &cfg->run_size_mib) == 0)
		return 0;
	snprintf(err, errlen, "sealroot.run_size: want 1..65536 (MiB), got \"%.32s\"", val);
	return -EINVAL;
}

static int set_scratch(struct cmdline_config *cfg, const char *val, char *err, size_t errlen)
{
	if (!config_device_ok(val)) {
		snprintf(err, errlen, "sealroot.scratch: want /dev/<disk> or a disk serial, got \"%.32s\"",
			 val);
		return -EINVAL;
	}
	snprintf(cfg->scratch, sizeof(cfg->scratch), "%s", val);
	return 0;
}

/*
 * sealroot.initdata_digest=<alg>:<hex>: alg exactly sha256, sha384 or sha512
 * (not the spec's sha-256 spellings: one way to write it), then exactly that
 * many bytes in lower-case hex, as sealroot-initdata prints them.
 */
static int set_initdata_digest(struct cmdline_config *cfg, const char *val, char *err,
			       size_t errlen)
{
	const char *colon = strchr(val, ':'), *name = NULL;
	size_t i, n, want;
	int a;

	for (a = ALG_SHA256; colon && a <= ALG_SHA512; a++) {
		name = initdata_alg_name((enum initdata_alg)a);
		if ((size_t)(colon - val) == strlen(name) && strncmp(val, name, strlen(name)) == 0)
			break;
	}
	if (!colon || a > ALG_SHA512) {
		snprintf(err, errlen, PREFIX "initdata_digest: want sha256:, sha384: or sha512: "
			 "and the hex digest, got \"%.32s\"", val);
		return -EINVAL;
	}
	n = strlen(colon + 1);
	want = 2 * initdata_alg_size((enum initdata_alg)a);
	if (n != want) {
		snprintf(err, errlen, PREFIX "initdata_digest: %s wants %zu hex digits, got %zu",
			 name, want, n);
		return -EINVAL;
	}
	i = hex_lower_span(colon + 1, n);
	if (i < n) {
		snprintf(err, errlen, PREFIX "initdata_digest: not lower-case hex at position %zu",
			 i + 1);
		return -EINVAL;
	}
	if (hex_decode(colon + 1, cfg->initdata_digest, n / 2) < 0) {
		snprintf(err, errlen, PREFIX "initdata_digest: not hex");
		return -EINVAL;
	}
	cfg->initdata_digest_alg = (enum initdata_alg)a;
	cfg->initdata_digest_set = true;
	return 0;
}

/* No key is required as such: roothash is, unless sealroot.root=initramfs
 * (checked after the loop). */
static const struct key keys[] = {
	{ "roothash",    set_roothash },
	{ "root",        set_root },
	{ "grace_ms",    set_grace_ms },
	{ "verity_scan", set_verity_scan },
	{ "initdata",    set_initdata },
	{ "scratch",     set_scratch },
	{ "run_size",    set_run_size },
	{ "initdata_digest", set_initdata_digest },
};
enum { N_KEYS = sizeof(keys) / sizeof(keys[0]) };

/*
 * Cuts the next word out of *pos in place (kernel next_arg() rules) and
 * returns it, with *val pointing after '=' or NULL. Returns NULL at the end.
 */
static char *next_word(char **pos, char **val)
{
	char *s = *pos, *w, *eq = NULL;
	bool quoted = false, word_quoted = false;
	size_t i;

	while (*s && is_space(*s))
		s++;
	if (*s == '\0')
		return NULL;
	if (*s == '"') {
		s++;
		quoted = word_quoted = true;
	}
	w = s;
	for (i = 0; s[i]; i++) {
		if (is_space(s[i]) && !quoted)
			break;
		if (!eq && s[i] == '=')
			eq = s + i;
		if (s[i] == '"')
			quoted = !quoted;
	}
	if (s[i]) {
		s[i] = '\0';
		*pos = s + i + 1;
	} else {
		*pos = s + i;
	}
	/* "key=value": the quote pair encloses the whole word. */
	if (word_quoted && i > 0 && s[i - 1] == '"')
		s[i - 1] = '\0';
	if (eq) {
		*eq = '\0';
		eq++;
		/* key="value": the pair encloses the value. */
		if (*eq == '"') {
			eq++;
			i = strlen(eq);
			if (i > 0 && eq[i - 1] == '"')
				eq[i - 1] = '\0';
		}
	}
	*val = eq;
	return w;
}

/* One kata.extension.* word into the next slot; each name once. */
static int add_extension(struct cmdline_config *cfg, const char *key, const char *val,
			 char *err, size_t errlen)
{
	struct extension e;
	char why[160];
	size_t i;
	int r;

	r = extension_parse(key, val, &e, why, sizeof(why));
	if (r < 0) {
		snprintf(err, errlen, "%.48s: %s", key, why);
		return r;
	}
	for (i = 0; i < cfg->n_ext; i++) {
		if (strcmp(cfg->ext[i].name, e.name) == 0) {
			snprintf(err, errlen, "extension \"%s\" is named twice", e.name);
			return -EINVAL;
		}
	}
	if (cfg->n_ext == EXT_MAX) {
		snprintf(err, errlen, "more than %d extensions", EXT_MAX);
		return -EINVAL;
	}
	cfg->ext[cfg->n_ext++] = e;
	return 0;
}

void cmdline_defaults(struct cmdline_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->grace_ms = 5000;
	/* Lazy by default: dm-verity refuses a bad block whenever it is read
	 * (docs/init.md, "The full scan"). */
	cfg->verity_scan = false;
	cfg->initdata_required = true;
}

int cmdline_parse(const char *line, struct cmdline_config *cfg, char *err, size_t errlen)
{
	char buf[CMDLINE_MAX];
	bool seen[N_KEYS] = { false };
	char *pos = buf, *word, *val;
	size_t i, n = strlen(line);
	int r;

	if (n >= sizeof(buf)) {
		snprintf(err, errlen, "command line longer than %d bytes", CMDLINE_MAX - 1);
		return -EINVAL;
	}
	memcpy(buf, line, n + 1);

	while ((word = next_word(&pos, &val)) != NULL) {
		const char *name;

		if (strncmp(word, EXT_PREFIX, strlen(EXT_PREFIX)) == 0) {
			r = add_extension(cfg, word, val, err, errlen);
			if (r < 0)
				return r;
			continue;
		}
		if (strncmp(word, PREFIX, strlen(PREFIX)) != 0)
			continue;
		name = word + strlen(PREFIX);
		for (i = 0; i < N_KEYS; i++)
			if (strcmp(name, keys[i].name) == 0)
				break;
		if (i == N_KEYS) {
			snprintf(err, errlen, "unknown key \"%.64s\"", word);
			return -EINVAL;
		}
		if (seen[i]) {
			snprintf(err, errlen, "duplicate key \"%s\"", word);
			return -EINVAL;
		}
		seen[i] = true;
		if (!val) {
			snprintf(err, errlen, "key \"%s\" has no value", word);
			return -EINVAL;
		}
		r = keys[i].set(cfg, val, err, errlen);
		if (r < 0)
			return r;
	}
	/* keys[0] is roothash: one root, named one way. */
	if (!cfg->root_initramfs && !seen[0]) {
		snprintf(err, errlen, "missing required key \"" PREFIX "roothash\"");
		return -EINVAL;
	}
	if (cfg->root_initramfs && seen[0]) {
		snprintf(err, errlen, PREFIX "roothash and " PREFIX "root=initramfs exclude each other");
		return -EINVAL;
	}
	return 0;
}
