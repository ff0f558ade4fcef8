// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer harness: the initdata block reader and the document checker,
 * that is, everything the init does with the bytes of the initdata device.
 * The first byte picks the entry point: odd, the rest is a device image
 * (header, length check, gunzip, document); even, the rest is the TOML
 * document itself, so the fuzzer need not forge gzip checksums to reach it.
 * A document that passes also goes through config_parse (sealroot.toml,
 * aa.toml and cdh.toml settings).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "config.h"
#include "initdata_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct initdata_doc doc;
	char err[INITDATA_ERR], *toml = NULL;
	size_t toml_len = 0, i;
	uint64_t len;

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		data++;
		size--;
		if (size < INITDATA_HEADER ||
		    initdata_header(data, size, &len, err, sizeof(err)) != 1)
			return 0;
		if (initdata_gunzip(data + INITDATA_HEADER, (size_t)len, &toml,
				    &toml_len, err, sizeof(err)) < 0)
			return 0;
	} else {
		toml = malloc(size);
		if (!toml)
			return 0;
		for (i = 1; i < size; i++)
			toml[i - 1] = (char)data[i];
		toml_len = size - 1;
	}
	if (initdata_doc_parse(toml, toml_len, &doc, err, sizeof(err)) == 0) {
		static struct attest_config conf;

		(void)config_parse(&doc, &conf, err, sizeof(err));
		for (i = 0; doc.data && i < toml_count(doc.data); i++) {
			size_t klen, vlen;
			const char *k = toml_key(doc.data, i, &klen);
			const char *v = toml_string(toml_at(doc.data, i), &vlen);

			if (!initdata_name_ok(k, klen) || !v)
				abort(); /* the checker let a bad entry through */
		}
		initdata_doc_free(&doc);
	}
	free(toml);
	return 0;
}
