/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * json.c: a strict reader of the JSON lines audit.c writes (logtool.h
 * says what it takes).  A line comes from a file that holds values a
 * caged user chose and that a crash may have torn: any input is either
 * a tree or a reason, never a crash, a read past the line, an unbounded
 * recursion or a quadratic walk.  Nodes live in blocks that are kept
 * from one line to the next; the decoded strings of a line fit in one
 * buffer as long as the line (a string never decodes longer than its
 * JSON form with its quotes).
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "logtool.h"
#include "xmalloc.h"

#define BLOCK_NODES	1024

struct block {
	struct block	*next;
	size_t		 used;
	struct lj	 n[BLOCK_NODES];
};

struct lj_doc {
	struct block	*first, *cur;
	size_t		 nodes;		/* in this line */
	char		*str;		/* the decoded strings */
	size_t		 strcap, strlen;
	const unsigned char *p, *end;
	const char	*why;
};

struct lj_doc *
lj_new(void)
{
	struct lj_doc *d = xcalloc(1, sizeof(*d));

	d->first = d->cur = xcalloc(1, sizeof(*d->first));
	return d;
}

void
lj_free(struct lj_doc *d)
{
	struct block *b, *nb;

	if (d == NULL)
		return;
	for (b = d->first; b != NULL; b = nb) {
		nb = b->next;
		free(b);
	}
	free(d->str);
	free(d);
}

static struct lj *
node(struct lj_doc *d, enum lj_type t)
{
	struct lj *n;

	if (d->nodes++ == LJ_NODES_MAX)
		return NULL;
	if (d->cur->used == BLOCK_NODES) {
		if (d->cur->next == NULL)
			d->cur->next = xcalloc(1, sizeof(*d->cur));
		d->cur = d->cur->next;
		d->cur->used = 0;
	}
	n = &d->cur->n[d->cur->used++];
	memset(n, 0, sizeof(*n));
	n->type = t;
	return n;
}

static int
fail(struct lj_doc *d, const char *why)
{
	if (d->why == NULL)
		d->why = why;
	return -1;
}

static void
ws(struct lj_doc *d)
{
	while (d->p < d->end && (*d->p == ' ' || *d->p == '\t' ||
	    *d->p == '\r'))
		d->p++;
}

static int
hex4(const unsigned char *p, unsigned int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		*v <<= 4;
		if (p[i] >= '0' && p[i] <= '9')
			*v |= p[i] - '0';
		else if (p[i] >= 'a' && p[i] <= 'f')
			*v |= p[i] - 'a' + 10;
		else if (p[i] >= 'A' && p[i] <= 'F')
			*v |= p[i] - 'A' + 10;
		else
			return -1;
	}
	return 0;
}

static char *
put_utf8(char *o, unsigned int cp)
{
	if (cp < 0x80)
		*o++ = (char)cp;
	else if (cp < 0x800) {
		*o++ = (char)(0xc0 | cp >> 6);
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | cp >> 12);
		*o++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | cp >> 18);
		*o++ = (char)(0x80 | (cp >> 12 & 0x3f));
		*o++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

/* The escape after a backslash at d->p; the decoded bytes go to *o. */
static int
escape(struct lj_doc *d, char **o)
{
	unsigned int cp, lo;
	const unsigned char *p = d->p;

	if (p >= d->end)
		return fail(d, "a string ends in a backslash");
	switch (*p) {
	case '"':
	case '\\':
	case '/':
		*(*o)++ = (char)*p;
		d->p++;
		return 0;
	case 'b':
		*(*o)++ = '\b';
		d->p++;
		return 0;
	case 'f':
		*(*o)++ = '\f';
		d->p++;
		return 0;
	case 'n':
		*(*o)++ = '\n';
		d->p++;
		return 0;
	case 'r':
		*(*o)++ = '\r';
		d->p++;
		return 0;
	case 't':
		*(*o)++ = '\t';
		d->p++;
		return 0;
	case 'u':
		break;
	default:
		return fail(d, "an unknown escape in a string");
	}
	if (d->end - p < 5 || hex4(p + 1, &cp) == -1)
		return fail(d, "a bad \\u escape");
	p += 5;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return fail(d, "a lone low surrogate");
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (d->end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
		    hex4(p + 2, &lo) == -1 || lo < 0xdc00 || lo > 0xdfff)
			return fail(d, "a lone high surrogate");
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		p += 6;
	}
	*o = put_utf8(*o, cp);
	d->p = p;
	return 0;
}

/* A string at d->p (its opening quote): decoded into d->str. */
static int
string(struct lj_doc *d, char **s, size_t *len)
{
	const unsigned char *p;
	char *o;
	size_t l;

	d->p++;
	o = *s = d->str + d->strlen;
	for (;;) {
		/* the plain run, copied as one */
		for (p = d->p; p < d->end && *p >= 0x20 && *p < 0x7f &&
		    *p != '"' && *p != '\\'; p++)
			;
		memcpy(o, d->p, (size_t)(p - d->p));
		o += p - d->p;
		d->p = p;
		if (p >= d->end)
			return fail(d, "a string is not closed");
		if (*p == '"') {
			d->p++;
			break;
		}
		if (*p == '\\') {
			d->p++;
			if (escape(d, &o) == -1)
				return -1;
			continue;
		}
		if (*p < 0x20 || *p == 0x7f)
			return fail(d, "a raw control byte in a string");
		if ((l = jsonw_utf8_len(p, (size_t)(d->end - p))) == 0)
			return fail(d, "a string is not UTF-8");
		if (l == 2 && p[0] == 0xc2 && p[1] < 0xa0)
			return fail(d, "a raw C1 control in a string");
		memcpy(o, p, l);
		o += l;
		d->p += l;
	}
	*o++ = '\0';
	*len = (size_t)(o - *s) - 1;
	d->strlen = (size_t)(o - d->str);
	return 0;
}

static int
integer(struct lj_doc *d, long long *v)
{
	const unsigned char *p = d->p;
	unsigned long long u = 0, max = LLONG_MAX;
	int neg = 0;

	if (p < d->end && *p == '-') {
		neg = 1;
		max = (unsigned long long)LLONG_MAX + 1;
		p++;
	}
	if (p >= d->end || *p < '0' || *p > '9')
		return fail(d, "not a value");
	if (*p == '0' && p + 1 < d->end && p[1] >= '0' && p[1] <= '9')
		return fail(d, "a number with a leading zero");
	for (; p < d->end && *p >= '0' && *p <= '9'; p++) {
		if (u > (max - (unsigned)(*p - '0')) / 10)
			return fail(d, "a number out of range");
		u = u * 10 + (unsigned)(*p - '0');
	}
	if (p < d->end && (*p == '.' || *p == 'e' || *p == 'E'))
		return fail(d, "a number that is not an integer");
	*v = neg ? (long long)(0 - u) : (long long)u;
	d->p = p;
	return 0;
}

static struct lj *value(struct lj_doc *, int);

static int
members(struct lj_doc *d, struct lj *obj, int depth)
{
	struct lj *last = NULL, *v, *o;
	char *k;
	size_t klen;

	d->p++;
	ws(d);
	if (d->p < d->end && *d->p == '}') {
		d->p++;
		return 0;
	}
	for (;;) {
		ws(d);
		if (d->p >= d->end || *d->p != '"')
			return fail(d, "an object key is not a string");
		if (string(d, &k, &klen) == -1)
			return -1;
		ws(d);
		if (d->p >= d->end || *d->p != ':')
			return fail(d, "no ':' after an object key");
		d->p++;
		if (obj->len == LJ_MEMBERS_MAX)
			return fail(d, "an object with too many members");
		/* two readers of one record must never see two values */
		for (o = obj->child; o != NULL; o = o->next)
			if (o->klen == klen && (klen == 0 || o->key[0] == k[0])
			    && memcmp(o->key, k, klen) == 0)
				return fail(d, "a key twice in an object");
		if ((v = value(d, depth + 1)) == NULL)
			return -1;
		v->key = k;
		v->klen = (unsigned int)klen;	/* < LOG_LINE_MAX */
		if (last == NULL)
			obj->child = v;
		else
			last->next = v;
		last = v;
		obj->len++;
		ws(d);
		if (d->p < d->end && *d->p == ',') {
			d->p++;
			continue;
		}
		if (d->p < d->end && *d->p == '}') {
			d->p++;
			return 0;
		}
		return fail(d, "an object is not closed");
	}
}

static int
elements(struct lj_doc *d, struct lj *arr, int depth)
{
	struct lj *last = NULL, *v;

	d->p++;
	ws(d);
	if (d->p < d->end && *d->p == ']') {
		d->p++;
		return 0;
	}
	for (;;) {
		if ((v = value(d, depth + 1)) == NULL)
			return -1;
		if (last == NULL)
			arr->child = v;
		else
			last->next = v;
		last = v;
		arr->len++;
		ws(d);
		if (d->p < d->end && *d->p == ',') {
			d->p++;
			continue;
		}
		if (d->p < d->end && *d->p == ']') {
			d->p++;
			return 0;
		}
		return fail(d, "an array is not closed");
	}
}

static struct lj *
value(struct lj_doc *d, int depth)
{
	struct lj *n;
	enum lj_type t;

	ws(d);
	if (depth > LJ_DEPTH_MAX) {
		fail(d, "nested too deep");
		return NULL;
	}
	if (d->p >= d->end) {
		fail(d, "a value is missing");
		return NULL;
	}
	switch (*d->p) {
	case '{':
		t = LJ_OBJ;
		break;
	case '[':
		t = LJ_ARR;
		break;
	case '"':
		t = LJ_STR;
		break;
	case 'n':
		if (d->end - d->p < 4 || memcmp(d->p, "null", 4) != 0) {
			fail(d, "not a value");
			return NULL;
		}
		t = LJ_NULL;
		break;
	case 't':
	case 'f':
		fail(d, "true and false are not in a record");
		return NULL;
	default:
		t = LJ_INT;
	}
	if ((n = node(d, t)) == NULL) {
		fail(d, "more values than any record has");
		return NULL;
	}
	switch (t) {
	case LJ_OBJ:
		return members(d, n, depth) == 0 ? n : NULL;
	case LJ_ARR:
		return elements(d, n, depth) == 0 ? n : NULL;
	case LJ_STR:
		return string(d, &n->s, &n->len) == 0 ? n : NULL;
	case LJ_NULL:
		d->p += 4;
		return n;
	default:
		return integer(d, &n->i) == 0 ? n : NULL;
	}
}

struct lj *
lj_parse(struct lj_doc *d, const char *line, size_t len, const char **why)
{
	struct block *b;
	struct lj *root;

	for (b = d->first; b != NULL; b = b->next)
		b->used = 0;
	d->cur = d->first;
	d->nodes = 0;
	if (len + 1 > d->strcap) {
		free(d->str);
		d->strcap = len + 1;
		d->str = xmalloc(d->strcap);
	}
	d->strlen = 0;
	d->p = (const unsigned char *)line;
	d->end = d->p + len;
	d->why = NULL;
	ws(d);
	if (d->p >= d->end || *d->p != '{') {
		*why = len == 0 ? "an empty line" : "not a JSON object";
		return NULL;
	}
	if ((root = value(d, 1)) != NULL) {
		ws(d);
		if (d->p != d->end) {
			fail(d, "more after the object");
			root = NULL;
		}
	}
	*why = d->why;
	return root;
}

struct lj *
lj_get(const struct lj *obj, const char *key)
{
	struct lj *n;
	size_t klen = strlen(key);

	if (obj == NULL || obj->type != LJ_OBJ)
		return NULL;
	for (n = obj->child; n != NULL; n = n->next)
		if (n->klen == klen && memcmp(n->key, key, klen) == 0)
			return n;
	return NULL;
}

/* One reference token of a pointer, unescaped (~1 is '/', ~0 is '~'). */
static int
token(const char *p, size_t n, char *out, size_t outsz, size_t *outlen)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (o + 1 >= outsz)
			return -1;
		if (p[i] != '~') {
			out[o++] = p[i];
			continue;
		}
		if (i + 1 == n || (p[i + 1] != '0' && p[i + 1] != '1'))
			return -1;
		out[o++] = p[++i] == '1' ? '/' : '~';
	}
	out[o] = '\0';
	*outlen = o;
	return 0;
}

struct lj *
lj_pointer(struct lj *root, const char *ptr, size_t len)
{
	struct lj *cur = root, *n;
	const char *p = ptr, *end = ptr + len, *e;
	char tok[64];
	size_t tlen, idx, i;

	while (p < end) {
		if (*p != '/' || cur == NULL)
			return NULL;
		p++;
		for (e = p; e < end && *e != '/'; e++)
			;
		if (token(p, (size_t)(e - p), tok, sizeof(tok), &tlen) == -1)
			return NULL;
		p = e;
		if (cur->type == LJ_OBJ) {
			for (n = cur->child; n != NULL; n = n->next)
				if (n->klen == tlen &&
				    memcmp(n->key, tok, tlen) == 0)
					break;
			cur = n;
			continue;
		}
		if (cur->type != LJ_ARR || tlen == 0 || tlen > 9 ||
		    (tok[0] == '0' && tlen > 1))
			return NULL;
		for (i = 0, idx = 0; i < tlen; i++) {
			if (tok[i] < '0' || tok[i] > '9')
				return NULL;
			idx = idx * 10 + (size_t)(tok[i] - '0');
		}
		for (n = cur->child; n != NULL && idx > 0; n = n->next)
			idx--;
		cur = n;
	}
	return cur;
}
