/* SPDX-License-Identifier: MIT */
/* test_fcgi_wire.c: the push loop's FastCGI parser (cgi/fcgi_wire.c): requests
 * as nginx sends them, in one piece or byte by byte, one after another on
 * a kept connection; bodies over the limit; and records no responder
 * should accept, which must end the connection, not the process. */
#include <stdlib.h>
#include <string.h>

#include "fcgi_wire.h"
#include "tests.h"

/* A record, padded to a multiple of 8 bytes as nginx pads them. */
static void record(struct buf *out, int type, int id, const char *c, size_t n)
{
	size_t pad = (8 - n % 8) % 8;
	const char h[8] = {1, (char)type, (char)(id >> 8), (char)id, (char)(n >> 8), (char)n, (char)pad, 0};
	buf_append(out, h, sizeof h);
	buf_append(out, c, n);
	buf_append(out, "\0\0\0\0\0\0\0", pad);
}

/* A name-value pair's length, in one byte or four. */
static void pair_length(struct buf *out, size_t n)
{
	if (n < 128) {
		buf_putc(out, (char)n);
		return;
	}
	const char l[4] = {(char)(0x80 | n >> 24), (char)(n >> 16), (char)(n >> 8), (char)n};
	buf_append(out, l, 4);
}

void fcgi_test_request(struct buf *out, int id, int keep, const char *const *env, const char *body, size_t len)
{
	const char begin[8] = {0, 1, (char)keep, 0, 0, 0, 0, 0};
	record(out, 1, id, begin, sizeof begin);
	struct buf params = {0};
	for (; *env; env++) {
		const char *eq = strchr(*env, '=');
		pair_length(&params, (size_t)(eq - *env));
		pair_length(&params, strlen(eq + 1));
		buf_append(&params, *env, (size_t)(eq - *env));
		buf_puts(&params, eq + 1);
	}
	/* In two records, as a client may split them anywhere. */
	record(out, 4, id, params.data, params.len / 2);
	record(out, 4, id, params.data + params.len / 2, params.len - params.len / 2);
	record(out, 4, id, "", 0);
	for (size_t off = 0; off < len; off += 0xffff)
		record(out, 5, id, body + off, len - off < 0xffff ? len - off : 0xffff);
	record(out, 5, id, "", 0);
	buf_free(&params);
}

static const char *const env[] = {"REQUEST_METHOD=POST", "DOCUMENT_URI=/widgets/w1", "EMPTY=", NULL};

START_TEST(parses_a_request_in_one_piece_or_byte_by_byte)
{
	struct buf in = {0};
	fcgi_test_request(&in, 7, 1, env, "{\"a\":1}", 7);
	for (int bytewise = 0; bytewise < 2; bytewise++) {
		struct fcgi_parser p = {.max_body = 1024};
		struct fcgi_request r;
		size_t have = bytewise ? 0 : in.len, off = 0, used;
		const char *why;
		enum fcgi_result res = FCGI_MORE;
		while (res == FCGI_MORE) {
			ck_assert_uint_le(have, in.len);
			res = fcgi_feed(&p, (const unsigned char *)in.data + off, have - off, &used, &why);
			off += used;
			have++;
		}
		ck_assert_int_eq(res, FCGI_READY);
		ck_assert_uint_eq(off, in.len);
		fcgi_take(&p, &r);
		ck_assert(fcgi_idle(&p));
		ck_assert_int_eq(r.id, 7);
		ck_assert_int_eq(r.keep_conn, 1);
		ck_assert_str_eq(fcgi_param(r.envp, "REQUEST_METHOD"), "POST");
		ck_assert_str_eq(fcgi_param(r.envp, "DOCUMENT_URI"), "/widgets/w1");
		ck_assert_str_eq(fcgi_param(r.envp, "EMPTY"), "");
		ck_assert_str_eq(r.body.data, "{\"a\":1}");
		ck_assert_int_eq(r.body_truncated, 0);
		fcgi_request_free(&r);
		fcgi_parser_free(&p);
	}
	buf_free(&in);
}
END_TEST

START_TEST(takes_requests_one_after_another)
{
	struct buf in = {0}, big = {0};
	for (int i = 0; i < 300; i++)
		buf_putc(&big, 'v');
	struct buf h = {0};
	buf_printf(&h, "HTTP_X_LONG=%s", big.data); /* a value of four-byte length */
	const char *const env_long[] = {"REQUEST_METHOD=POST", h.data, NULL};
	fcgi_test_request(&in, 1, 1, env, "first", 5);
	fcgi_test_request(&in, 1, 0, env_long, "", 0);
	struct fcgi_parser p = {.max_body = 1024};
	struct fcgi_request r;
	size_t used;
	const char *why;
	ck_assert_int_eq(fcgi_feed(&p, (const unsigned char *)in.data, in.len, &used, &why), FCGI_READY);
	ck_assert_uint_lt(used, in.len);
	/* Until taken, the request stays ready and nothing more is read. */
	size_t again;
	ck_assert_int_eq(fcgi_feed(&p, (const unsigned char *)in.data + used, in.len - used, &again, &why), FCGI_READY);
	ck_assert_uint_eq(again, 0);
	fcgi_take(&p, &r);
	ck_assert_str_eq(r.body.data, "first");
	fcgi_request_free(&r);
	size_t rest;
	ck_assert_int_eq(fcgi_feed(&p, (const unsigned char *)in.data + used, in.len - used, &rest, &why), FCGI_READY);
	ck_assert_uint_eq(used + rest, in.len);
	fcgi_take(&p, &r);
	ck_assert_int_eq(r.keep_conn, 0);
	ck_assert_str_eq(fcgi_param(r.envp, "HTTP_X_LONG"), big.data);
	ck_assert_str_eq(r.body.data, "");
	fcgi_request_free(&r);
	fcgi_parser_free(&p);
	buf_free(&in);
	buf_free(&big);
	buf_free(&h);
}
END_TEST

START_TEST(drops_the_body_past_the_limit)
{
	struct buf in = {0}, body = {0};
	for (int i = 0; i < 100000; i++)
		buf_putc(&body, (char)('a' + i % 26));
	fcgi_test_request(&in, 3, 1, env, body.data, body.len);
	struct fcgi_parser p = {.max_body = 70000};
	struct fcgi_request r;
	size_t used;
	const char *why;
	ck_assert_int_eq(fcgi_feed(&p, (const unsigned char *)in.data, in.len, &used, &why), FCGI_READY);
	fcgi_take(&p, &r);
	ck_assert_uint_eq(r.body.len, 70000);
	ck_assert_int_eq(r.body_truncated, 1);
	ck_assert_int_eq(memcmp(r.body.data, body.data, 70000), 0);
	fcgi_request_free(&r);
	fcgi_parser_free(&p);
	buf_free(&in);
	buf_free(&body);
}
END_TEST

/* Feeds the whole of in; the result, and why when invalid. */
static enum fcgi_result feed_all(const struct buf *in, const char **why)
{
	struct fcgi_parser p = {.max_body = 1024};
	size_t used;
	*why = NULL;
	enum fcgi_result res = fcgi_feed(&p, (const unsigned char *)in->data, in->len, &used, why);
	fcgi_parser_free(&p);
	return res;
}

static const struct {
	const char *raw;
	size_t n;
} bad_params[] = {
	{"\x05\x01"
	 "ab",
	 4}, /* a name longer than the parameters */
	{"\x01\x03"
	 "Ab\0c",
	 5}, /* a NUL inside a value */
	{"\x03\x01"
	 "A=Bc",
	 5}, /* an '=' inside a name */
	{"\x00\x01"
	 "v",
	 3}, /* no name */
	{"\x01\xff\xff\xff\xff"
	 "ab",
	 7}, /* a value's length far past the end */
};

START_TEST(refuses_what_no_responder_accepts)
{
	struct buf in = {0};
	const char *why;
	const char begin[8] = {0, 1, 1, 0, 0, 0, 0, 0};

	/* Another protocol version. */
	fcgi_test_request(&in, 1, 1, env, "", 0);
	in.data[0] = 2;
	ck_assert_int_eq(feed_all(&in, &why), FCGI_INVALID);
	ck_assert_str_eq(why, "not FastCGI version 1");

	/* Two requests at once on one connection. */
	buf_reset(&in);
	record(&in, 1, 1, begin, 8);
	record(&in, 1, 2, begin, 8);
	ck_assert_int_eq(feed_all(&in, &why), FCGI_INVALID);

	/* An authorizer's request. */
	buf_reset(&in);
	const char authorizer[8] = {0, 2, 1, 0, 0, 0, 0, 0};
	record(&in, 1, 1, authorizer, 8);
	ck_assert_int_eq(feed_all(&in, &why), FCGI_INVALID);

	/* A body before any request began. */
	buf_reset(&in);
	record(&in, 5, 1, "x", 1);
	ck_assert_int_eq(feed_all(&in, &why), FCGI_INVALID);

	/* Parameters no client sends. */
	for (size_t i = 0; i < sizeof bad_params / sizeof bad_params[0]; i++) {
		buf_reset(&in);
		record(&in, 1, 1, begin, 8);
		record(&in, 4, 1, bad_params[i].raw, bad_params[i].n);
		record(&in, 4, 1, "", 0);
		ck_assert_int_eq(feed_all(&in, &why), FCGI_INVALID);
		ck_assert_str_eq(why, "malformed request parameters");
	}

	/* Parameters past the limit. */
	buf_reset(&in);
	record(&in, 1, 1, begin, 8);
	struct buf chunk = {0};
	for (int i = 0; i < 0xffff; i++)
		buf_putc(&chunk, 'p');
	record(&in, 4, 1, chunk.data, chunk.len);
	record(&in, 4, 1, chunk.data, 10);
	ck_assert_int_eq(feed_all(&in, &why), FCGI_INVALID);
	ck_assert_str_eq(why, "request parameters too large");

	/* An abort. */
	buf_reset(&in);
	record(&in, 1, 1, begin, 8);
	record(&in, 2, 1, "", 0);
	ck_assert_int_eq(feed_all(&in, &why), FCGI_INVALID);

	/* Management records are let pass. */
	buf_reset(&in);
	record(&in, 9, 0, "", 0);
	ck_assert_int_eq(feed_all(&in, &why), FCGI_MORE);
	buf_free(&chunk);
	buf_free(&in);
}
END_TEST

START_TEST(replies_in_records)
{
	struct buf out = {0}, resp = {0};
	buf_puts(&resp, "Status: 200 OK\r\n\r\n");
	while (resp.len < 70000)
		buf_putc(&resp, 'x');
	fcgi_reply(&out, 0x1234, resp.data, resp.len);
	const unsigned char *o = (const unsigned char *)out.data;
	size_t off = 0, got = 0;
	int records = 0;
	while (off < out.len) {
		size_t n = (size_t)o[off + 4] << 8 | o[off + 5];
		ck_assert_int_eq(o[off], 1);
		ck_assert_int_eq(o[off + 2] << 8 | o[off + 3], 0x1234);
		if (o[off + 1] == 6) {
			ck_assert_int_eq(memcmp(out.data + off + 8, resp.data + got, n), 0);
			got += n;
		} else {
			ck_assert_int_eq(o[off + 1], 3); /* the end of the request, last */
			ck_assert_uint_eq(off + 8 + n, out.len);
		}
		off += 8 + n + o[off + 6];
		records++;
	}
	ck_assert_uint_eq(got, resp.len);
	ck_assert_int_eq(records, 4); /* two with the response, an empty one, the end */
	buf_free(&out);
	buf_free(&resp);
}
END_TEST

TCase *tcase_fcgi_wire(void)
{
	TCase *tc = tcase_create("fcgi_wire");
	tcase_add_test(tc, parses_a_request_in_one_piece_or_byte_by_byte);
	tcase_add_test(tc, takes_requests_one_after_another);
	tcase_add_test(tc, drops_the_body_past_the_limit);
	tcase_add_test(tc, refuses_what_no_responder_accepts);
	tcase_add_test(tc, replies_in_records);
	return tc;
}
