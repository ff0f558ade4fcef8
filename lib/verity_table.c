// SPDX-License-Identifier: Apache-2.0
/* verity_table: see verity_table.h. */
#include "verity_table.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "hex.h"

enum { VERITY_FIELDS = 10 };

static int parse_uint(const char *s, unsigned long long max,
		      unsigned long long *out)
{
	unsigned long long v = 0;

	if (*s == '\0')
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (v > (max - (unsigned long long)(*s - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (unsigned long long)(*s - '0');
	}
	*out = v;
	return 0;
}

static bool is_hex(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);

	if (n < min || n > max || n % 2)
		return false;
	return hex_lower_span(s, n) == n;
}

/*
 * The optional arguments: none, or one that makes a corrupted block end the
 * machine (restart_on_corruption, panic_on_corruption). Every other one
 * weakens the check the root's trust rests on: ignore_corruption only logs,
 * check_at_most_once verifies a block once and trusts it on every later
 * read, ignore_zero_blocks returns zeros unverified, and the FEC and
 * signature arguments hand the host other inputs (Linux
 * Documentation/admin-guide/device-mapper/verity.rst). tok is the first
 * token after the salt, or NULL.
 */
static int check_optional(char *tok, char **save, char *err, size_t errlen)
{
	unsigned long long count, i;

	if (tok == NULL)
		return 0;
	if (parse_uint(tok, 1, &count) < 0 || count > 1) {
		snprintf(err, errlen, "verity optional arguments: count \"%.8s\", want 0 or 1", tok);
		return -EINVAL;
	}
	for (i = 0; i < count; i++) {
		tok = strtok_r(NULL, " ", save);
		if (tok == NULL || (strcmp(tok, "restart_on_corruption") != 0 &&
				    strcmp(tok, "panic_on_corruption") != 0)) {
			snprintf(err, errlen, "verity optional argument \"%.32s\" refused: only "
				 "restart_on_corruption or panic_on_corruption", tok ? tok : "");
			return -EINVAL;
		}
	}
	if ((tok = strtok_r(NULL, " ", save)) != NULL) {
		snprintf(err, errlen, "verity table: \"%.32s\" after the optional arguments", tok);
		return -EINVAL;
	}
	return 0;
}

int verity_parse_table(const char *params, struct verity_table *t, char *err,
		       size_t errlen)
{
	static const char *const names[VERITY_FIELDS] = {
		"version", "data device", "hash device", "data block size",
		"hash block size", "data blocks", "hash start", "algorithm",
		"root digest", "salt",
	};
	char buf[1024], *f[VERITY_FIELDS], *save = NULL, *tok;
	unsigned long long v;
	size_t n = 0;

	memset(t, 0, sizeof(*t));
	if (strlen(params) >= sizeof(buf)) {
		snprintf(err, errlen, "verity table too long");
		return -EINVAL;
	}
	strcpy(buf, params);
	for (tok = strtok_r(buf, " ", &save); tok && n < VERITY_FIELDS;
	     tok = strtok_r(NULL, " ", &save))
		f[n++] = tok;
	if (n < VERITY_FIELDS) {
		snprintf(err, errlen, "verity table lacks the %s", names[n]);
		return -EINVAL;
	}
	/* The loop has read the token after the salt, if any. */
	if (check_optional(tok, &save, err, errlen) < 0)
		return -EINVAL;
	if (parse_uint(f[0], 1, &v) < 0 || v != 1) {
		snprintf(err, errlen, "verity table version \"%.8s\", want 1", f[0]);
		return -EINVAL;
	}
	t->version = 1;
	if (parse_uint(f[3], 65536, &v) < 0 || v < 512 || (v & (v - 1))) {
		snprintf(err, errlen, "bad data block size \"%.16s\"", f[3]);
		return -EINVAL;
	}
	t->data_block_size = (unsigned)v;
	if (parse_uint(f[4], 65536, &v) < 0 || v < 512 || (v & (v - 1))) {
		snprintf(err, errlen, "bad hash block size \"%.16s\"", f[4]);
		return -EINVAL;
	}
	t->hash_block_size = (unsigned)v;
	if (parse_uint(f[5], ~0ULL, &t->data_blocks) < 0 || t->data_blocks == 0 ||
	    parse_uint(f[6], ~0ULL, &t->hash_start) < 0) {
		snprintf(err, errlen, "bad block counts \"%.24s %.24s\"", f[5], f[6]);
		return -EINVAL;
	}
	if (strlen(f[7]) >= sizeof(t->algorithm)) {
		snprintf(err, errlen, "bad algorithm");
		return -EINVAL;
	}
	strcpy(t->algorithm, f[7]);
	if (!is_hex(f[8], 2, ROOTHASH_HEX_MAX)) {
		snprintf(err, errlen, "bad root digest");
		return -EINVAL;
	}
	strcpy(t->root_hash, f[8]);
	/* "-" means no salt. */
	if (strcmp(f[9], "-") != 0 && !is_hex(f[9], 2, ROOTHASH_HEX_MAX)) {
		snprintf(err, errlen, "bad salt");
		return -EINVAL;
	}
	strcpy(t->salt, f[9]);
	return 0;
}
