// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for lib/config.c: the KBS from aa.toml or cdh.toml, and
 * sealroot.toml's [attestation], [network], [[resource]] and [storage]
 * tables, with the error for each bad value.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

static struct attest_config C;
static char err[256];

/* C.kbs_cert points into the document, which therefore lives until the
 * next call, as the init's lives for the whole boot. */
static struct initdata_doc d;

static int teardown(void **state)
{
	(void)state;
	initdata_doc_free(&d);
	return 0;
}

/* An initdata document with the given [data] entries (TOML lines). */
static int conf(const char *data_lines)
{
	char doc[4096];
	int r;

	initdata_doc_free(&d);
	snprintf(doc, sizeof(doc), "version = \"0.1.0\"\nalgorithm = \"sha384\"\n[data]\n%s", data_lines);
	err[0] = '\0';
	r = initdata_doc_parse(doc, strlen(doc), &d, err, sizeof(err));
	if (r < 0)
		fail_msg("document: %s", err);
	return config_parse(&d, &C, err, sizeof(err));
}

#define AA(url, cert) "\"aa.toml\" = '''\n[token_configs.kbs]\nurl = \"" url "\"\ncert = \"\"\"" cert "\"\"\"\n'''\n"
#define CDH(url, cert) "\"cdh.toml\" = '''\n[kbc]\nname = \"cc_kbc\"\nurl = \"" url "\"\nkbs_cert = \"" cert "\"\n'''\n"
#define SR(body) "\"sealroot.toml\" = '''\n" body "'''\n"
/* The owner's explicit consent to a plain-http KBS, first in sealroot.toml. */
#define HTTPOK "[attestation]\nallow_http = true\n"

static void test_defaults(void **state)
{
	(void)state;
	assert_int_equal(conf(""), 0);
	assert_string_equal(C.kbs_url, "");
	assert_int_equal(C.n_res, 0);
	assert_false(C.allow_sample);
	assert_false(C.rsa);
	assert_false(C.net);
	assert_int_equal(C.retries, 5);
	assert_int_equal(C.deadline_ms, 60000);
	assert_false(C.allow_http);
	assert_true(C.storage.integrity);
}

/*
 * Plain http:// (issue 16, finding 5): over it the host can answer the
 * whole protocol and encrypt secrets of its choosing, so the init uses it
 * only with the owner's explicit allow_http, and never for the storage key.
 */
/*
 * A trailing '/' is trimmed, as guest-components' kbs_protocol builder does
 * (attestation-agent/kbs_protocol/src/builder.rs, trim_end_matches('/'),
 * commit 8246e5e0); otherwise the request path would start "//kbs/v0",
 * which Trustee's router answers with 404.
 */
static void test_kbs_url_trailing_slash(void **state)
{
	(void)state;
	assert_int_equal(conf(AA("https://kbs.example:8080/", "PEM")), 0);
	assert_string_equal(C.kbs_url, "https://kbs.example:8080");
	assert_int_equal(conf(AA("https://kbs.example/prefix//", "PEM")), 0);
	assert_string_equal(C.kbs_url, "https://kbs.example/prefix");
	/* aa.toml and cdh.toml agree when they differ only by the slash. */
	assert_int_equal(conf(AA("https://k:1/", "PEM") CDH("https://k:1", "PEM")), 0);
	assert_string_equal(C.kbs_url, "https://k:1");
	/* Nothing but the scheme is no URL. */
	assert_int_equal(conf(AA("https:///", "")), -EINVAL);
	assert_string_equal(err, "aa.toml [token_configs.kbs]: url is not an http:// or https:// URL");
	assert_int_equal(conf(AA("http://", "")), -EINVAL);
}

static void test_plain_http(void **state)
{
	(void)state;
	/* A URL nobody uses (nothing asked) is not refused: aa.toml may be for
	 * the attestation-agent alone. */
	assert_int_equal(conf(AA("http://k:1", "")), 0);
	assert_int_equal(conf(AA("http://k:1", "") SR("[[resource]]\nuri = \"kbs:///a/b/c\"\npath = \"p\"\n")), -EINVAL);
	assert_string_equal(err, "the KBS URL is plain http://, over which the host can choose every "
			    "secret; use https:// with the KBS's certificate, or set [attestation] "
			    "allow_http = true");
	assert_int_equal(conf(AA("http://k:1", "") SR(HTTPOK "[[resource]]\nuri = \"kbs:///a/b/c\"\npath = \"p\"\n")), 0);
	assert_true(C.allow_http);
	assert_int_equal(conf(AA("https://k:1", "PEM") SR("[[resource]]\nuri = \"kbs:///a/b/c\"\npath = \"p\"\n")), 0);
	assert_false(C.allow_http);
	/* The storage key: never over http, whatever the owner allows. */
	assert_int_equal(conf(AA("http://k:1", "") SR(HTTPOK "[storage]\ndevice = \"s\"\nkey = \"kbs:///a/b/c\"\n")), -EINVAL);
	assert_string_equal(err, "[storage]: the key would come from the KBS over plain http://, so the "
			    "host could choose it; the KBS URL must be https://");
	assert_int_equal(conf(CDH("http://k:1", "") SR("[storage]\ndevice = \"s\"\nkey = \"kbs:///a/b/c\"\n")), -EINVAL);
	/* (Issue 18, row 8: a KBS-key disk needs a mountpoint outside
	 * /run/kata-containers; test_storage_kbs_key_mountpoint.) */
	assert_int_equal(conf(AA("https://k:1", "PEM") SR("[storage]\ndevice = \"s\"\nkey = \"kbs:///a/b/c\"\n"
							  "mountpoint = \"/run/scratch\"\n")), 0);
	assert_int_equal(conf(SR("[attestation]\nallow_http = 1\n")), -EINVAL);
	assert_string_equal(err, "[attestation]: allow_http must be true or false");
}

static void test_kbs_sources(void **state)
{
	(void)state;
	assert_int_equal(conf(AA("http://10.0.2.100:8080", "")), 0);
	assert_string_equal(C.kbs_url, "http://10.0.2.100:8080");
	assert_null(C.kbs_cert);
	assert_int_equal(conf(CDH("https://kbs:8443", "PEM")), 0);
	assert_string_equal(C.kbs_url, "https://kbs:8443");
	assert_int_equal(C.kbs_cert_len, 3);
	assert_memory_equal(C.kbs_cert, "PEM", 3);
	/* Both: they must agree. */
	assert_int_equal(conf(AA("http://a:1", "") CDH("http://a:1", "")), 0);
	assert_int_equal(conf(AA("http://a:1", "") CDH("http://b:1", "")), -EINVAL);
	assert_string_equal(err, "aa.toml and cdh.toml name different KBS URLs");
	assert_int_equal(conf(AA("https://a:1", "X") CDH("https://a:1", "Y")), -EINVAL);
	assert_string_equal(err, "aa.toml and cdh.toml name different KBS certificates");
	assert_int_equal(conf(AA("ftp://a", "")), -EINVAL);
	assert_string_equal(err, "aa.toml [token_configs.kbs]: url is not an http:// or https:// URL");
	assert_int_equal(conf(AA("http://a b", "")), -EINVAL);
	/* https needs a certificate from the initdata. */
	assert_int_equal(conf(AA("https://a:1", "") SR("[[resource]]\nuri = \"kbs:///d/k/w\"\npath = \"w\"\n")), -EINVAL);
	assert_non_null(strstr(err, "gives no certificate to trust"));
}

static void test_attestation_table(void **state)
{
	(void)state;
	assert_int_equal(conf(SR("[attestation]\nallow_sample = true\nkey = \"rsa\"\nretries = 3\ndeadline_ms = 5000\n")), 0);
	assert_true(C.allow_sample);
	assert_true(C.rsa);
	assert_int_equal(C.retries, 3);
	assert_int_equal(C.deadline_ms, 5000);
	assert_int_equal(conf(SR("[attestation]\nallow_smaple = true\n")), -EINVAL);
	assert_string_equal(err, "sealroot.toml [attestation]: unknown key \"allow_smaple\"");
	assert_int_equal(conf(SR("[attestation]\nallow_sample = \"yes\"\n")), -EINVAL);
	assert_string_equal(err, "[attestation]: allow_sample must be true or false");
	assert_int_equal(conf(SR("[attestation]\nkey = \"dsa\"\n")), -EINVAL);
	assert_string_equal(err, "[attestation]: key \"dsa\" is not ec or rsa");
	assert_int_equal(conf(SR("[attestation]\nretries = 0\n")), -EINVAL);
	assert_string_equal(err, "[attestation]: retries must be an integer from 1 to 20");
	assert_int_equal(conf(SR("[attestation]\ndeadline_ms = 600001\n")), -EINVAL);
	assert_int_equal(conf(SR("bogus = 1\n")), -EINVAL);
	assert_string_equal(err, "sealroot.toml: unknown key \"bogus\"");
	assert_int_equal(conf(SR("[attestation\n")), -EINVAL);
	assert_non_null(strstr(err, "sealroot.toml: line 1 column"));
}

static void test_network(void **state)
{
	(void)state;
	assert_int_equal(conf(SR("[network]\naddress = \"10.0.2.15/24\"\ngateway = \"10.0.2.2\"\n")), 0);
	assert_true(C.net);
	assert_string_equal(C.ifname, "eth0");
	assert_int_equal(C.addr, 0x0a00020f);
	assert_int_equal(C.prefix, 24);
	assert_int_equal(C.gw, 0x0a000202);
	assert_int_equal(conf(SR("[network]\ninterface = \"enp0s1\"\naddress = \"192.168.1.2/32\"\n")), 0);
	assert_string_equal(C.ifname, "enp0s1");
	assert_int_equal(C.gw, 0);
	assert_int_equal(conf(SR("[network]\ngateway = \"10.0.2.2\"\n")), -EINVAL);
	assert_string_equal(err, "[network]: address (a.b.c.d/prefix) is required");
	static const char *bad[] = { "10.0.2.15", "10.0.2/24", "10.0.2.256/24", "10.0.2.015/24",
				     "10.0.2.15/33", "10.0.2.15/0", "10.0.2.15/", "10.0.2.15/2x",
				     "10.0.2.15.1/24", " 10.0.2.15/24" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char line[128];

		snprintf(line, sizeof(line), SR("[network]\naddress = \"%s\"\n"), bad[i]);
		if (conf(line) != -EINVAL)
			fail_msg("accepted address %s", bad[i]);
	}
	assert_int_equal(conf(SR("[network]\naddress = \"10.0.2.15/24\"\ngateway = \"10.0.2\"\n")), -EINVAL);
	assert_string_equal(err, "[network]: gateway \"10.0.2\" is not a.b.c.d");
	assert_int_equal(conf(SR("[network]\naddress = \"10.0.2.15/24\"\ninterface = \"a/b\"\n")), -EINVAL);
	assert_int_equal(conf(SR("[network]\naddress = \"10.0.2.15/24\"\nmtu = 1500\n")), -EINVAL);
	assert_string_equal(err, "sealroot.toml [network]: unknown key \"mtu\"");
}

static void test_resources(void **state)
{
	(void)state;
	assert_int_equal(conf(AA("http://k:1", "") SR(HTTPOK "[[resource]]\nuri = \"kbs:///default/key/web\"\npath = \"web.key\"\n"
						      "[[resource]]\nuri = \"kbs:///r/t/tag-1.x_y\"\npath = \"b\"\n")), 0);
	assert_int_equal(C.n_res, 2);
	assert_string_equal(C.res[0].repo_type_tag, "default/key/web");
	assert_string_equal(C.res[0].path, "web.key");
	assert_string_equal(C.res[1].repo_type_tag, "r/t/tag-1.x_y");
	/* Dots after the first character are Trustee's too ("1.ok/2ok./3..."). */
	assert_int_equal(conf(AA("http://k:1", "") SR(HTTPOK "[[resource]]\nuri = \"kbs:///1.ok/2ok./3...\"\npath = \"b\"\n")), 0);
	assert_string_equal(C.res[0].repo_type_tag, "1.ok/2ok./3...");
	/* No KBS to ask. */
	assert_int_equal(conf(SR("[[resource]]\nuri = \"kbs:///a/b/c\"\npath = \"p\"\n")), -EINVAL);
	assert_non_null(strstr(err, "neither aa.toml nor cdh.toml names a KBS"));
	static const char *bad_uri[] = { "kbs://host/a/b/c", "kbs:///a/b", "kbs:///a/b/c/d", "kbs:///a//c",
					 "kbs:///a/b/", "kbs:///a/../c", "kbs:///../b/c", "kbs:///a/b/..",
					 "kbs:///a/b/c?x", "kbs:///a/b/%2e", "https://x/a/b/c",
					 /* Trustee's ResourceDesc: no part may start with '.'
					  * (trustee resource/backend.rs, TryFrom, 78962cd4). */
					 "kbs:///.a/b/c", "kbs:///a/.b/c", "kbs:///a/b/.c",
					 "kbs:///a/b/.", "kbs:///./b/c" };
	for (size_t i = 0; i < sizeof(bad_uri) / sizeof(bad_uri[0]); i++) {
		char line[256];

		snprintf(line, sizeof(line), AA("http://k:1", "") SR(HTTPOK "[[resource]]\nuri = \"%s\"\npath = \"p\"\n"), bad_uri[i]);
		if (conf(line) != -EINVAL || !strstr(err, "is not kbs:///repository/type/tag"))
			fail_msg("uri %s: %s", bad_uri[i], err);
	}
	assert_int_equal(conf(AA("http://k:1", "") SR(HTTPOK "[[resource]]\nuri = \"kbs:///a/b/c\"\npath = \"../x\"\n")), -EINVAL);
	assert_string_equal(err, "[[resource]]: path \"../x\" is not a plain file name");
	assert_int_equal(conf(AA("http://k:1", "") SR(HTTPOK "[[resource]]\nuri = \"kbs:///a/b/c\"\npath = \"x\"\n"
						      "[[resource]]\nuri = \"kbs:///a/b/d\"\npath = \"x\"\n")), -EINVAL);
	assert_string_equal(err, "[[resource]]: path \"x\" is used twice");
	assert_int_equal(conf(AA("http://k:1", "") SR(HTTPOK "[[resource]]\nuri = \"kbs:///a/b/c\"\n")), -EINVAL);
	assert_string_equal(err, "[[resource]]: uri and path are both required");
	assert_int_equal(conf(AA("http://k:1", "") SR(HTTPOK "[resource]\nuri = \"kbs:///a/b/c\"\npath = \"x\"\n")), -EINVAL);
	assert_string_equal(err, "sealroot.toml: resource must be [[resource]] tables");
}

static void test_storage(void **state)
{
	(void)state;
	/* Absent: nothing set, the default mount point. */
	assert_int_equal(conf(SR("")), 0);
	assert_false(C.storage.set);
	assert_true(C.storage.integrity);
	assert_string_equal(C.storage.mountpoint, "/run/kata-containers/image");
	assert_int_equal(conf(SR("[storage]\ndevice = \"scratch0\"\n")), 0);
	assert_true(C.storage.set);
	assert_string_equal(C.storage.device, "scratch0");
	/* Integrity unless the owner turns it off. */
	assert_true(C.storage.integrity);
	assert_false(C.storage.exec || C.storage.suid || C.storage.dev);
	assert_string_equal(C.storage.key, "");
	assert_string_equal(C.storage.mountpoint, "/run/kata-containers/image");
	assert_int_equal(conf(AA("https://k:1", "PEM") SR("[storage]\ndevice = \"/dev/vdc\"\nintegrity = false\n"
						      "key = \"kbs:///default/key/disk\"\nmountpoint = \"/run/scratch/a\"\n"
						      "exec = true\nsuid = false\ndev = true\n")), 0);
	assert_string_equal(C.storage.device, "/dev/vdc");
	assert_false(C.storage.integrity);
	assert_string_equal(C.storage.key, "default/key/disk");
	assert_string_equal(C.storage.mountpoint, "/run/scratch/a");
	assert_true(C.storage.exec);
	assert_false(C.storage.suid);
	assert_true(C.storage.dev);
	/* A KBS key needs a KBS. */
	assert_int_equal(conf(SR("[storage]\ndevice = \"s\"\nkey = \"kbs:///a/b/c\"\n")), -EINVAL);
	assert_non_null(strstr(err, "neither aa.toml nor cdh.toml names a KBS"));

	static const struct {
		const char *body, *err;
	} bad[] = {
		{ "[storage]\ndevices = \"s\"\n", "sealroot.toml [storage]: unknown key \"devices\"" },
		{ "storage = 1\n", "sealroot.toml: storage must be a table" },
		{ "[storage]\ndevice = 3\n", "[storage]: device must be a string" },
		{ "[storage]\ndevice = \"\"\n", "[storage]: device \"\" is neither /dev/<disk> nor a disk serial" },
		{ "[storage]\ndevice = \"/dev/\"\n", "[storage]: device \"/dev/\" is neither /dev/<disk> nor a disk serial" },
		{ "[storage]\ndevice = \"/dev/../sda\"\n", "[storage]: device \"/dev/../sda\" is neither /dev/<disk> nor a disk serial" },
		{ "[storage]\ndevice = \"/dev/mapper/x\"\n", "[storage]: device \"/dev/mapper/x\" is neither /dev/<disk> nor a disk serial" },
		{ "[storage]\ndevice = \"a b\"\n", "[storage]: device \"a b\" is neither /dev/<disk> nor a disk serial" },
		{ "[storage]\ndevice = \"abcdefghijklmnopqrstu\"\n", "[storage]: device \"abcdefghijklmnopqrstu\" is neither /dev/<disk> nor a disk serial" },
		{ "[storage]\nintegrity = \"yes\"\n", "[storage]: integrity must be true or false" },
		{ "[storage]\nexec = 1\n", "[storage]: exec must be true or false" },
		{ "[storage]\nkey = \"kbs:///a/b\"\n", "[storage]: key \"kbs:///a/b\" is not kbs:///repository/type/tag" },
		{ "[storage]\nmountpoint = \"/mnt\"\n", "[storage]: mountpoint \"/mnt\" is not a plain path under /run (outside /run/sealroot and /run/confidential-containers)" },
		{ "[storage]\nmountpoint = \"/run/a/../b\"\n", "[storage]: mountpoint \"/run/a/../b\" is not a plain path under /run (outside /run/sealroot and /run/confidential-containers)" },
		{ "[storage]\nmountpoint = \"/run/sealroot/secrets\"\n", "[storage]: mountpoint \"/run/sealroot/secrets\" is not a plain path under /run (outside /run/sealroot and /run/confidential-containers)" },
		{ "[storage]\nmountpoint = \"/run/confidential-containers\"\n", "[storage]: mountpoint \"/run/confidential-containers\" is not a plain path under /run (outside /run/sealroot and /run/confidential-containers)" },
		{ "[storage]\nmountpoint = \"/run/x/\"\n", "[storage]: mountpoint \"/run/x/\" is not a plain path under /run (outside /run/sealroot and /run/confidential-containers)" },
		{ "[storage]\nmountpoint = \"/run//x\"\n", "[storage]: mountpoint \"/run//x\" is not a plain path under /run (outside /run/sealroot and /run/confidential-containers)" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char line[512];

		snprintf(line, sizeof(line), AA("http://k:1", "") SR("%s"), bad[i].body);
		if (conf(line) != -EINVAL || strcmp(err, bad[i].err) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, err, bad[i].err);
	}
}

/*
 * Kata's agent runs remove_dir_all("/run/kata-containers") at every
 * CreateSandbox (kata-containers src/agent/src/rpc.rs, create_sandbox,
 * CONTAINER_BASE; commit 7c6ba40c54ea), which deletes the files of any
 * disk mounted below it. A KBS-key disk keeps its files across boots, so
 * it must be mounted elsewhere; an ephemeral one may stay at the default.
 */
static void test_storage_kbs_key_mountpoint(void **state)
{
	static const char *const refused[] = {
		"", /* the default, /run/kata-containers/image */
		"mountpoint = \"/run/kata-containers/image\"\n",
		"mountpoint = \"/run/kata-containers\"\n",
		"mountpoint = \"/run/kata-containers/sandbox/x\"\n",
	};
	static const char *const want[] = {
		"/run/kata-containers/image", "/run/kata-containers/image", "/run/kata-containers",
		"/run/kata-containers/sandbox/x",
	};
	char doc[512], msg[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		snprintf(doc, sizeof(doc), AA("https://k:1", "PEM") SR("[storage]\ndevice = \"s\"\n"
			 "key = \"kbs:///a/b/c\"\n%s"), refused[i]);
		snprintf(msg, sizeof(msg), "[storage]: mountpoint %s is under /run/kata-containers, which "
			 "the Kata agent empties at every sandbox start (rpc.rs create_sandbox), so a "
			 "KBS-key disk would lose its files; use e.g. /run/scratch", want[i]);
		if (conf(doc) != -EINVAL || strcmp(err, msg) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, err, msg);
		/* The message fits the init's and the tool's buffer whole. */
		assert_true(strlen(msg) < sizeof(err));
	}
	/* The longest allowed mountpoint still gives a whole, cut message. */
	assert_int_equal(conf(AA("https://k:1", "PEM") SR("[storage]\ndevice = \"s\"\nkey = \"kbs:///a/b/c\"\n"
		"mountpoint = \"/run/kata-containers/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\n")),
		-EINVAL);
	assert_non_null(strstr(err, "use e.g. /run/scratch"));
	/* Outside it, and names that only share the prefix, are fine. */
	assert_int_equal(conf(AA("https://k:1", "PEM") SR("[storage]\ndevice = \"s\"\nkey = \"kbs:///a/b/c\"\n"
							  "mountpoint = \"/run/scratch\"\n")), 0);
	assert_string_equal(C.storage.mountpoint, "/run/scratch");
	assert_int_equal(conf(AA("https://k:1", "PEM") SR("[storage]\ndevice = \"s\"\nkey = \"kbs:///a/b/c\"\n"
							  "mountpoint = \"/run/kata-containers2\"\n")), 0);
	/* An ephemeral disk (no key) may keep the default: it is fresh every boot. */
	assert_int_equal(conf(AA("https://k:1", "PEM") SR("[storage]\ndevice = \"s\"\n")), 0);
	assert_string_equal(C.storage.mountpoint, "/run/kata-containers/image");
	/* Plain http:// is still the first reason given. */
	assert_int_equal(conf(AA("http://k:1", "") SR("[storage]\ndevice = \"s\"\nkey = \"kbs:///a/b/c\"\n")),
			 -EINVAL);
	assert_non_null(strstr(err, "over plain http://"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_kbs_sources),
		cmocka_unit_test(test_plain_http),
		cmocka_unit_test(test_kbs_url_trailing_slash),
		cmocka_unit_test(test_attestation_table),
		cmocka_unit_test(test_network),
		cmocka_unit_test(test_resources),
		cmocka_unit_test(test_storage),
		cmocka_unit_test(test_storage_kbs_key_mountpoint),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
