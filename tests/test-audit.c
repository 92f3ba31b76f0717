/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The audit record formatter (audit.c) and SHA-256 (sha256.c): every
 * event kind as one valid JSON line and one key=value line; hostile
 * bytes escaped so that neither form can be broken or forged; distinct
 * byte strings logged distinctly (the "escaped" rule decodes back to the
 * bytes); records held to their cap, with every value that was cut or
 * left out accounted for ("cut", "omitted", "commands_omitted").
 *
 * The records are read back with the test's own strict JSON and
 * key=value readers, and every JSON line is also loaded by python3's
 * json module when it is there.  No root needed.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "xmalloc.h"
#include "tap.h"
#include "xorshift.h"

#define TIMELEN	24	/* 2026-11-23T15:04:05.123Z */
#define MIB	(1024u * 1024)

static char tmpdir[] = "/tmp/test-audit.XXXXXX";
static char pypath[128];
static FILE *pyf;		/* every JSON line made, for python3 */
static size_t pylines;
static time_t started;

static uint64_t seed = 0x9e3779b97f4a7c15ull;

static uint64_t
rnd(void)
{
	return xorshift(&seed);
}

static size_t
rndn(size_t n)
{
	return n == 0 ? 0 : (size_t)(rnd() % n);
}

/*
 * UTF-8, checked independently of jsonw.c: the length of the valid
 * sequence at s (shortest form, no surrogates, at most U+10FFFF), or 0.
 */
static size_t
u8len(const unsigned char *s, size_t n)
{
	unsigned int cp, min;
	size_t l, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		l = 2;
		cp = s[0] & 0x1f;
		min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		l = 3;
		cp = s[0] & 0x0f;
		min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		l = 4;
		cp = s[0] & 0x07;
		min = 0x10000;
	} else
		return 0;
	if (n < l)
		return 0;
	for (i = 1; i < l; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return l;
}

static int
utf8_ok(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i, l;

	for (i = 0; i < n; i += l)
		if ((l = u8len(s + i, n - i)) == 0)
			return 0;
	return 1;
}

/* A value the record writes as itself: valid UTF-8, no NUL. */
static int
plain_ok(const char *s, size_t n)
{
	return utf8_ok(s, n) && memchr(s, '\0', n) == NULL;
}

static void
hex(const unsigned char *h, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

/*
 * A strict JSON reader (RFC 8259, no white space: the writer never
 * emits any; duplicate keys refused: one could hide a forged field).
 */
enum jtype { J_NULL, J_TRUE, J_FALSE, J_NUM, J_STR, J_ARR, J_OBJ };

struct jv {
	enum jtype	 t;
	char		*s;		/* J_STR: its bytes; J_NUM: its text */
	size_t		 len;
	char		*key;		/* a member of an object: its name */
	size_t		 keylen;
	struct jv	*kid;		/* J_ARR, J_OBJ */
	size_t		 n;
};

static void
jv_free(struct jv *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		jv_free(&v->kid[i]);
	free(v->kid);
	free(v->s);
	free(v->key);
	memset(v, 0, sizeof(*v));
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
hex4(const char *p, const char *end, unsigned int *v)
{
	int i, h;

	if (end - p < 4)
		return -1;
	for (*v = 0, i = 0; i < 4; i++) {
		if ((h = hexval((unsigned char)p[i])) < 0)
			return -1;
		*v = *v << 4 | (unsigned int)h;
	}
	return 0;
}

static void
put_utf8(struct sbuf *b, unsigned int cp)
{
	if (cp < 0x80)
		sbuf_addc(b, (char)cp);
	else if (cp < 0x800) {
		sbuf_addc(b, (char)(0xc0 | cp >> 6));
		sbuf_addc(b, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		sbuf_addc(b, (char)(0xe0 | cp >> 12));
		sbuf_addc(b, (char)(0x80 | (cp >> 6 & 0x3f)));
		sbuf_addc(b, (char)(0x80 | (cp & 0x3f)));
	} else {
		sbuf_addc(b, (char)(0xf0 | cp >> 18));
		sbuf_addc(b, (char)(0x80 | (cp >> 12 & 0x3f)));
		sbuf_addc(b, (char)(0x80 | (cp >> 6 & 0x3f)));
		sbuf_addc(b, (char)(0x80 | (cp & 0x3f)));
	}
}

/* A string at *pp into out (its bytes); -1 when malformed. */
static int
j_string(const char **pp, const char *end, struct sbuf *out)
{
	const char *p = *pp;
	unsigned int cp, lo;
	size_t l;

	sbuf_init(out);
	if (p >= end || *p++ != '"')
		return -1;
	for (;;) {
		if (p >= end)
			return -1;
		if (*p == '"')
			break;
		if ((unsigned char)*p < 0x20)
			return -1;
		if (*p != '\\') {
			if ((l = u8len((const unsigned char *)p,
			    (size_t)(end - p))) == 0)
				return -1;
			sbuf_addn(out, p, l);
			p += l;
			continue;
		}
		if (++p >= end)
			return -1;
		switch (*p++) {
		case '"':
			sbuf_addc(out, '"');
			break;
		case '\\':
			sbuf_addc(out, '\\');
			break;
		case '/':
			sbuf_addc(out, '/');
			break;
		case 'b':
			sbuf_addc(out, '\b');
			break;
		case 'f':
			sbuf_addc(out, '\f');
			break;
		case 'n':
			sbuf_addc(out, '\n');
			break;
		case 'r':
			sbuf_addc(out, '\r');
			break;
		case 't':
			sbuf_addc(out, '\t');
			break;
		case 'u':
			if (hex4(p, end, &cp) == -1)
				return -1;
			p += 4;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return -1;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (end - p < 6 || p[0] != '\\' ||
				    p[1] != 'u' ||
				    hex4(p + 2, end, &lo) == -1 ||
				    lo < 0xdc00 || lo > 0xdfff)
					return -1;
				p += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
			}
			put_utf8(out, cp);
			break;
		default:
			return -1;
		}
	}
	*pp = p + 1;
	return 0;
}

static int
j_value(const char **pp, const char *end, struct jv *v, int depth)
{
	const char *p = *pp, *q;
	struct sbuf b;
	struct jv *k;
	char close;
	size_t i;

	memset(v, 0, sizeof(*v));
	if (depth > 32 || p >= end)
		return -1;
	if (*p == '"') {
		v->t = J_STR;
		if (j_string(&p, end, &b) == -1) {
			sbuf_free(&b);
			return -1;
		}
		v->len = b.len;
		v->s = sbuf_take(&b);
		*pp = p;
		return 0;
	}
	if (*p == '-' || (*p >= '0' && *p <= '9')) {
		q = p;
		p += *p == '-';
		if (p >= end || *p < '0' || *p > '9')
			return -1;
		if (*p == '0')
			p++;
		else
			while (p < end && *p >= '0' && *p <= '9')
				p++;
		if (p < end && *p == '.') {
			if (++p >= end || *p < '0' || *p > '9')
				return -1;
			while (p < end && *p >= '0' && *p <= '9')
				p++;
		}
		if (p < end && (*p == 'e' || *p == 'E')) {
			p++;
			if (p < end && (*p == '+' || *p == '-'))
				p++;
			if (p >= end || *p < '0' || *p > '9')
				return -1;
			while (p < end && *p >= '0' && *p <= '9')
				p++;
		}
		v->t = J_NUM;
		v->s = xstrndup(q, (size_t)(p - q));
		v->len = (size_t)(p - q);
		*pp = p;
		return 0;
	}
	if (end - p >= 4 && memcmp(p, "null", 4) == 0) {
		v->t = J_NULL;
		*pp = p + 4;
		return 0;
	}
	if (end - p >= 4 && memcmp(p, "true", 4) == 0) {
		v->t = J_TRUE;
		*pp = p + 4;
		return 0;
	}
	if (end - p >= 5 && memcmp(p, "false", 5) == 0) {
		v->t = J_FALSE;
		*pp = p + 5;
		return 0;
	}
	if (*p != '[' && *p != '{')
		return -1;
	v->t = *p == '[' ? J_ARR : J_OBJ;
	close = *p == '[' ? ']' : '}';
	if (++p < end && *p == close) {
		*pp = p + 1;
		return 0;
	}
	for (;;) {
		v->kid = xreallocarray(v->kid, v->n + 1, sizeof(*v->kid));
		k = &v->kid[v->n];
		memset(k, 0, sizeof(*k));
		if (v->t == J_OBJ) {
			if (j_string(&p, end, &b) == -1 || p >= end ||
			    *p++ != ':') {
				sbuf_free(&b);
				return -1;
			}
			for (i = 0; i < v->n; i++)
				if (v->kid[i].keylen == b.len &&
				    memcmp(v->kid[i].key, b.s, b.len) == 0) {
					sbuf_free(&b);
					return -1;
				}
		}
		if (j_value(&p, end, k, depth + 1) == -1) {
			jv_free(k);
			if (v->t == J_OBJ)
				sbuf_free(&b);
			return -1;
		}
		if (v->t == J_OBJ) {
			k->keylen = b.len;
			k->key = sbuf_take(&b);
		}
		v->n++;
		if (p >= end)
			return -1;
		if (*p == close)
			break;
		if (*p++ != ',')
			return -1;
	}
	*pp = p + 1;
	return 0;
}

/*
 * One whole record: a JSON object, then its only newline and nothing
 * else.  0 with *v set, or -1.
 */
static int
j_line(const char *s, size_t len, struct jv *v)
{
	const char *p = s, *end = s + len;

	memset(v, 0, sizeof(*v));
	if (len < 3 || s[len - 1] != '\n' || memchr(s, '\n', len) !=
	    s + len - 1 || *s != '{')
		return -1;
	if (j_value(&p, end - 1, v, 0) == -1 || p != end - 1) {
		jv_free(v);
		return -1;
	}
	return 0;
}

/* A member of an object, or NULL. */
static const struct jv *
j_member(const struct jv *o, const char *key)
{
	size_t i;

	if (o == NULL || o->t != J_OBJ)
		return NULL;
	for (i = 0; i < o->n; i++)
		if (o->kid[i].keylen == strlen(key) &&
		    memcmp(o->kid[i].key, key, o->kid[i].keylen) == 0)
			return &o->kid[i];
	return NULL;
}

/* The value a JSON pointer ("/argv/0") names, or NULL. */
static const struct jv *
j_get(const struct jv *v, const char *ptr)
{
	char tok[256], *e;
	size_t n;
	unsigned long idx;

	while (v != NULL && *ptr == '/') {
		ptr++;
		n = strcspn(ptr, "/");
		if (n >= sizeof(tok))
			return NULL;
		memcpy(tok, ptr, n);
		tok[n] = '\0';
		ptr += n;
		if (v->t == J_OBJ)
			v = j_member(v, tok);
		else if (v->t == J_ARR) {
			errno = 0;
			idx = strtoul(tok, &e, 10);
			if (*tok == '\0' || *e != '\0' || errno != 0 ||
			    idx >= v->n)
				return NULL;
			v = &v->kid[idx];
		} else
			return NULL;
	}
	return *ptr == '\0' ? v : NULL;
}

static int
j_is_str(const struct jv *v, const char *s)
{
	return v != NULL && v->t == J_STR && v->len == strlen(s) &&
	    memcmp(v->s, s, v->len) == 0;
}

/* An integer member: 1 with *n, or 0. */
static int
j_int(const struct jv *v, long long *n)
{
	char *e;

	if (v == NULL || v->t != J_NUM)
		return 0;
	errno = 0;
	*n = strtoll(v->s, &e, 10);
	return *e == '\0' && errno == 0;
}

static int
j_is_int(const struct jv *v, long long want)
{
	long long n;

	return j_int(v, &n) && n == want;
}

/* The names of an object's members, in order, joined by ",". */
static char *
j_keys(const struct jv *o)
{
	struct sbuf b;
	size_t i;

	sbuf_init(&b);
	for (i = 0; o != NULL && o->t == J_OBJ && i < o->n; i++) {
		if (i > 0)
			sbuf_addc(&b, ',');
		sbuf_addn(&b, o->kid[i].key, o->kid[i].keylen);
	}
	return sbuf_take(&b);
}

/* How many times the record's "escaped" array lists path. */
static int
j_escaped(const struct jv *r, const char *path)
{
	const struct jv *e = j_member(r, "escaped");
	size_t i;
	int n = 0;

	for (i = 0; e != NULL && e->t == J_ARR && i < e->n; i++)
		n += j_is_str(&e->kid[i], path);
	return n;
}

/* The record's "cut" entry for path (*count: how many there are). */
static const struct jv *
j_cut(const struct jv *r, const char *path, int *count)
{
	const struct jv *c = j_member(r, "cut"), *found = NULL;
	size_t i;

	*count = 0;
	for (i = 0; c != NULL && c->t == J_ARR && i < c->n; i++)
		if (j_is_str(j_member(&c->kid[i], "path"), path)) {
			found = &c->kid[i];
			(*count)++;
		}
	return found;
}

/*
 * The bytes an escaped value stands for: "\\" is one backslash and
 * "\xHH" one byte; -1 for a lone backslash or a bad \x (a value cut in
 * the middle of an escape).
 */
static int
unescape(const char *s, size_t n, struct sbuf *out)
{
	size_t i;
	int h, l;

	for (i = 0; i < n; i++) {
		if (s[i] != '\\') {
			sbuf_addc(out, s[i]);
			continue;
		}
		if (i + 1 < n && s[i + 1] == '\\') {
			sbuf_addc(out, '\\');
			i++;
		} else if (i + 3 < n && s[i + 1] == 'x' &&
		    (h = hexval((unsigned char)s[i + 2])) >= 0 &&
		    (l = hexval((unsigned char)s[i + 3])) >= 0) {
			sbuf_addc(out, (char)(h << 4 | l));
			i += 3;
		} else
			return -1;
	}
	return 0;
}

/*
 * The bytes the value at path stands for, read the way a consumer of
 * the log must: as it is, or unescaped when "escaped" lists it.  0, or
 * -1 when there is no string there or it does not decode.
 */
static int
j_bytes(const struct jv *r, const char *path, struct sbuf *out)
{
	const struct jv *v = j_get(r, path);

	sbuf_init(out);
	if (v == NULL || v->t != J_STR)
		return -1;
	if (j_escaped(r, path) == 0) {
		sbuf_addn(out, v->s, v->len);
		return 0;
	}
	return unescape(v->s, v->len, out);
}

/*
 * A strict key=value reader: fields separated by one space, a key of
 * [a-z_], then a plain token or a quoted string with only \" \\ and
 * \xHH escapes; the whole line printable ASCII.
 */
static const char kv_plain[] = "abcdefghijklmnopqrstuvwxyz"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._/:@+,%";

struct kvf {
	char	*key;
	char	*val;
	size_t	 len;
	int	 quoted;
};

struct kvl {
	struct kvf	*f;
	size_t		 n;
};

static void
kv_free(struct kvl *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->f[i].key);
		free(l->f[i].val);
	}
	free(l->f);
	memset(l, 0, sizeof(*l));
}

static int
kv_parse(const char *s, size_t len, struct kvl *l)
{
	const char *p = s, *end = s + len, *k;
	struct sbuf v;
	struct kvf *f;
	size_t i;
	int h, lo;

	memset(l, 0, sizeof(*l));
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return -1;
	while (p < end) {
		for (k = p; p < end && *p >= 'a' && *p <= 'z'; p++)
			;
		while (p < end && (*p == '_' || (*p >= 'a' && *p <= 'z')))
			p++;
		if (p == k || p >= end || *p != '=')
			goto bad;
		l->f = xreallocarray(l->f, l->n + 1, sizeof(*l->f));
		f = &l->f[l->n++];
		memset(f, 0, sizeof(*f));
		f->key = xstrndup(k, (size_t)(p - k));
		sbuf_init(&v);
		if (++p < end && *p == '"') {
			f->quoted = 1;
			for (p++; p < end && *p != '"'; p++) {
				if (*p != '\\') {
					sbuf_addc(&v, *p);
					continue;
				}
				if (p + 1 < end && (p[1] == '"' ||
				    p[1] == '\\')) {
					sbuf_addc(&v, *++p);
				} else if (end - p >= 4 && p[1] == 'x' &&
				    (h = hexval((unsigned char)p[2])) >= 0 &&
				    (lo = hexval((unsigned char)p[3])) >= 0) {
					sbuf_addc(&v, (char)(h << 4 | lo));
					p += 3;
				} else {
					sbuf_free(&v);
					goto bad;
				}
			}
			if (p++ >= end) {
				sbuf_free(&v);
				goto bad;
			}
		} else {
			while (p < end && *p != ' ') {
				if (strchr(kv_plain, *p) == NULL) {
					sbuf_free(&v);
					goto bad;
				}
				sbuf_addc(&v, *p++);
			}
			if (v.len == 0) {
				sbuf_free(&v);
				goto bad;
			}
		}
		f->len = v.len;
		f->val = sbuf_take(&v);
		if (p < end && (*p != ' ' || ++p == end))
			goto bad;
	}
	return 0;
bad:
	kv_free(l);
	return -1;
}

static const struct kvf *
kv_get(const struct kvl *l, const char *key)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->f[i].key, key) == 0)
			return &l->f[i];
	return NULL;
}

static char *
kv_keys(const struct kvl *l)
{
	struct sbuf b;
	size_t i;

	sbuf_init(&b);
	for (i = 0; i < l->n; i++) {
		if (i > 0)
			sbuf_addc(&b, ',');
		sbuf_adds(&b, l->f[i].key);
	}
	return sbuf_take(&b);
}

/* A field's value, "" when there is none. */
static const char *
kv_val(const struct kvl *l, const char *key)
{
	const struct kvf *f = kv_get(l, key);

	return f != NULL ? f->val : "";
}

static int
kv_is(const struct kvl *l, const char *key, const char *s, size_t n)
{
	const struct kvf *f = kv_get(l, key);

	return f != NULL && f->len == n && memcmp(f->val, s, n) == 0;
}

/*
 * A record formatted and read back: both lines, the JSON parsed (valid)
 * and the key=value line parsed (kvvalid).  Every JSON line also goes
 * to python3 at the end.
 */
struct rec {
	struct sbuf	 json;
	struct sbuf	 kv;
	struct jv	 j;
	int		 valid;
	struct kvl	 k;
	int		 kvvalid;
};

static void
rec_make(struct rec *x, const struct audit_ident *id,
    const struct arecord *r, size_t cap)
{
	memset(x, 0, sizeof(*x));
	sbuf_init(&x->json);
	sbuf_init(&x->kv);
	audit_format(id, r, cap, &x->json, &x->kv);
	x->valid = j_line(x->json.s, x->json.len, &x->j) == 0;
	x->kvvalid = memchr(x->kv.s, '\0', x->kv.len) == NULL &&
	    kv_parse(x->kv.s, x->kv.len, &x->k) == 0;
	if (pyf != NULL) {
		fwrite(x->json.s, 1, x->json.len, pyf);
		if (x->json.len == 0 || x->json.s[x->json.len - 1] != '\n')
			fputc('\n', pyf);
		pylines++;
	}
}

static void
rec_free(struct rec *x)
{
	sbuf_free(&x->json);
	sbuf_free(&x->kv);
	jv_free(&x->j);
	kv_free(&x->k);
}

/* The record after its time stamp: {"time":"...Z" cut off. */
static const char *
untimed(const char *json)
{
	return strlen(json) > 9 + TIMELEN + 1 ? json + 9 + TIMELEN + 1 : "";
}

/* The time stamp: RFC 3339 UTC with milliseconds, during this test. */
static int
time_ok(const struct jv *r)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	const struct jv *t = j_member(r, "time");
	struct tm tm;
	time_t when;
	size_t i;

	if (t == NULL || t->t != J_STR || t->len != TIMELEN)
		return 0;
	for (i = 0; i < TIMELEN; i++)
		if (pat[i] == 'd' ? (t->s[i] < '0' || t->s[i] > '9') :
		    t->s[i] != pat[i])
			return 0;
	memset(&tm, 0, sizeof(tm));
	if (strptime(t->s, "%Y-%m-%dT%H:%M:%S", &tm) == NULL)
		return 0;
	when = timegm(&tm);
	/* time(2) is the coarse clock: it may lag the record's by a tick */
	return when >= started - 1 && when <= time(NULL) + 1;
}

static struct aval
av(const char *s)
{
	struct aval v;

	memset(&v, 0, sizeof(v));
	v.s = s;
	v.len = s != NULL ? strlen(s) : 0;
	return v;
}

static struct aval
avn(const char *s, size_t n)
{
	struct aval v;

	memset(&v, 0, sizeof(v));
	v.s = s;
	v.len = n;
	return v;
}

static const struct audit_ident ident = {
	"4f2a-01", "deploy", 1001, "127.0.0.1 52314", "command", NULL
};

/*
 * SHA-256: the FIPS 180-2 vectors, and the lengths around the padding
 * boundaries (55/56 bytes: the length fits in the last block or not).
 */
static void
test_sha256(const char *how)
{
	static const struct {
		const char *what;
		size_t n;		/* of 'a', when s is NULL */
		const char *s;
		const char *want;
	} v[] = {
		{ "\"\"", 0, "", "e3b0c44298fc1c149afbf4c8996fb924"
		    "27ae41e4649b934ca495991b7852b855" },
		{ "\"abc\"", 0, "abc", "ba7816bf8f01cfea414140de5dae2223"
		    "b00361a396177a9cb410ff61f20015ad" },
		{ "448 bits", 0, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmn"
		    "lmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039"
		    "a33ce45964ff2167f6ecedd419db06c1" },
		{ "896 bits", 0, "abcdefghbcdefghicdefghijdefghijkefghijklfghij"
		    "klmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnop"
		    "qrstnopqrstu", "cf5b16a778af8380036ce59e7b049237"
		    "0b249b11e8f07a51afac45037afee9d1" },
		{ "55 x a", 55, NULL, "9f4390f8d30c2dd92ec9f095b65e2b9a"
		    "e9b0a925a5258e241c9f1e910f734318" },
		{ "56 x a", 56, NULL, "b35439a4ac6f0948b6d6f9e3c6af0f5f"
		    "590ce20f1bde7090ef7970686ec6738a" },
		{ "57 x a", 57, NULL, "f13b2d724659eb3bf47f2dd6af1accc8"
		    "7b81f09f59f2b75e5c0bed6589dfe8c6" },
		{ "63 x a", 63, NULL, "7d3e74a05d7db15bce4ad9ec0658ea98"
		    "e3f06eeecf16b4c6fff2da457ddc2f34" },
		{ "64 x a", 64, NULL, "ffe054fe7ae0cb6dc65c3af9b61d5209"
		    "f439851db43d0ba5997337df154668eb" },
		{ "65 x a", 65, NULL, "635361c48bb9eab14198e76ea8ab7f1a"
		    "41685d6ad62aa9146d301d4f17eb0ae0" },
		{ "119 x a", 119, NULL, "31eba51c313a5c08226adf18d4a359cf"
		    "dfd8d2e816b13f4af952f7ea6584dcfb" },
		{ "120 x a", 120, NULL, "2f3d335432c70b580af0e8e1b3674a7c"
		    "020d683aa5f73aaaedfdc55af904c21c" },
		{ "1,000,000 x a", 1000000, NULL, "cdc76e5c9914fb9281a1c7e2"
		    "84d73e67f1809a48a497200e046d39ccc7112cd0" },
	};
	unsigned char h[AUDIT_SHA256_LEN], bytes[768];
	char got[2 * AUDIT_SHA256_LEN + 1], *a;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		if (v[i].s != NULL)
			sha256(v[i].s, strlen(v[i].s), h);
		else {
			a = xmalloc(v[i].n);
			memset(a, 'a', v[i].n);
			sha256(a, v[i].n, h);
			free(a);
		}
		hex(h, sizeof(h), got);
		is_str(got, v[i].want, "sha256(%s), %s", v[i].what, how);
	}
	/* every byte value, three times: no sign extension anywhere */
	for (i = 0; i < sizeof(bytes); i++)
		bytes[i] = (unsigned char)i;
	sha256(bytes, sizeof(bytes), h);
	hex(h, sizeof(h), got);
	is_str(got, "f3a25aa93aa2fbba28d79260535bbd6a"
	    "5eb0fc1c24a8b0f04e12b484c1dfe363", "sha256(bytes 0..255 x 3), "
	    "%s", how);
}

/*
 * The CPU's SHA instructions (where it has them) and the portable code
 * agree on every length from 0 to 2100 bytes of varied data.
 */
static void
test_sha256_agree(void)
{
	unsigned char fast[AUDIT_SHA256_LEN], slow[AUDIT_SHA256_LEN];
	unsigned char *buf = xmalloc(2100);
	size_t n, differ = 0;

	for (n = 0; n < 2100; n++)
		buf[n] = (unsigned char)(n * 131 + (n >> 3));
	for (n = 0; n <= 2100; n++) {
		sha256_portable(0);
		sha256(buf, n, fast);
		sha256_portable(1);
		sha256(buf, n, slow);
		if (memcmp(fast, slow, sizeof(fast)) != 0)
			differ++;
	}
	sha256_portable(0);
	free(buf);
	is_int(differ, 0, "sha256: the CPU's instructions and the portable "
	    "code agree on 2101 lengths");
}

/* A command for the records below. */
static struct aval git_argv[3];
static struct aredir git_redirs[2];
static struct aval bash_argv[1];

static void
init_cmds(struct acmd *git, struct acmd *bash)
{
	git_argv[0] = av("git");
	git_argv[1] = av("log");
	git_argv[2] = av("-1");
	git_redirs[0].fd = 1;
	git_redirs[0].op = ">";
	git_redirs[0].target = av("/tmp/out");
	git_redirs[1].fd = 2;
	git_redirs[1].op = ">&";
	git_redirs[1].target = av("1");
	memset(git, 0, sizeof(*git));
	git->argv = git_argv;
	git->argc = 3;
	git->redirs = git_redirs;
	git->nredirs = 2;
	git->verdict = V_ALLOW;
	git->why = av("git (rule 2)");
	bash_argv[0] = av("bash");
	memset(bash, 0, sizeof(*bash));
	bash->argv = bash_argv;
	bash->argc = 1;
	bash->verdict = V_DENY;
	bash->why = av("bash: no rule");
}

/* Every event kind: its exact JSON and key=value lines, field by field. */
static void
test_events(void)
{
	struct acmd git, bash, two[2];
	struct arecord r;
	struct audit_ident anon = ident;
	struct rec x;
	char *keys;

	init_cmds(&git, &bash);

	/* exec: a simple command before it starts */
	memset(&r, 0, sizeof(r));
	r.ev = AE_EXEC;
	r.line_no = 3;
	r.cmd_no = 7;
	r.cwd = av("/srv/app");
	r.cmds = &git;
	r.ncmds = 1;
	r.duration_ms = -1;
	rec_make(&x, &ident, &r, AUDIT_RECORD_DEFAULT);
	ok(x.valid, "exec: one valid JSON object, one \"\\n\" at the end");
	ok(time_ok(&x.j), "exec: time is RFC 3339 UTC with ms, now");
	is_str(untimed(x.json.s), ",\"event\":\"exec\",\"session\":\"4f2a-01\","
	    "\"user\":\"deploy\",\"uid\":1001,\"from\":\"127.0.0.1 52314\","
	    "\"mode\":\"command\",\"line_no\":3,\"cmd_no\":7,"
	    "\"cwd\":\"/srv/app\",\"argv\":[\"git\",\"log\",\"-1\"],"
	    "\"redirs\":[{\"fd\":1,\"op\":\">\",\"target\":\"/tmp/out\"},"
	    "{\"fd\":2,\"op\":\">&\",\"target\":\"1\"}],"
	    "\"verdict\":\"allow\",\"rule\":\"git (rule 2)\"}\n",
	    "exec: exact JSON");
	keys = j_keys(j_get(&x.j, "/redirs/1"));
	is_str(keys, "fd,op,target", "exec: a redirection is {fd,op,target}");
	free(keys);
	is_str(x.kv.s, "event=exec session=4f2a-01 user=deploy uid=1001 "
	    "from=\"127.0.0.1 52314\" mode=command line_no=3 cmd_no=7 "
	    "cwd=/srv/app verdict=allow cmd=\"git log -1 1>/tmp/out 2>&1 "
	    "[allow: git (rule 2)]\"", "exec: exact key=value");
	ok(x.kvvalid, "exec: key=value reads back");
	ok(kv_get(&x.k, "verdict") != NULL,
	    "exec: key=value states the verdict as a field, as JSON does");
	rec_free(&x);

	/* a denied exec: reason, not rule */
	bash.why = av("bash: no rule");
	r.cmds = &bash;
	r.cmd_no = 8;
	rec_make(&x, &ident, &r, AUDIT_RECORD_DEFAULT);
	keys = j_keys(&x.j);
	is_str(keys, "time,event,session,user,uid,from,mode,line_no,cmd_no,"
	    "cwd,argv,redirs,verdict,reason", "exec deny: fields in order");
	free(keys);
	ok(j_is_str(j_member(&x.j, "verdict"), "deny") &&
	    j_is_str(j_member(&x.j, "reason"), "bash: no rule") &&
	    j_get(&x.j, "/redirs") != NULL && j_get(&x.j, "/redirs")->n == 0,
	    "exec deny: verdict deny, reason, redirs []");
	ok(kv_is(&x.k, "cmd", "bash [deny: bash: no rule]", 26),
	    "exec deny: key=value cmd");
	rec_free(&x);

	/* command: a line, when it has ended */
	git.nredirs = 1;
	git.ended = 1;
	git.status = 0;
	git.duration_ms = 12;
	two[0] = git;
	two[1] = bash;
	memset(&r, 0, sizeof(r));
	r.ev = AE_COMMAND;
	r.line_no = 4;
	r.cwd = av("/srv/app");
	r.line = av("git log -1 >/tmp/out; bash");
	r.cmds = two;
	r.ncmds = 2;
	r.verdict = AV_PARTIAL;
	r.has_status = 1;
	r.status = 0;
	r.duration_ms = 40;
	rec_make(&x, &ident, &r, AUDIT_RECORD_DEFAULT);
	ok(x.valid && time_ok(&x.j), "command: valid JSON line, time");
	is_str(untimed(x.json.s), ",\"event\":\"command\","
	    "\"session\":\"4f2a-01\",\"user\":\"deploy\",\"uid\":1001,"
	    "\"from\":\"127.0.0.1 52314\",\"mode\":\"command\",\"line_no\":4,"
	    "\"cwd\":\"/srv/app\",\"line\":\"git log -1 >/tmp/out; bash\","
	    "\"commands\":[{\"argv\":[\"git\",\"log\",\"-1\"],"
	    "\"redirs\":[{\"fd\":1,\"op\":\">\",\"target\":\"/tmp/out\"}],"
	    "\"verdict\":\"allow\",\"rule\":\"git (rule 2)\",\"status\":0,"
	    "\"duration_ms\":12},{\"argv\":[\"bash\"],\"redirs\":[],"
	    "\"verdict\":\"deny\",\"reason\":\"bash: no rule\"}],"
	    "\"verdict\":\"partial\",\"status\":0,\"duration_ms\":40}\n",
	    "command: exact JSON (status per command only when it ended)");
	is_str(x.kv.s, "event=command session=4f2a-01 user=deploy uid=1001 "
	    "from=\"127.0.0.1 52314\" mode=command line_no=4 cwd=/srv/app "
	    "verdict=partial status=0 duration_ms=40 "
	    "line=\"git log -1 >/tmp/out; bash\" "
	    "commands=\"git log -1 1>/tmp/out [allow: git (rule 2)]; "
	    "bash [deny: bash: no rule]\"", "command: exact key=value");
	rec_free(&x);

	r.verdict = AV_ALLOW;
	rec_make(&x, &ident, &r, AUDIT_RECORD_DEFAULT);
	ok(j_is_str(j_member(&x.j, "verdict"), "allow") &&
	    kv_is(&x.k, "verdict", "allow", 5), "command: verdict allow");
	rec_free(&x);
	r.verdict = AV_DENY;
	r.has_status = 0;
	r.duration_ms = -1;
	rec_make(&x, &ident, &r, AUDIT_RECORD_DEFAULT);
	keys = j_keys(&x.j);
	is_str(keys, "time,event,session,user,uid,from,mode,line_no,cwd,line,"
	    "commands,verdict", "command deny, nothing ran: no status, "
	    "no duration_ms");
	free(keys);
	ok(j_is_str(j_member(&x.j, "verdict"), "deny") &&
	    kv_is(&x.k, "verdict", "deny", 4) && kv_get(&x.k, "status") ==
	    NULL, "command: verdict deny, key=value without status");
	rec_free(&x);

	/* session_start, before the user is known */
	anon.user = NULL;
	memset(&r, 0, sizeof(r));
	r.ev = AE_SESSION_START;
	r.duration_ms = -1;
	rec_make(&x, &anon, &r, AUDIT_RECORD_DEFAULT);
	ok(x.valid && time_ok(&x.j), "session_start: valid JSON line");
	is_str(untimed(x.json.s), ",\"event\":\"session_start\","
	    "\"session\":\"4f2a-01\",\"user\":null,\"uid\":1001,"
	    "\"from\":\"127.0.0.1 52314\",\"mode\":\"command\"}\n",
	    "session_start: exact JSON, user null");
	is_str(x.kv.s, "event=session_start session=4f2a-01 user=- uid=1001 "
	    "from=\"127.0.0.1 52314\" mode=command",
	    "session_start: exact key=value, user=-");
	rec_free(&x);
	/* a user really named "-" is not the absent user */
	anon.user = "-";
	rec_make(&x, &anon, &r, AUDIT_RECORD_DEFAULT);
	ok(x.kvvalid && kv_get(&x.k, "user") != NULL &&
	    kv_get(&x.k, "user")->quoted &&
	    kv_is(&x.k, "user", "-", 1), "a user named \"-\" is quoted");
	rec_free(&x);

	/* sshd's auth info: in session_start, not in other records */
	anon.user = "deploy";
	anon.auth = "publickey ssh-ed25519 SHA256:mmJxXTIyO7uUy/K4IRCArah3A";
	rec_make(&x, &anon, &r, AUDIT_RECORD_DEFAULT);
	ok(x.valid && j_is_str(j_member(&x.j, "auth"), anon.auth) &&
	    kv_is(&x.k, "auth", anon.auth, strlen(anon.auth)),
	    "session_start: auth, in JSON and key=value");
	rec_free(&x);
	r.ev = AE_SESSION_END;
	rec_make(&x, &anon, &r, AUDIT_RECORD_DEFAULT);
	ok(x.valid && j_member(&x.j, "auth") == NULL &&
	    kv_get(&x.k, "auth") == NULL, "session_end: no auth");
	rec_free(&x);
	anon.auth = NULL;
	r.ev = AE_SESSION_START;

	/* session_end: status, signal, reason */
	memset(&r, 0, sizeof(r));
	r.ev = AE_SESSION_END;
	r.duration_ms = -1;
	r.has_status = 1;
	r.status = 137;
	r.signal = 9;
	r.reason = av("killed by signal 9");
	rec_make(&x, &ident, &r, AUDIT_RECORD_DEFAULT);
	is_str(untimed(x.json.s), ",\"event\":\"session_end\","
	    "\"session\":\"4f2a-01\",\"user\":\"deploy\",\"uid\":1001,"
	    "\"from\":\"127.0.0.1 52314\",\"mode\":\"command\",\"status\":137,"
	    "\"signal\":9,\"reason\":\"killed by signal 9\"}\n",
	    "session_end: exact JSON");
	is_str(x.kv.s, "event=session_end session=4f2a-01 user=deploy "
	    "uid=1001 from=\"127.0.0.1 52314\" mode=command status=137 "
	    "signal=9 reason=\"killed by signal 9\"",
	    "session_end: exact key=value");
	rec_free(&x);
	r.status = 0;
	r.signal = 0;
	r.reason = av(NULL);
	rec_make(&x, &ident, &r, AUDIT_RECORD_DEFAULT);
	keys = j_keys(&x.j);
	is_str(keys, "time,event,session,user,uid,from,mode,status",
	    "session_end: no signal, no reason when not set");
	free(keys);
	keys = kv_keys(&x.k);
	is_str(keys, "event,session,user,uid,from,mode,status",
	    "session_end: key=value fields");
	free(keys);
	rec_free(&x);

	/* session_refused: the reason */
	memset(&r, 0, sizeof(r));
	r.ev = AE_SESSION_REFUSED;
	r.duration_ms = -1;
	r.reason = av("the audit log cannot be written");
	rec_make(&x, &ident, &r, AUDIT_RECORD_DEFAULT);
	keys = j_keys(&x.j);
	is_str(keys, "time,event,session,user,uid,from,mode,reason",
	    "session_refused: fields");
	free(keys);
	ok(x.valid && j_is_str(j_member(&x.j, "event"), "session_refused") &&
	    j_is_str(j_member(&x.j, "reason"),
	    "the audit log cannot be written") &&
	    kv_is(&x.k, "reason", "the audit log cannot be written", 31),
	    "session_refused: event and reason in both lines");
	rec_free(&x);

	is_str(audit_event_name((enum audit_event)99), "unknown",
	    "an unknown event kind is named \"unknown\"");
	is_str(audit_verdict_name((enum audit_verdict)99), "deny",
	    "an unknown verdict is named \"deny\"");
}

/* Hostile values: none breaks a line or forges a field in either form. */
static const struct {
	const char *s;
	size_t len;		/* 0: strlen */
	const char *what;
} hostile[] = {
	{ "a\"b", 0, "a quote" },
	{ "a\\b\\", 0, "backslashes" },
	{ "a\nb\n", 0, "newlines" },
	{ "a\rb\r\n", 0, "CR, CRLF" },
	{ "\x01\x02\x07\x08\t\x0b\x0c\x1b[31m\x1f", 0, "control bytes" },
	{ "del\x7f", 0, "DEL" },
	{ "\xff\xfe", 0, "invalid UTF-8" },
	{ "\xc3", 0, "a sequence cut short" },
	{ "\xc0\xaf", 0, "an overlong /" },
	{ "\xed\xa0\x80", 0, "a UTF-16 surrogate" },
	{ "\xf4\x90\x80\x80", 0, "past U+10FFFF" },
	{ "\xe2\x80\xae" "evil\xe2\x80\xac", 0, "bidi overrides (valid)" },
	{ "ls\" user=root uid=0", 0, "kv: \" user=root" },
	{ "x\nevent=session_start user=root", 0, "kv: a forged line" },
	{ "x user=root", 0, "kv: a forged field" },
	{ "\",\"user\":\"root", 0, "JSON: a forged member" },
	{ "\"}\n{\"event\":\"session_end\"", 0, "JSON: a forged record" },
	{ "\\u0000\\\"", 0, "JSON escapes as text" },
	{ "\\x41", 0, "an escape as text" },
	{ "-", 0, "kv: the absent marker" },
	{ "", 0, "empty" },
	{ "a\0b", 3, "NUL" },
};

#define NHOSTILE	(sizeof(hostile) / sizeof(hostile[0]))

static size_t
hlen(size_t i)
{
	return hostile[i].len ? hostile[i].len : strlen(hostile[i].s);
}

/* The value at path stands for exactly the bytes v. */
static int
same_bytes(const struct jv *r, const char *path, const struct aval *v)
{
	struct sbuf b;
	int good;

	good = j_bytes(r, path, &b) == 0 && b.len == v->len &&
	    memcmp(b.s, v->s, v->len) == 0;
	sbuf_free(&b);
	return good;
}

static void
test_hostile(void)
{
	struct aval argv[3];
	struct aredir rd;
	struct acmd c;
	struct arecord r;
	struct audit_ident id = ident;
	struct rec x;
	struct aval h;
	char *keys, want[160];
	size_t i;
	int jbad, kbad, vbad, nbad, ubad;

	jbad = kbad = vbad = nbad = ubad = 0;
	for (i = 0; i < NHOSTILE; i++) {
		h = avn(hostile[i].s, hlen(i));
		/* in every value an exec record has */
		argv[0] = av("echo");
		argv[1] = h;
		argv[2] = h;
		memset(&rd, 0, sizeof(rd));
		rd.fd = 1;
		rd.op = ">>";
		rd.target = h;
		memset(&c, 0, sizeof(c));
		c.argv = argv;
		c.argc = 3;
		c.redirs = &rd;
		c.nredirs = 1;
		c.verdict = i & 1 ? V_DENY : V_ALLOW;
		c.why = h;
		memset(&r, 0, sizeof(r));
		r.ev = AE_EXEC;
		r.line_no = 1;
		r.cmd_no = 1;
		r.cwd = h;
		r.cmds = &c;
		r.ncmds = 1;
		r.duration_ms = -1;
		rec_make(&x, &ident, &r, AUDIT_RECORD_DEFAULT);
		keys = j_keys(&x.j);
		snprintf(want, sizeof(want), "time,event,session,user,uid,"
		    "from,mode,line_no,cmd_no,cwd,argv,redirs,verdict,%s%s",
		    i & 1 ? "reason" : "rule", plain_ok(h.s, h.len) ? "" :
		    ",escaped");
		if (!x.valid || strcmp(keys, want) != 0) {
			jbad++;
			tap_diag("JSON broken by %s: %s", hostile[i].what,
			    x.json.s);
		}
		free(keys);
		if (!same_bytes(&x.j, "/cwd", &h) ||
		    !same_bytes(&x.j, "/argv/1", &h) ||
		    !same_bytes(&x.j, "/argv/2", &h) ||
		    !same_bytes(&x.j, "/redirs/0/target", &h) ||
		    !same_bytes(&x.j, i & 1 ? "/reason" : "/rule", &h) ||
		    !j_is_str(j_member(&x.j, "user"), "deploy")) {
			vbad++;
			tap_diag("JSON value changed by %s", hostile[i].what);
		}
		keys = kv_keys(&x.k);
		if (!x.kvvalid || strcmp(keys, "event,session,user,uid,from,"
		    "mode,line_no,cmd_no,cwd,verdict,cmd") != 0 ||
		    !kv_is(&x.k, "user", "deploy", 6) ||
		    !kv_is(&x.k, "cwd", h.s, h.len)) {
			kbad++;
			tap_diag("key=value broken by %s: %s",
			    hostile[i].what, x.kv.s);
		}
		free(keys);
		if (memchr(x.kv.s, '\n', x.kv.len) != NULL ||
		    memchr(x.kv.s, '\r', x.kv.len) != NULL)
			nbad++;
		rec_free(&x);

		/* the line of a command record, a session's reason */
		memset(&r, 0, sizeof(r));
		r.ev = AE_COMMAND;
		r.line_no = 2;
		r.cwd = h;
		r.line = h;
		r.verdict = AV_DENY;
		r.duration_ms = 1;
		rec_make(&x, &ident, &r, AUDIT_RECORD_DEFAULT);
		keys = kv_keys(&x.k);
		if (!x.valid || !same_bytes(&x.j, "/line", &h) ||
		    !x.kvvalid || !kv_is(&x.k, "line", h.s, h.len) ||
		    strcmp(keys, "event,session,user,uid,from,mode,line_no,"
		    "cwd,verdict,duration_ms,line") != 0 ||
		    !kv_is(&x.k, "user", "deploy", 6) ||
		    memchr(x.kv.s, '\n', x.kv.len) != NULL) {
			vbad++;
			tap_diag("command record broken by %s",
			    hostile[i].what);
		}
		free(keys);
		rec_free(&x);
		memset(&r, 0, sizeof(r));
		r.ev = AE_SESSION_REFUSED;
		r.duration_ms = -1;
		r.reason = h;
		rec_make(&x, &ident, &r, AUDIT_RECORD_DEFAULT);
		if (!x.valid || !same_bytes(&x.j, "/reason", &h) ||
		    !x.kvvalid || !kv_is(&x.k, "reason", h.s, h.len) ||
		    x.k.n != 7) {
			vbad++;
			tap_diag("refused record broken by %s",
			    hostile[i].what);
		}
		rec_free(&x);

		/* the identity itself (the user name, the client address) */
		if (memchr(h.s, '\0', h.len) != NULL)
			continue;
		id.user = hostile[i].s;
		id.from = hostile[i].s;
		memset(&r, 0, sizeof(r));
		r.ev = AE_SESSION_START;
		r.duration_ms = -1;
		rec_make(&x, &id, &r, AUDIT_RECORD_DEFAULT);
		keys = j_keys(&x.j);
		if (!x.valid || strcmp(keys, "time,event,session,user,uid,"
		    "from,mode") != 0 || !j_is_int(j_member(&x.j, "uid"),
		    1001) || (plain_ok(h.s, h.len) &&
		    !j_is_str(j_member(&x.j, "user"), h.s)) ||
		    !x.kvvalid || !kv_is(&x.k, "user", h.s, h.len) ||
		    !kv_is(&x.k, "from", h.s, h.len) || x.k.n != 6 ||
		    !kv_is(&x.k, "uid", "1001", 4)) {
			ubad++;
			tap_diag("identity broken by %s: %s %s",
			    hostile[i].what, x.json.s, x.kv.s);
		}
		free(keys);
		rec_free(&x);
	}
	is_int(jbad, 0, "%zu hostile values: JSON valid, one line, no "
	    "member added", NHOSTILE);
	is_int(vbad, 0, "hostile values: every JSON value (and line, "
	    "reason) decodes back to its bytes");
	is_int(kbad, 0, "hostile values: key=value well-formed, fields "
	    "exact, user still deploy, cwd decodes back");
	is_int(nbad, 0, "hostile values: no raw newline or CR in key=value");
	is_int(ubad, 0, "hostile user and from in the identity: both lines "
	    "hold, no field forged");
}

/*
 * Distinct byte strings log distinctly: the pair (value, listed in
 * "escaped") decodes back to the bytes, for chosen and random strings.
 */
static struct rec *
one_arg(struct rec *x, const char *s, size_t n)
{
	static struct aval argv[2];
	static struct acmd c;
	struct arecord r;

	argv[0] = av("x");
	argv[1] = avn(s, n);
	memset(&c, 0, sizeof(c));
	c.argv = argv;
	c.argc = 2;
	c.verdict = V_ALLOW;
	memset(&r, 0, sizeof(r));
	r.ev = AE_EXEC;
	r.line_no = 1;
	r.cmd_no = 1;
	r.cmds = &c;
	r.ncmds = 1;
	r.duration_ms = -1;
	rec_make(x, &ident, &r, AUDIT_RECORD_DEFAULT);
	return x;
}

/* Random bytes, biased to what breaks escaping; valid: UTF-8 only. */
static void
rnd_bytes(char *buf, size_t n, int valid, int nul)
{
	static const char *const piece[] = {
		"\\", "\\\\", "\\x", "x", "e9", "\"", "\n", "\r", "\t",
		"\x01", "\x1f", "\x7f", "\xc3\xa9", "\xe2\x82\xac",
		"\xf0\x9f\x98\x80", "\\xe9", "/", " ", "=", "a",
		/* invalid from here */
		"\xe9", "\xff", "\xc3", "\xe2\x82", "\xed\xa0\x80",
		"\xc0\xaf", "\xf4\x90\x80\x80", "\x80",
	};
	size_t i = 0, l, k, nvalid = 20;
	const char *p;

	while (i < n) {
		k = rndn(valid ? nvalid : sizeof(piece) / sizeof(piece[0]));
		p = piece[k];
		l = strlen(p);
		if (rndn(8) == 0) {
			buf[i] = (char)(rndn(256));
			if (buf[i] == '\0' && !nul)
				buf[i] = 'z';
			if (valid && u8len((unsigned char *)buf + i, 1) == 0)
				buf[i] = 'q';
			i++;
			continue;
		}
		if (l > n - i) {
			buf[i++] = 'a';
			continue;
		}
		memcpy(buf + i, p, l);
		i += l;
	}
}

static void
test_distinct(void)
{
	struct rec a, b, c, d;
	struct sbuf v;
	char buf[80];
	size_t i, n;
	int bad = 0, flag = 0, kvbad = 0, valid;

	one_arg(&a, "\xe9", 1);
	one_arg(&b, "\xc3\xa9", 2);
	one_arg(&c, "\\xe9", 4);
	ok(a.valid && b.valid && c.valid, "\\xe9, é, \"\\\\xe9\": valid JSON");
	ok(strcmp(untimed(a.json.s), untimed(b.json.s)) != 0 &&
	    strcmp(untimed(a.json.s), untimed(c.json.s)) != 0 &&
	    strcmp(untimed(b.json.s), untimed(c.json.s)) != 0,
	    "byte E9, é (C3 A9) and the text \\xe9: three different records");
	ok(strstr(a.json.s, ",\"argv\":[\"x\",\"\\\\xe9\"],") != NULL &&
	    strstr(a.json.s, ",\"escaped\":[\"/argv/1\"]") != NULL &&
	    j_escaped(&a.j, "/argv/1") == 1,
	    "byte E9: shown as \\xe9, listed in \"escaped\"");
	ok(strstr(b.json.s, ",\"argv\":[\"x\",\"\xc3\xa9\"],") != NULL &&
	    j_member(&b.j, "escaped") == NULL, "é: as itself, not escaped");
	ok(strstr(c.json.s, ",\"argv\":[\"x\",\"\\\\xe9\"],") != NULL &&
	    j_member(&c.j, "escaped") == NULL,
	    "the text \\xe9 (valid UTF-8): not listed in \"escaped\"");
	ok(a.kvvalid && b.kvvalid && c.kvvalid && *kv_val(&a.k, "cmd") &&
	    strcmp(kv_val(&a.k, "cmd"), kv_val(&b.k, "cmd")) != 0 &&
	    strcmp(kv_val(&a.k, "cmd"), kv_val(&c.k, "cmd")) != 0,
	    "key=value: the three differ too");
	rec_free(&a);
	rec_free(&b);
	rec_free(&c);
	one_arg(&d, "a\\b\xff", 4);
	ok(strstr(d.json.s, "\"a\\\\\\\\b\\\\xff\"") != NULL &&
	    same_bytes(&d.j, "/argv/1", &(struct aval){ "a\\b\xff", 4, 0,
	    NULL }), "escaped: a backslash doubled, decodes back");
	rec_free(&d);

	/* random byte strings: decode back, "escaped" iff not plain */
	for (i = 0; i < 3000; i++) {
		n = rndn(sizeof(buf));
		valid = i % 3 == 0;
		rnd_bytes(buf, n, valid, 0);
		one_arg(&a, buf, n);
		if (j_bytes(&a.j, "/argv/1", &v) == -1 || !a.valid ||
		    v.len != n || memcmp(v.s, buf, n) != 0)
			bad++;
		if ((j_escaped(&a.j, "/argv/1") == 1) == plain_ok(buf, n) ||
		    j_escaped(&a.j, "/argv/0") != 0)
			flag++;
		sbuf_free(&v);
		/* key=value: "x " then the bytes, then the verdict */
		sbuf_init(&v);
		sbuf_adds(&v, "x ");
		sbuf_addn(&v, buf, n);
		sbuf_adds(&v, " [allow: ]");
		if (!a.kvvalid || !kv_is(&a.k, "cmd", v.s, v.len) ||
		    !kv_is(&a.k, "user", "deploy", 6) || a.k.n != 10)
			kvbad++;
		sbuf_free(&v);
		rec_free(&a);
	}
	is_int(bad, 0, "3000 random byte strings: valid JSON, (value, "
	    "escaped) decodes back to the bytes");
	is_int(flag, 0, "3000 random byte strings: listed in \"escaped\" "
	    "exactly when not valid UTF-8");
	is_int(kvbad, 0, "3000 random byte strings: key=value decodes "
	    "back, no field forged");
	for (i = bad = 0; i < 500; i++) {
		n = 1 + rndn(sizeof(buf) - 1);
		rnd_bytes(buf, n, 0, 1);
		buf[rndn(n)] = '\0';
		one_arg(&a, buf, n);
		if (j_bytes(&a.j, "/argv/1", &v) == -1 || !a.valid ||
		    v.len != n || memcmp(v.s, buf, n) != 0)
			bad++;
		sbuf_free(&v);
		rec_free(&a);
	}
	is_int(bad, 0, "500 random strings with NUL: decode back");
}

/*
 * A value as the record holds it: a prefix of its bytes in place,
 * "escaped" iff it is not plain, and a "cut" entry (full length and
 * SHA-256, the sender's when it cut) iff it is not whole.  NULL, or
 * what is wrong.
 */
static const char *
check_val(const struct jv *j, const char *path, const struct aval *v,
    int *ncut)
{
	unsigned char h[AUDIT_SHA256_LEN];
	char want[2 * AUDIT_SHA256_LEN + 1];
	const struct jv *c;
	struct sbuf b;
	int n, esc;
	const char *err = NULL;

	esc = j_escaped(j, path);
	if (esc > 1 || (esc == 1) == plain_ok(v->s, v->len))
		return "escaped wrong";
	if (j_bytes(j, path, &b) == -1)
		err = "no value, or it does not decode";
	else if (b.len > v->len || memcmp(b.s, v->s, b.len) != 0)
		err = "not a prefix";
	c = j_cut(j, path, &n);
	if (err == NULL && n > 1)
		err = "cut twice";
	if (err == NULL && (b.len < v->len || v->sha != NULL)) {
		if (v->sha != NULL)
			memcpy(h, v->sha, sizeof(h));
		else
			sha256(v->s, v->len, h);
		hex(h, sizeof(h), want);
		if (c == NULL)
			err = "cut but not in \"cut\"";
		else if (!j_is_int(j_member(c, "length"), v->sha != NULL ?
		    (long long)v->full : (long long)v->len))
			err = "cut: wrong length";
		else if (!j_is_str(j_member(c, "sha256"), want))
			err = "cut: wrong sha256";
		else if (c->n != 3)
			err = "cut: not {path,length,sha256}";
		(*ncut)++;
	} else if (err == NULL && c != NULL)
		err = "whole but in \"cut\"";
	sbuf_free(&b);
	return err;
}

/* The "cut" and "escaped" arrays list values of the record only. */
static const char *
check_lists(const struct jv *j, int ncut)
{
	const struct jv *c = j_member(j, "cut"), *e = j_member(j, "escaped");
	size_t i;

	if ((c == NULL ? 0 : (int)c->n) != ncut)
		return "\"cut\" lists other values";
	if (c != NULL && c->n == 0)
		return "an empty \"cut\"";
	for (i = 0; e != NULL && i < e->n; i++)
		if (e->kid[i].t != J_STR || j_get(j, e->kid[i].s) == NULL)
			return "\"escaped\" lists no value";
	if (e != NULL && e->n == 0)
		return "an empty \"escaped\"";
	return NULL;
}

/* One command's values, under prefix ("" for an exec record). */
static const char *
check_cmd(const struct jv *j, const char *prefix, const struct acmd *c,
    size_t nargs, size_t nredirs, int *ncut)
{
	const struct jv *o;
	const char *err;
	char p[128];
	size_t i;

	for (i = 0; i < nargs; i++) {
		snprintf(p, sizeof(p), "%s/argv/%zu", prefix, i);
		if ((err = check_val(j, p, &c->argv[i], ncut)) != NULL)
			return err;
	}
	for (i = 0; i < nredirs; i++) {
		snprintf(p, sizeof(p), "%s/redirs/%zu", prefix, i);
		o = j_get(j, p);
		if (!j_is_int(j_member(o, "fd"), c->redirs[i].fd) ||
		    !j_is_str(j_member(o, "op"), c->redirs[i].op))
			return "a redirection's fd or op";
		snprintf(p, sizeof(p), "%s/redirs/%zu/target", prefix, i);
		if ((err = check_val(j, p, &c->redirs[i].target, ncut)) !=
		    NULL)
			return err;
	}
	snprintf(p, sizeof(p), "%s/verdict", prefix);
	if (!j_is_str(j_get(j, p), c->verdict == V_ALLOW ? "allow" : "deny"))
		return "a command's verdict";
	if (c->why.s != NULL) {
		snprintf(p, sizeof(p), "%s/%s", prefix, c->verdict == V_ALLOW ?
		    "rule" : "reason");
		if ((err = check_val(j, p, &c->why, ncut)) != NULL)
			return err;
	}
	return NULL;
}

/* An "omitted" entry {"path":..,"from":k,"count":n-k}, iff k < n. */
static const char *
check_omitted(const struct jv *j, const char *path, size_t k, size_t n)
{
	const struct jv *o = j_member(j, "omitted"), *e = NULL;
	size_t i;

	for (i = 0; o != NULL && i < o->n; i++)
		if (j_is_str(j_member(&o->kid[i], "path"), path))
			e = &o->kid[i];
	if (k == n)
		return e == NULL ? NULL : "\"omitted\" when nothing was";
	if (e == NULL)
		return "left out, not in \"omitted\"";
	if (!j_is_int(j_member(e, "from"), (long long)k) ||
	    !j_is_int(j_member(e, "count"), (long long)(n - k)))
		return "\"omitted\": wrong from or count";
	return NULL;
}

/*
 * Everything an exec or command record says about its values is true:
 * within cap, valid, every value a prefix of its own, what was cut and
 * what was left out said.  NULL, or what is wrong.
 */
static const char *
check_record(const struct rec *x, const struct arecord *r, size_t cap)
{
	const struct jv *j = &x->j, *a, *cmds;
	const char *err;
	char p[64];
	size_t k, kr, i;
	int ncut = 0;

	if (x->json.len > cap)
		return "longer than the cap";
	if (!x->valid)
		return "not one valid JSON line";
	if (j_member(j, "error") != NULL)
		return "\"error\": record too large";
	if (r->cwd.s != NULL && (err = check_val(j, "/cwd", &r->cwd,
	    &ncut)) != NULL)
		return err;
	if (r->reason.s != NULL && (err = check_val(j, "/reason", &r->reason,
	    &ncut)) != NULL)
		return err;
	if (r->ev == AE_EXEC) {
		if ((a = j_member(j, "argv")) == NULL || a->t != J_ARR ||
		    (k = a->n) > r->cmds[0].argc)
			return "argv";
		if ((a = j_member(j, "redirs")) == NULL || a->t != J_ARR ||
		    (kr = a->n) > r->cmds[0].nredirs)
			return "redirs";
		if ((err = check_cmd(j, "", &r->cmds[0], k, kr, &ncut)) !=
		    NULL || (err = check_omitted(j, "/argv", k,
		    r->cmds[0].argc)) != NULL ||
		    (err = check_omitted(j, "/redirs", kr,
		    r->cmds[0].nredirs)) != NULL)
			return err;
	}
	if (r->ev == AE_COMMAND) {
		if (r->line.s != NULL && (err = check_val(j, "/line",
		    &r->line, &ncut)) != NULL)
			return err;
		if ((cmds = j_member(j, "commands")) == NULL ||
		    cmds->t != J_ARR || (k = cmds->n) > r->ncmds)
			return "commands";
		for (i = 0; i < k; i++) {
			snprintf(p, sizeof(p), "/commands/%zu", i);
			if ((a = j_member(j_get(j, p), "argv")) == NULL ||
			    a->t != J_ARR || a->n != r->cmds[i].argc ||
			    (a = j_member(j_get(j, p), "redirs")) == NULL ||
			    a->t != J_ARR || a->n != r->cmds[i].nredirs)
				return "a command lost words";
			if ((err = check_cmd(j, p, &r->cmds[i],
			    r->cmds[i].argc, r->cmds[i].nredirs, &ncut)) !=
			    NULL)
				return err;
		}
		if (r->omitted + r->ncmds - k == 0 ?
		    j_member(j, "commands_omitted") != NULL :
		    !j_is_int(j_member(j, "commands_omitted"),
		    (long long)(r->omitted + r->ncmds - k)))
			return "commands_omitted";
	}
	return check_lists(j, ncut);
}

static void
exec_record(struct arecord *r, struct acmd *c)
{
	memset(r, 0, sizeof(*r));
	r->ev = AE_EXEC;
	r->line_no = 1;
	r->cmd_no = 1;
	r->cwd = av("/srv");
	r->cmds = c;
	r->ncmds = 1;
	r->duration_ms = -1;
}

/* Formats r within cap in a child: 1 if it ended within secs. */
static int
fast_enough(const struct arecord *r, size_t cap, unsigned secs)
{
	struct sbuf j, k;
	pid_t pid;
	int st;

	fflush(stdout);
	if ((pid = fork()) == -1)
		return 0;
	(void)secs;	/* speed is bench/'s; here only that it ends, fitting */
	if (pid == 0) {
		sbuf_init(&j);
		sbuf_init(&k);
		audit_format(&ident, r, cap, &j, &k);
		_exit(j.len <= cap ? 0 : 1);
	}
	return waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0;
}

/* Values for the cap checks: letters with quotes and backslashes. */
static char *big;		/* MIB bytes */
static char *scratch;		/* MIB bytes to write into */
static unsigned char sender[AUDIT_SHA256_LEN];	/* a sender's hash */

static void
make_values(void)
{
	size_t i;

	big = xmalloc(MIB);
	for (i = 0; i < MIB; i++)
		big[i] = i % 97 == 5 ? '"' : i % 89 == 3 ? '\\' :
		    (char)('a' + rndn(26));
	scratch = xcalloc(MIB, 1);
	sha256("the value the sender had", 24, sender);
}

/* One word of 1 MiB: cut to a prefix, with its length and hash. */
static void
test_cap_one(void)
{
	static const size_t small[] = { 0, 1, 100, AUDIT_RECORD_MIN - 1 };
	unsigned char h[AUDIT_SHA256_LEN];
	char want[2 * AUDIT_SHA256_LEN + 1];
	struct aval two[2];
	struct acmd c;
	struct arecord r;
	struct rec x, y;
	const struct kvf *f;
	const struct jv *e;
	const char *err;
	size_t i, len, bad;

	two[0] = av("cat");
	two[1] = avn(big, MIB);
	memset(&c, 0, sizeof(c));
	c.argv = two;
	c.argc = 2;
	c.verdict = V_ALLOW;
	c.why = av("cat (rule 1)");
	exec_record(&r, &c);
	rec_make(&x, &ident, &r, 4096);
	sha256(big, MIB, h);
	hex(h, sizeof(h), want);
	ok(x.json.len <= 4096 && x.valid, "1 MiB word, cap 4096: one valid "
	    "line of %zu bytes", x.json.len);
	e = j_member(&x.j, "cut");
	ok(e != NULL && e->n == 1 && j_is_str(j_get(&x.j, "/cut/0/path"),
	    "/argv/1") && j_is_int(j_get(&x.j, "/cut/0/length"), MIB) &&
	    j_is_str(j_get(&x.j, "/cut/0/sha256"), want),
	    "1 MiB word: \"cut\":[{\"path\":\"/argv/1\","
	    "\"length\":1048576,\"sha256\":<the full value's>}]");
	err = check_record(&x, &r, 4096);
	ok(err == NULL, "1 MiB word: kept a prefix, the rest whole (%s)",
	    err ? err : "ok");
	e = j_get(&x.j, "/argv/1");
	len = e != NULL ? e->len : 0;
	ok(len >= 2048, "1 MiB word: the prefix uses the room (%zu bytes)",
	    len);
	ok(j_is_str(j_get(&x.j, "/argv/0"), "cat") &&
	    j_is_str(j_member(&x.j, "rule"), "cat (rule 1)") &&
	    j_member(&x.j, "omitted") == NULL, "1 MiB word: the other values "
	    "whole, nothing omitted");
	/* "cat ", the prefix, " [allow: cat (rule 1)]" */
	f = x.kvvalid ? kv_get(&x.k, "cmd") : NULL;
	ok(f != NULL && x.kv.len <= 4 * 4096 && f->len == 4 + len + 22 &&
	    memcmp(f->val, "cat ", 4) == 0 && memcmp(f->val + 4, big, len) ==
	    0, "1 MiB word: key=value bounded too (%zu bytes), the same "
	    "prefix", x.kv.len);
	ok(kv_is(&x.k, "event", "exec", 4) && kv_is(&x.k, "session",
	    "4f2a-01", 7) && kv_is(&x.k, "user", "deploy", 6) &&
	    strstr(kv_val(&x.k, "cmd"), " [allow: cat (rule 1)]") != NULL,
	    "1 MiB word: key=value has event, session, user, verdict");

	/* a cap below the minimum is the minimum */
	for (i = bad = 0; i < sizeof(small) / sizeof(small[0]); i++) {
		rec_make(&y, &ident, &r, small[i]);
		if (strcmp(untimed(y.json.s), untimed(x.json.s)) != 0)
			bad++;
		rec_free(&y);
	}
	is_int(bad, 0, "a cap of 0, 1, 100 or 4095 is raised to %u",
	    AUDIT_RECORD_MIN);
	rec_free(&x);
	rec_make(&x, &ident, &r, AUDIT_RECORD_DEFAULT);
	ok(x.json.len <= AUDIT_RECORD_DEFAULT && x.json.len > 4096 * 8 &&
	    check_record(&x, &r, AUDIT_RECORD_DEFAULT) == NULL,
	    "1 MiB word, default cap: %zu bytes, consistent", x.json.len);
	rec_free(&x);
}

/* A value the sender cut (aval.sha): its length and hash are kept. */
static void
test_cap_sender(void)
{
	char want[2 * AUDIT_SHA256_LEN + 1];
	struct aval two[2];
	struct acmd c;
	struct arecord r;
	struct rec x;
	const struct jv *e;

	hex(sender, sizeof(sender), want);
	two[0] = av("cat");
	two[1] = avn(big, 300);
	two[1].full = 5000000;
	two[1].sha = sender;
	memset(&c, 0, sizeof(c));
	c.argv = two;
	c.argc = 2;
	c.verdict = V_ALLOW;
	exec_record(&r, &c);
	rec_make(&x, &ident, &r, AUDIT_RECORD_DEFAULT);
	e = j_get(&x.j, "/argv/1");
	ok(check_record(&x, &r, AUDIT_RECORD_DEFAULT) == NULL &&
	    e != NULL && e->len == 300 &&
	    j_is_int(j_get(&x.j, "/cut/0/length"), 5000000) &&
	    j_is_str(j_get(&x.j, "/cut/0/sha256"), want),
	    "a value the sender cut: whole here, its length and hash kept");
	rec_free(&x);
	two[1] = avn(big, 200000);
	two[1].full = 300000;
	two[1].sha = sender;
	rec_make(&x, &ident, &r, 4096);
	e = j_member(&x.j, "cut");
	ok(check_record(&x, &r, 4096) == NULL && x.json.len <= 4096 &&
	    e != NULL && e->n == 1 &&
	    j_is_int(j_get(&x.j, "/cut/0/length"), 300000) &&
	    j_is_str(j_get(&x.j, "/cut/0/sha256"), want),
	    "cut by the sender and again here: the sender's length and hash");
	rec_free(&x);
}

/* Many words, redirections or commands: what is left out is said. */
static void
test_cap_many(void)
{
	struct aval *argv, ca[500][2];
	struct acmd c, cmds[500];
	struct arecord r;
	struct rec x;
	const struct jv *e;
	const char *err;
	char w[500][16];
	size_t i, k, cap;

	argv = xcalloc(3000, sizeof(*argv));
	for (i = 0; i < 3000; i++)
		argv[i] = avn(big + i * 300, 200);
	memset(&c, 0, sizeof(c));
	c.argv = argv;
	c.argc = 3000;
	c.verdict = V_ALLOW;
	exec_record(&r, &c);
	for (i = 0; i < 2; i++) {
		cap = i == 0 ? 4096 : AUDIT_RECORD_DEFAULT;
		rec_make(&x, &ident, &r, cap);
		err = check_record(&x, &r, cap);
		k = (e = j_member(&x.j, "argv")) != NULL ? e->n : 0;
		ok(err == NULL && k < 3000 && j_is_int(j_get(&x.j,
		    "/omitted/0/from"), (long long)k),
		    "3000 words of 200 bytes, cap %zu: %zu bytes, %zu words, "
		    "the rest in \"omitted\" (%s)", cap, x.json.len, k,
		    err ? err : "ok");
		ok(x.json.len >= cap / 2, "3000 words, cap %zu: the record "
		    "uses the room (%zu bytes)", cap, x.json.len);
		rec_free(&x);
	}

	/* words and redirections */
	c.argc = 40;
	c.redirs = xcalloc(300, sizeof(*c.redirs));
	for (i = 0; i < 300; i++) {
		c.redirs[i].fd = (int)(i % 10);
		c.redirs[i].op = i & 1 ? ">>" : "<";
		c.redirs[i].target = avn(big + i * 7, 100);
	}
	c.nredirs = 300;
	rec_make(&x, &ident, &r, 4096);
	err = check_record(&x, &r, 4096);
	ok(err == NULL && j_member(&x.j, "omitted") != NULL,
	    "40 words, 300 redirections, cap 4096: fits, \"omitted\" says "
	    "what is not there (%s)", err ? err : "ok");
	rec_free(&x);
	free(c.redirs);
	free(argv);

	/* a command record of 500 commands */
	memset(cmds, 0, sizeof(cmds));
	for (i = 0; i < 500; i++) {
		ca[i][0] = av("echo");
		snprintf(w[i], sizeof(w[i]), "arg-%zu", i);
		ca[i][1] = av(w[i]);
		cmds[i].argv = ca[i];
		cmds[i].argc = 2;
		cmds[i].verdict = V_ALLOW;
		cmds[i].why = av("echo (rule 1)");
		cmds[i].ended = 1;
	}
	memset(&r, 0, sizeof(r));
	r.ev = AE_COMMAND;
	r.line_no = 1;
	r.cwd = av("/");
	r.line = avn(big, 3000);
	r.cmds = cmds;
	r.ncmds = 500;
	r.verdict = AV_ALLOW;
	r.duration_ms = 1;
	for (i = 0; i < 2; i++) {
		r.omitted = i == 0 ? 0 : 7;
		rec_make(&x, &ident, &r, 4096);
		err = check_record(&x, &r, 4096);
		k = (e = j_member(&x.j, "commands")) != NULL ? e->n : 0;
		ok(err == NULL && j_is_int(j_member(&x.j, "commands_omitted"),
		    (long long)(500 + r.omitted - k)), "500 commands (%zu "
		    "omitted by the monitor), cap 4096: %zu kept, "
		    "commands_omitted %zu (%s)", r.omitted, k,
		    500 + r.omitted - k, err ? err : "ok");
		rec_free(&x);
	}
}

/* A cut never splits a UTF-8 sequence, nor an escape. */
static void
test_cap_utf8(void)
{
	static const char *const mb[] = { "\xc3\xa9", "\xe2\x82\xac",
	    "\xf0\x9f\x98\x80" };
	struct aval two[2];
	struct acmd c;
	struct arecord r;
	struct rec x;
	const struct jv *e;
	const char *err;
	char *v = scratch;
	size_t i, n, len, cap, bad;

	two[0] = av("cat");
	memset(&c, 0, sizeof(c));
	c.argv = two;
	c.argc = 2;
	c.verdict = V_ALLOW;
	exec_record(&r, &c);
	/* 0 to 3 ASCII bytes first: every offset of the sequences */
	for (n = bad = 0; n < 3 * 4; n++) {
		len = strlen(mb[n % 3]);
		memset(v, 'a', n / 3);
		for (i = n / 3; i + len <= 65536; i += len)
			memcpy(v + i, mb[n % 3], len);
		two[1] = avn(v, i);
		for (cap = 4096; cap < 4096 + 24; cap++) {
			rec_make(&x, &ident, &r, cap);
			if ((err = check_record(&x, &r, cap)) != NULL ||
			    j_member(&x.j, "escaped") != NULL ||
			    (e = j_get(&x.j, "/argv/1")) == NULL ||
			    e->t != J_STR || !utf8_ok(e->s, e->len)) {
				if (bad++ == 0)
					tap_diag("%zu-byte UTF-8, cap %zu: %s",
					    len, cap, err ? err : "escaped");
			}
			rec_free(&x);
		}
	}
	is_int(bad, 0, "2-, 3- and 4-byte UTF-8 at every offset, 24 caps: "
	    "the prefix is valid UTF-8, never escaped");

	/* an escaped value: \xHH and \\ kept whole, sequences too */
	v[0] = '\xff';
	for (n = bad = 0; n < 3; n++) {
		len = strlen(mb[n]);
		for (i = 1; i + len <= 65536; i += len)
			memcpy(v + i, mb[n], len);
		if (n == 2)
			for (i = 1; i < 65536; i += 7)
				v[i] = '\\';
		two[1] = avn(v, i);
		for (cap = 4096; cap < 4096 + 24; cap++) {
			rec_make(&x, &ident, &r, cap);
			if ((err = check_record(&x, &r, cap)) != NULL &&
			    bad++ == 0)
				tap_diag("escaped, cap %zu: %s", cap, err);
			rec_free(&x);
		}
	}
	is_int(bad, 0, "an escaped value cut at 24 caps: no escape or "
	    "sequence split, decodes to a prefix");
}

/* Random records, random caps: every cut and omission said. */
static void
test_cap_random(void)
{
	static const size_t caps[] = { 4096, 4097, 4500, 5000, 8192, 20000,
	    65536 };
	struct aval argv[400], ca[60][2];
	struct aredir rd[4];
	struct acmd c, cmds[60];
	struct arecord r;
	struct rec x;
	const char *err;
	char *v = scratch;
	size_t i, n, na, m, cap, bad;

	memset(rd, 0, sizeof(rd));
	for (i = 0; i < 4; i++) {
		rd[i].fd = (int)i;
		rd[i].op = ">";
		rd[i].target = avn(big + i * 1000, i * 900);
	}
	memset(cmds, 0, sizeof(cmds));
	for (i = 0; i < 60; i++) {
		ca[i][0] = av("echo");
		cmds[i].argv = ca[i];
		cmds[i].argc = 2;
		cmds[i].redirs = rd;
		cmds[i].nredirs = i % 3;
		cmds[i].verdict = i % 2 ? V_DENY : V_ALLOW;
		cmds[i].why = avn(big + i, i * 10);
		cmds[i].ended = i % 4 == 0;
	}
	for (n = bad = 0; n < 300; n++) {
		na = 1 + rndn(n % 5 == 0 ? 400 : 12);
		for (i = 0; i < na; i++) {
			m = rndn(na > 12 ? 100 : 4) == 0 ? rndn(70000) :
			    rndn(300);
			argv[i] = avn(big + rndn(MIB - m), m);
			if (rndn(3) == 0) {
				m = m < 300 ? m : 300;
				rnd_bytes(v + i * 300, m, 0, 0);
				argv[i] = avn(v + i * 300, m);
			}
			if (rndn(10) == 0) {
				argv[i].full = argv[i].len + 1 + rndn(1000);
				argv[i].sha = sender;
			}
		}
		memset(&c, 0, sizeof(c));
		c.argv = argv;
		c.argc = na;
		c.redirs = rd;
		c.nredirs = rndn(4);
		c.verdict = rndn(2) ? V_ALLOW : V_DENY;
		c.why = avn(big, rndn(5000));
		exec_record(&r, &c);
		r.cwd = avn(v + 1, rndn(3000));
		cap = caps[rndn(sizeof(caps) / sizeof(caps[0]))];
		rec_make(&x, &ident, &r, cap);
		if ((err = check_record(&x, &r, cap)) != NULL && bad++ == 0)
			tap_diag("random exec record %zu, cap %zu: %s", n, cap,
			    err);
		rec_free(&x);
		if (n % 3 != 0)
			continue;
		memset(&r, 0, sizeof(r));
		r.ev = AE_COMMAND;
		r.line_no = 1;
		r.cwd = avn(big, rndn(300));
		r.line = avn(v, rndn(20000));
		r.cmds = cmds;
		r.ncmds = rndn(60);
		r.omitted = rndn(3);
		r.verdict = AV_PARTIAL;
		r.has_status = 1;
		r.status = 1;
		r.duration_ms = 5;
		for (i = 0; i < r.ncmds; i++)
			ca[i][1] = avn(big + rndn(MIB / 2), rndn(3) == 0 ?
			    rndn(5000) : rndn(20));
		rec_make(&x, &ident, &r, cap);
		if ((err = check_record(&x, &r, cap)) != NULL && bad++ == 0)
			tap_diag("random command record %zu, cap %zu: %s", n,
			    cap, err);
		rec_free(&x);
	}
	is_int(bad, 0, "300 random exec and 100 command records, 7 caps: "
	    "within the cap, every value a prefix, cuts and omissions said");
}

/*
 * The monitor formats an M_EXEC as it came: up to MSG_MAX bytes of
 * words or redirections.  The formatter must not take long on it.
 */
static void
test_speed(void)
{
	struct aval *argv;
	struct acmd c;
	struct arecord r;
	size_t i;

	argv = xcalloc(100000, sizeof(*argv));
	for (i = 0; i < 100000; i++)
		argv[i] = avn("a", 1);
	memset(&c, 0, sizeof(c));
	c.argv = argv;
	c.argc = 100000;
	c.verdict = V_ALLOW;
	exec_record(&r, &c);
	ok(fast_enough(&r, 4096, 2),
	    "an exec of 100000 words is formatted, within the cap");
	c.argc = 1;
	c.redirs = xcalloc(20000, sizeof(*c.redirs));
	for (i = 0; i < 20000; i++) {
		c.redirs[i].fd = 1;
		c.redirs[i].op = ">";
		c.redirs[i].target = avn("f", 1);
	}
	c.nredirs = 20000;
	ok(fast_enough(&r, 4096, 2), "an exec of 20000 redirections is formatted, within the cap");
	free(c.redirs);
	free(argv);
}

/*
 * A record cut or shortened only when it would be longer than its cap:
 * one that fits is the same at any larger cap.
 */
static int
same_at_max(const struct arecord *r, size_t cap, size_t *len)
{
	struct rec x, y;
	int same;

	rec_make(&x, &ident, r, cap);
	rec_make(&y, &ident, r, AUDIT_RECORD_MAX);
	same = strcmp(untimed(x.json.s), untimed(y.json.s)) == 0 &&
	    strcmp(x.kv.s, y.kv.s) == 0;
	*len = y.json.len;
	rec_free(&x);
	rec_free(&y);
	return same;
}

static void
test_whole(void)
{
	static const char *const ten = "0123456789";
	struct aval argv[500], ca[10][2];
	struct acmd c, cmds[10];
	struct arecord r;
	size_t i, k, len, cap, bad, tried;
	int same;

	for (i = 0; i < 500; i++)
		argv[i] = av(ten);
	memset(&c, 0, sizeof(c));
	c.argv = argv;
	c.argc = 30;
	c.verdict = V_ALLOW;
	exec_record(&r, &c);
	same = same_at_max(&r, 4096, &len);
	ok(same, "30 words of 10 "
	    "bytes (%zu bytes whole), cap 4096: nothing omitted or cut", len);
	c.argc = 500;
	same = same_at_max(&r, AUDIT_RECORD_DEFAULT, &len);
	ok(same, "500 words of 10 "
	    "bytes (%zu bytes whole), default cap: nothing omitted or cut",
	    len);
	for (i = 0; i < 10; i++) {
		memset(&cmds[i], 0, sizeof(cmds[i]));
		ca[i][0] = av("echo");
		ca[i][1] = av(ten);
		cmds[i].argv = ca[i];
		cmds[i].argc = 2;
		cmds[i].verdict = V_ALLOW;
	}
	memset(&r, 0, sizeof(r));
	r.ev = AE_COMMAND;
	r.line_no = 1;
	r.cwd = av("/");
	r.line = av("echo 0123456789; ...");
	r.cmds = cmds;
	r.ncmds = 10;
	r.duration_ms = 1;
	same = same_at_max(&r, 4096, &len);
	ok(same, "a line of 10 "
	    "commands (%zu bytes whole), cap 4096: none omitted", len);

	/* random records that fit their cap */
	for (i = bad = tried = 0; i < 200; i++) {
		c.argc = 1 + rndn(i % 2 ? 400 : 40);
		for (k = 0; k < c.argc; k++)
			argv[k] = avn(ten, rndn(11));
		exec_record(&r, &c);
		(void)same_at_max(&r, AUDIT_RECORD_MAX, &len);
		cap = len < 4096 ? 4096 : len + rndn(100);
		tried++;
		if (!same_at_max(&r, cap, &len))
			bad++;
	}
	ok(bad == 0,
	    "%zu random exec records that fit their cap: the same at any "
	    "cap (%zu differ)", tried, bad);
}

/* Every JSON line made above, loaded by python3's json module. */
static void
test_python(void)
{
	static const char script[] =
	    "import json, sys\n"
	    "n = 0\n"
	    "ident = ['time', 'event', 'session', 'user', 'uid', 'from', "
	    "'mode']\n"
	    "def get(r, p):\n"
	    "    for t in p.split('/')[1:]:\n"
	    "        r = r[int(t)] if isinstance(r, list) else r[t]\n"
	    "    return r\n"
	    "for l in open(sys.argv[1], 'rb'):\n"
	    "    assert l.endswith(b'\\n') and l.count(b'\\n') == 1, l\n"
	    "    assert b'\\r' not in l, l\n"
	    "    r = json.loads(l)\n"
	    "    assert isinstance(r, dict), l\n"
	    "    assert list(r)[:7] == ident, l\n"
	    "    for p in r.get('escaped', []):\n"
	    "        assert isinstance(get(r, p), str), p\n"
	    "    for c in r.get('cut', []):\n"
	    "        assert isinstance(get(r, c['path']), str), c\n"
	    "        assert len(c['sha256']) == 64, c\n"
	    "    n += 1\n"
	    "assert n == int(sys.argv[2]), n\n";
	char sp[160], *cmd;
	FILE *f;
	int st;

	fclose(pyf);
	pyf = NULL;
	if (system("command -v python3 >/dev/null 2>&1") != 0) {
		ok(1, "# SKIP python3 not found");
		return;
	}
	snprintf(sp, sizeof(sp), "%s/check.py", tmpdir);
	if ((f = fopen(sp, "w")) == NULL) {
		ok(0, "python3 check: %s", strerror(errno));
		return;
	}
	fputs(script, f);
	fclose(f);
	xasprintf(&cmd, "python3 '%s' '%s' %zu", sp, pypath, pylines);
	st = system(cmd);
	free(cmd);
	ok(st == 0, "python3 json.loads reads all %zu records: objects, one "
	    "line each, escaped and cut paths name strings", pylines);
}

static void
cleanup(void)
{
	char *cmd;

	xasprintf(&cmd, "rm -rf '%s'", tmpdir);
	(void)system(cmd);
	free(cmd);
}

int
main(void)
{
	started = time(NULL);
	alarm(120);
	if (mkdtemp(tmpdir) == NULL) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	snprintf(pypath, sizeof(pypath), "%s/records.json", tmpdir);
	if ((pyf = fopen(pypath, "w")) == NULL) {
		printf("Bail out! %s: %s\n", pypath, strerror(errno));
		return 1;
	}
	test_sha256("the CPU's SHA instructions where it has them");
	sha256_portable(1);
	test_sha256("the portable code");
	sha256_portable(0);
	test_sha256_agree();
	test_events();
	test_hostile();
	test_distinct();
	make_values();
	test_cap_one();
	test_cap_sender();
	test_cap_many();
	test_cap_utf8();
	test_cap_random();
	test_speed();
	test_whole();
	test_python();
	cleanup();
	free(big);
	free(scratch);
	return tap_done();
}
