// SPDX-License-Identifier: Apache-2.0
/*
 * http: see http.h.
 */
#include "http.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

struct http {
	CURL *curl;
	char *ca;
	size_t ca_len;
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_resp *r = arg;
	size_t n = size * nmemb;
	char *b;

	if (r->len + n > HTTP_MAX_BODY) {
		r->oversized = 1;
		return 0; /* curl stops with CURLE_WRITE_ERROR */
	}
	b = realloc(r->body, r->len + n + 1);
	if (!b)
		return 0;
	memcpy(b + r->len, data, n);
	r->body = b;
	r->len += n;
	b[r->len] = '\0';
	return n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_resp *r = arg;
	size_t n = size * nmemb;
	char c[KBS_COOKIE_MAX];

	if (kbs_parse_set_cookie(data, n, c) == 1)
		memcpy(r->cookie, c, sizeof(c));
	return n;
}

int http_open(struct http **hp, const char *ca_pem, size_t ca_len, char *err, size_t errlen)
{
	struct http *h;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "curl init failed");
		return -ENOMEM;
	}
	h = calloc(1, sizeof(*h));
	if (!h || !(h->curl = curl_easy_init())) {
		free(h);
		snprintf(err, errlen, "curl init failed");
		return -ENOMEM;
	}
	if (ca_pem && ca_len) {
		h->ca = malloc(ca_len);
		if (!h->ca) {
			http_close(h);
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		memcpy(h->ca, ca_pem, ca_len);
		h->ca_len = ca_len;
	}
	*hp = h;
	return 0;
}

void http_close(struct http *h)
{
	if (!h)
		return;
	if (h->curl)
		curl_easy_cleanup(h->curl);
	free(h->ca);
	free(h);
}

void http_resp_free(struct http_resp *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}

int http_request(struct http *h, const char *method, const char *url, const char *body,
		 size_t body_len, const char *cookie, long timeout_ms, struct http_resp *resp,
		 char *err, size_t errlen)
{
	struct curl_slist *hdrs = NULL, *t;
	struct curl_blob ca;
	char cookie_hdr[KBS_COOKIE_MAX + 32];
	CURL *c = h->curl;
	CURLcode cr;
	int r = 0;

	memset(resp, 0, sizeof(*resp));
	curl_easy_reset(c);
	t = curl_slist_append(hdrs, "Accept: application/json");
	hdrs = t;
	if (t && body) {
		t = curl_slist_append(hdrs, "Content-Type: application/json");
		hdrs = t ? t : hdrs;
	}
	if (t && cookie) {
		snprintf(cookie_hdr, sizeof(cookie_hdr), "Cookie: kbs-session-id=%s", cookie);
		t = curl_slist_append(hdrs, cookie_hdr);
		hdrs = t ? t : hdrs;
	}
	if (!t) {
		curl_slist_free_all(hdrs);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
			 timeout_ms < HTTP_CONNECT_MS ? timeout_ms : (long)HTTP_CONNECT_MS);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, resp);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, resp);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (h->ca) {
		ca.data = h->ca;
		ca.len = h->ca_len;
		ca.flags = CURL_BLOB_NOCOPY;
		curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &ca);
	}
	/* No CA file or path from the (empty) root: only the blob counts. */
	curl_easy_setopt(c, CURLOPT_CAINFO, NULL);
	curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
	if (strcmp(method, "POST") == 0) {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body ? body_len : 0));
	}
	cr = curl_easy_perform(c);
	curl_slist_free_all(hdrs);
	if (resp->oversized) {
		snprintf(err, errlen, "reply body larger than %d bytes", HTTP_MAX_BODY);
		r = -EFBIG;
	} else if (cr != CURLE_OK) {
		snprintf(err, errlen, "%s %s: %s", method, url, curl_easy_strerror(cr));
		r = cr == CURLE_PEER_FAILED_VERIFICATION || cr == CURLE_SSL_CACERT_BADFILE ||
		    cr == CURLE_SSL_CERTPROBLEM ? -EACCES : -EAGAIN;
	} else {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
	}
	if (r < 0)
		http_resp_free(resp);
	return r;
}
