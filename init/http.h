/* SPDX-License-Identifier: Apache-2.0 */
/*
 * http: the few HTTP requests the KBS protocol needs, through libcurl.
 * Reads: one response per request, capped at HTTP_MAX_BODY bytes.
 * Changes: nothing but the connection. TLS trusts exactly the PEM
 * certificate from the measured initdata; plain http only when the
 * initdata's URL says http://. No redirects, no proxies, no cookies jar:
 * the one cookie the KBS sets is parsed (kbs_parse_set_cookie()) and sent
 * back by the caller.
 * On failure: -errno with a reason; a transport failure is -EAGAIN (the
 * caller may retry), anything the server said is returned as a status.
 */
#ifndef SEALROOT_HTTP_H
#define SEALROOT_HTTP_H

#include <stddef.h>

#include "kbs_reply.h"

/*
 * 16 MiB: Trustee serves a resource of any size, and base64 and the JWE add
 * about a third, so a resource of up to about 12 MiB fits; the old 1 MiB
 * cap refused anything over about 780 KB that Trustee served.
 */
enum { HTTP_MAX_BODY = 16 << 20 };

struct http;

struct http_resp {
	long status;
	char *body;                     /* NUL-terminated, malloc'd; may be NULL */
	size_t len;
	char cookie[KBS_COOKIE_MAX];    /* kbs-session-id from Set-Cookie, or "" */
	int oversized;                  /* the body passed HTTP_MAX_BODY */
};

/* One client: ca_pem (len bytes, may be NULL for http://) is the only trust anchor. */
int http_open(struct http **h, const char *ca_pem, size_t ca_len, char *err, size_t errlen);
void http_close(struct http *h);

/*
 * method "GET" or "POST" (body with Content-Type application/json);
 * cookie NULL or the session id to send; timeout_ms bounds the whole call,
 * and the connection alone at most HTTP_CONNECT_MS of it.
 */
enum { HTTP_CONNECT_MS = 10000 };
int http_request(struct http *h, const char *method, const char *url, const char *body,
		 size_t body_len, const char *cookie, long timeout_ms, struct http_resp *resp,
		 char *err, size_t errlen);
void http_resp_free(struct http_resp *r);

#endif
