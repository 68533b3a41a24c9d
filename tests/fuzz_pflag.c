/* fuzz_pflag.c - libFuzzer target for the command-line parsers and value rules.
 *
 * The input is split on NUL bytes into an argv (the first piece is argv[0])
 * and parsed in both dialects against a small type table; every piece is
 * also parsed as each value type. Build: clang -fsanitize=fuzzer,address,
 * undefined with the library (configure --enable-fuzzer).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pflag.h"

/* Short names so the fuzzer finds them; one per type, plus real ones. */
static const struct {
	const char *name;
	enum vtype type;
} fuzz_types[] = {
	{"b", VT_BOOL},
	{"s", VT_STRING},
	{"i", VT_INT},
	{"d", VT_DURATION},
	{"l", VT_SLICE},
	{"a", VT_ARRAY},
	{"m", VT_MAP},
	{"f", VT_FLOAT},
	{"anonymous-auth", VT_BOOL},
	{"feature-gates", VT_MAP},
	{"enable-admission-plugins", VT_SLICE},
};

#define NTYPES (sizeof(fuzz_types) / sizeof(fuzz_types[0]))

static int
fuzz_type_of(const char *name, enum vtype *t, void *arg)
{
	(void)arg;
	for (size_t i = 0; i < NTYPES; i++) {
		if (strcmp(fuzz_types[i].name, name) == 0) {
			*t = fuzz_types[i].type;
			return 0;
		}
	}
	return -1;
}

/* Reads everything a consumer might read, so the sanitizers see it. */
static size_t
fuzz_walk(const struct flagset *fs)
{
	size_t sum = fs->positional.n;

	for (size_t i = 0; i < fs->nflags; i++) {
		const struct flag *f = &fs->flags[i];

		sum += strlen(f->name) + strlen(f->value.raw) + (f->error ? strlen(f->error) : 0);
		for (size_t k = 0; k < f->nocc; k++)
			sum += strlen(f->occ[k].text) + strlen(f->occ[k].value) +
			       (size_t)f->occ[k].index;
		for (size_t k = 0; k < f->value.list.n; k++)
			sum += strlen(f->value.list.v[k]);
		if (f->type == VT_MAP) {
			if (f->value.list.n != f->value.mapvals.n)
				abort();
			for (size_t k = 0; k < f->value.list.n; k++)
				if (value_map_get(&f->value, f->value.list.v[k]) == NULL)
					abort();
		}
		if (flagset_get(fs, f->name) != f)
			abort();
	}
	for (size_t i = 0; i < NTYPES; i++)
		sum += flagset_get(fs, fuzz_types[i].name) != NULL;
	return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	char **argv;
	size_t argc = 1;
	struct flagset fs;
	volatile size_t sink = 0;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (size_t i = 0; i < size; i++)
		argc += buf[i] == '\0';
	argv = calloc(argc + 1, sizeof(*argv));
	if (argv == NULL) {
		free(buf);
		return 0;
	}
	argv[0] = buf;
	for (size_t i = 0, n = 1; i < size; i++)
		if (buf[i] == '\0')
			argv[n++] = buf + i + 1;

	for (int d = PFLAG_GO_PFLAG; d <= PFLAG_GO_FLAG; d++) {
		pflag_parse(&fs, (enum pflag_dialect)d, argv, argc, fuzz_type_of, NULL);
		sink += fuzz_walk(&fs);
		flagset_free(&fs);
	}
	for (size_t i = 0; i < argc; i++) {
		for (int t = VT_STRING; t <= VT_FLOAT; t++) {
			struct value v, c;
			const char *err = NULL;

			value_parse(&v, (enum vtype)t, argv[i], &err);
			value_copy(&c, &v);
			sink += (c.raw ? strlen(c.raw) : 0) + c.list.n;
			value_free(&v);
			value_free(&c);
		}
	}
	(void)sink;
	free(argv);
	free(buf);
	return 0;
}
