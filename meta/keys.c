/*
 * keys.c - keyrings: the level secret keys and the blind-index key of a
 * workstation or the ingest host, in a file (format in keys.h).
 *
 * Invariants: a secret key, a keyring payload and a passphrase exist only
 * in guarded memory (struct crypto_key), never in malloc'd or stack
 * buffers, and a raw payload reaches the disk only as the raw keyring that
 * the caller asked for, through a temporary file that is created exclusively
 * with mode 0600 before the first byte is written.  Parsing is strict: any
 * byte out of place is -EIO, so a damaged keyring never half-loads.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keys.h"
#include "passphrase.h"
#include "pubkey.h"

#define KR_MAGIC "RECFSKR1"
#define KR_MAGIC_BYTES 8
#define KR_VERSION 1
#define KR_HEADER_BYTES (KR_MAGIC_BYTES + 1 + 1 + 2)
#define KR_PROT_RAW 0
#define KR_PROT_PASS 1
#define KR_PASS_HEADER_BYTES (CRYPTO_SALT_BYTES + 8 + 8)
#define KR_TYPE_LEVEL 1
#define KR_TYPE_INDEX 2
#define KR_TYPE_PIN 3
#define KR_NAME_MAX 255
/* A keyring holds a handful of keys; anything larger is not one. */
#define KR_FILE_MAX (1 << 20)

struct kr_level {
	char *name;
	struct crypto_key *sk;
	uint8_t pk[CRYPTO_PK_BYTES];
};

struct kr_pin {
	char *name;
	uint8_t pk[CRYPTO_PK_BYTES];
};

struct keyring {
	struct kr_level *levels;
	size_t n, cap;
	struct crypto_key *index_key;
	struct kr_pin *pins;
	size_t npins, pincap;
};

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static struct crypto_key *key_copy(const struct crypto_key *k)
{
	struct crypto_key *c = crypto_key_new(k->len, 0);

	if (c)
		memcpy(c->bytes, k->bytes, k->len);
	return c;
}

int keyring_new(struct keyring **out)
{
	struct keyring *kr = calloc(1, sizeof(*kr));

	if (!kr)
		return -ENOMEM;
	*out = kr;
	return 0;
}

void keyring_free(struct keyring *kr)
{
	if (!kr)
		return;
	for (size_t i = 0; i < kr->n; i++) {
		free(kr->levels[i].name);
		crypto_key_free(kr->levels[i].sk);
	}
	free(kr->levels);
	crypto_key_free(kr->index_key);
	for (size_t i = 0; i < kr->npins; i++)
		free(kr->pins[i].name);
	free(kr->pins);
	free(kr);
}

int keyring_add_level(struct keyring *kr, const char *level, const struct crypto_key *sk)
{
	uint8_t pk[CRYPTO_PK_BYTES];
	struct crypto_key *copy;
	size_t i;
	int rc;

	if (!level || !pubkey_valid_level_name(level))
		return meta_fail(-EINVAL, "invalid level name in keyring");
	if (!sk || sk->len != CRYPTO_SK_BYTES)
		return meta_fail(-EINVAL, "level %s: secret key of the wrong size", level);
	rc = crypto_public_of(sk, pk);
	if (rc)
		return rc;
	copy = key_copy(sk);
	if (!copy)
		return -ENOMEM;
	for (i = 0; i < kr->n; i++)
		if (!strcmp(kr->levels[i].name, level))
			break;
	if (i == kr->n) {
		if (kr->n == kr->cap) {
			kr->cap = kr->cap ? kr->cap * 2 : 4;
			kr->levels = xrealloc(kr->levels, kr->cap * sizeof(*kr->levels));
		}
		kr->levels[i].name = xstrdup(level);
		kr->levels[i].sk = NULL;
		kr->n++;
	}
	crypto_key_free(kr->levels[i].sk);
	kr->levels[i].sk = copy;
	memcpy(kr->levels[i].pk, pk, sizeof(pk));
	return 0;
}

int keyring_set_index_key(struct keyring *kr, const struct crypto_key *key)
{
	struct crypto_key *copy;

	if (!key || key->len != CRYPTO_INDEX_KEY_BYTES)
		return meta_fail(-EINVAL, "blind-index key of the wrong size");
	copy = key_copy(key);
	if (!copy)
		return -ENOMEM;
	crypto_key_free(kr->index_key);
	kr->index_key = copy;
	return 0;
}

int keyring_pin(struct keyring *kr, const char *level, const uint8_t pk[CRYPTO_PK_BYTES])
{
	size_t i;

	if (!level || !pubkey_valid_level_name(level))
		return meta_fail(-EINVAL, "invalid level name in keyring");
	for (i = 0; i < kr->npins; i++)
		if (!strcmp(kr->pins[i].name, level))
			break;
	if (i == kr->npins) {
		if (kr->npins == kr->pincap) {
			kr->pincap = kr->pincap ? kr->pincap * 2 : 4;
			kr->pins = xrealloc(kr->pins, kr->pincap * sizeof(*kr->pins));
		}
		kr->pins[i].name = xstrdup(level);
		kr->npins++;
	}
	memcpy(kr->pins[i].pk, pk, CRYPTO_PK_BYTES);
	return 0;
}

int keyring_public(const struct keyring *kr, const char *level, uint8_t pk[CRYPTO_PK_BYTES])
{
	for (size_t i = 0; kr && level && i < kr->npins; i++) {
		if (!strcmp(kr->pins[i].name, level)) {
			memcpy(pk, kr->pins[i].pk, CRYPTO_PK_BYTES);
			return 0;
		}
	}
	return keyring_level(kr, level, pk) ? 0 : -ENOENT;
}

int keyring_pin_all(struct keyring *dst, const struct keyring *src)
{
	int rc;

	for (size_t i = 0; i < src->n; i++)
		if ((rc = keyring_pin(dst, src->levels[i].name, src->levels[i].pk)))
			return rc;
	/* After: a pin wins over the public half, as in keyring_public. */
	for (size_t i = 0; i < src->npins; i++)
		if ((rc = keyring_pin(dst, src->pins[i].name, src->pins[i].pk)))
			return rc;
	return 0;
}

int keyring_merge(struct keyring *dst, const struct keyring *src)
{
	int rc;

	for (size_t i = 0; i < src->n; i++) {
		rc = keyring_add_level(dst, src->levels[i].name, src->levels[i].sk);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < src->npins; i++) {
		rc = keyring_pin(dst, src->pins[i].name, src->pins[i].pk);
		if (rc)
			return rc;
	}
	if (src->index_key)
		return keyring_set_index_key(dst, src->index_key);
	return 0;
}

const struct crypto_key *keyring_level(const struct keyring *kr, const char *level, uint8_t pk[CRYPTO_PK_BYTES])
{
	for (size_t i = 0; kr && level && i < kr->n; i++) {
		if (!strcmp(kr->levels[i].name, level)) {
			if (pk)
				memcpy(pk, kr->levels[i].pk, CRYPTO_PK_BYTES);
			return kr->levels[i].sk;
		}
	}
	return NULL;
}

const struct crypto_key *keyring_index_key(const struct keyring *kr)
{
	return kr ? kr->index_key : NULL;
}

size_t keyring_level_count(const struct keyring *kr)
{
	return kr ? kr->n : 0;
}

const char *keyring_level_name(const struct keyring *kr, size_t i)
{
	return kr && i < kr->n ? kr->levels[i].name : NULL;
}

static void put_entry(uint8_t *p, size_t *pos, uint8_t type, const char *name, const uint8_t *key, size_t len)
{
	size_t nl = strlen(name);

	p[(*pos)++] = type;
	p[(*pos)++] = (uint8_t)nl;
	memcpy(p + *pos, name, nl);
	*pos += nl;
	p[(*pos)++] = (uint8_t)len;
	memcpy(p + *pos, key, len);
	*pos += len;
}

/*
 * The payload, serialised into guarded memory at offset skip (room for the
 * caller's header, so a raw keyring is one guarded image).
 */
static int build_payload(const struct keyring *kr, size_t skip, struct crypto_key **out)
{
	struct crypto_key *buf;
	size_t size = 4, pos = skip;
	uint32_t count = (uint32_t)(kr->n + kr->npins) + (kr->index_key != NULL);

	for (size_t i = 0; i < kr->n; i++)
		size += 3 + strlen(kr->levels[i].name) + kr->levels[i].sk->len;
	if (kr->index_key)
		size += 3 + strlen(KEYS_INDEX_NAME) + kr->index_key->len;
	for (size_t i = 0; i < kr->npins; i++)
		size += 3 + strlen(kr->pins[i].name) + CRYPTO_PK_BYTES;
	buf = crypto_key_new(skip + size, 0);
	if (!buf)
		return -ENOMEM;
	for (int b = 0; b < 4; b++)
		buf->bytes[pos++] = (uint8_t)(count >> (8 * b));
	for (size_t i = 0; i < kr->n; i++)
		put_entry(buf->bytes, &pos, KR_TYPE_LEVEL, kr->levels[i].name, kr->levels[i].sk->bytes,
			  kr->levels[i].sk->len);
	if (kr->index_key)
		put_entry(buf->bytes, &pos, KR_TYPE_INDEX, KEYS_INDEX_NAME, kr->index_key->bytes, kr->index_key->len);
	for (size_t i = 0; i < kr->npins; i++)
		put_entry(buf->bytes, &pos, KR_TYPE_PIN, kr->pins[i].name, kr->pins[i].pk, CRYPTO_PK_BYTES);
	*out = buf;
	return 0;
}

/* Parse a payload into kr; -EIO on anything malformed. */
static int parse_payload(struct keyring *kr, const uint8_t *p, size_t len)
{
	size_t pos = 4;
	uint32_t count;
	int rc;

	if (len < 4)
		return -EIO;
	count = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	for (uint32_t e = 0; e < count; e++) {
		char name[KR_NAME_MAX + 1];
		struct crypto_key view = { 0 };
		size_t nl, kl;
		uint8_t type;

		if (len - pos < 2)
			return -EIO;
		type = p[pos++];
		nl = p[pos++];
		if (nl == 0 || len - pos < nl + 1)
			return -EIO;
		memcpy(name, p + pos, nl);
		name[nl] = '\0';
		pos += nl;
		kl = p[pos++];
		if (strlen(name) != nl || len - pos < kl)
			return -EIO;
		/* A view into the caller's guarded buffer; the keyring copies. */
		view.len = kl;
		view.bytes = (unsigned char *)(uintptr_t)(p + pos);
		pos += kl;
		if (type == KR_TYPE_LEVEL && kl == CRYPTO_SK_BYTES && pubkey_valid_level_name(name))
			rc = keyring_add_level(kr, name, &view);
		else if (type == KR_TYPE_INDEX && kl == CRYPTO_INDEX_KEY_BYTES)
			rc = keyring_set_index_key(kr, &view);
		else if (type == KR_TYPE_PIN && kl == CRYPTO_PK_BYTES && pubkey_valid_level_name(name))
			rc = keyring_pin(kr, name, view.bytes);
		else
			rc = -EIO;
		if (rc)
			return rc == -ENOMEM ? rc : -EIO;
	}
	return pos == len ? 0 : -EIO;
}

int keyring_save(const struct keyring *kr, const char *path, const struct crypto_key *pass)
{
	struct crypto_key *image = NULL, *payload = NULL, *pkey = NULL;
	uint8_t *file = NULL, *box = NULL;
	size_t boxlen, filelen;
	unsigned long long ops;
	size_t mem;
	uint8_t *p;
	int rc;

	if (!pass) {
		rc = build_payload(kr, KR_HEADER_BYTES, &image);
		if (rc)
			goto out;
		p = image->bytes;
		filelen = image->len;
	} else {
		rc = build_payload(kr, 0, &payload);
		if (rc)
			goto out;
		crypto_pass_limits(CRYPTO_PASS_MODERATE, &ops, &mem);
		filelen = KR_HEADER_BYTES + KR_PASS_HEADER_BYTES;
		file = xcalloc(1, filelen);
		p = file;
		crypto_random(p + KR_HEADER_BYTES, CRYPTO_SALT_BYTES);
		put_le64(p + KR_HEADER_BYTES + CRYPTO_SALT_BYTES, ops);
		put_le64(p + KR_HEADER_BYTES + CRYPTO_SALT_BYTES + 8, mem);
		rc = crypto_pass_key((const char *)pass->bytes, pass->len, p + KR_HEADER_BYTES, ops, mem, &pkey);
		if (rc)
			goto out;
		rc = crypto_box_with_key(pkey, payload->bytes, payload->len, &box, &boxlen);
		if (rc)
			goto out;
		file = xrealloc(file, filelen + boxlen);
		p = file;
		memcpy(p + filelen, box, boxlen);
		filelen += boxlen;
	}
	memcpy(p, KR_MAGIC, KR_MAGIC_BYTES);
	p[KR_MAGIC_BYTES] = KR_VERSION;
	p[KR_MAGIC_BYTES + 1] = pass ? KR_PROT_PASS : KR_PROT_RAW;
	p[KR_MAGIC_BYTES + 2] = 0;
	p[KR_MAGIC_BYTES + 3] = 0;
	rc = util_write_file_atomic(path, p, filelen, 0600);
	if (rc)
		meta_fail(rc, "cannot write keyring %s: %s", path, strerror(-rc));
out:
	crypto_key_free(image);
	crypto_key_free(payload);
	crypto_key_free(pkey);
	free(file);
	free(box);
	return rc;
}

/* The whole file, in guarded memory (a raw keyring is secret). */
static int read_keyring_file(const char *path, struct crypto_key **out, struct stat *stp)
{
	struct crypto_key *buf = NULL;
	struct stat st;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return meta_fail(-errno, "cannot open keyring %s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		rc = meta_fail(-errno, "cannot stat keyring %s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < KR_HEADER_BYTES || st.st_size > KR_FILE_MAX) {
		rc = meta_fail(-EIO, "%s is not a recfs keyring", path);
		goto out;
	}
	buf = crypto_key_new((size_t)st.st_size, 0);
	if (!buf) {
		rc = -ENOMEM;
		goto out;
	}
	rc = util_pread_all(fd, buf->bytes, buf->len, 0);
	if (rc) {
		rc = meta_fail(-EIO, "cannot read keyring %s", path);
		goto out;
	}
	*stp = st;
	*out = buf;
	buf = NULL;
out:
	crypto_key_free(buf);
	close(fd);
	return rc;
}

static int check_header(const char *path, const uint8_t *p)
{
	if (memcmp(p, KR_MAGIC, KR_MAGIC_BYTES) || p[KR_MAGIC_BYTES] != KR_VERSION ||
	    p[KR_MAGIC_BYTES + 1] > KR_PROT_PASS || p[KR_MAGIC_BYTES + 2] || p[KR_MAGIC_BYTES + 3])
		return meta_fail(-EIO, "%s is not a version %d recfs keyring", path, KR_VERSION);
	return 0;
}

/*
 * What a careless administrator may have left around a keyring that
 * loaded, one line each, appended to w: a protected keyring that anyone
 * may read (and so try passphrases on, offline, as fast as they like),
 * and a keyring of either kind that a user other than this process's and
 * root owns (its owner can put keys of their own in, or take it away).
 * A raw keyring that group or others may read never loads at all.
 */
static void warn_keyring(struct strbuf *w, const char *path, const struct stat *st, int protected)
{
	uid_t me = geteuid();

	if (protected && (st->st_mode & S_IROTH))
		strbuf_addf(w, "keyring %s is mode %04o, readable by others, who can try passphrases on it "
			    "offline; chmod 600 it (640 for a group that must read it)\n",
			    path, (unsigned)(st->st_mode & 07777));
	if (st->st_uid != me && st->st_uid != 0)
		strbuf_addf(w, "keyring %s is owned by uid %u, neither this user (uid %u) nor root, who can "
			    "replace the keys in it; chown it to uid %u or root\n",
			    path, (unsigned)st->st_uid, (unsigned)me, (unsigned)me);
}

/* keyring_load, with the warnings of the file (warn_keyring) appended to w
 * when it loads and w is not NULL. */
static int load_keyring(const char *path, const struct crypto_key *pass, struct keyring **out,
			struct strbuf *w)
{
	struct crypto_key *file = NULL, *pkey = NULL, *payload = NULL;
	struct keyring *kr = NULL;
	unsigned long long ops;
	uint64_t mem;
	struct stat st;
	const uint8_t *p;
	int rc;

	rc = read_keyring_file(path, &file, &st);
	if (rc)
		return rc;
	p = file->bytes;
	rc = check_header(path, p);
	if (rc)
		goto out;
	rc = keyring_new(&kr);
	if (rc)
		goto out;
	if (p[KR_MAGIC_BYTES + 1] == KR_PROT_RAW) {
		if (st.st_mode & 077) {
			rc = meta_fail(-EPERM, "keyring %s is readable by others; chmod 600 it", path);
			goto out;
		}
		rc = parse_payload(kr, p + KR_HEADER_BYTES, file->len - KR_HEADER_BYTES);
	} else {
		if (!pass) {
			rc = meta_fail(-ENOKEY, "keyring %s needs its passphrase", path);
			goto out;
		}
		if (file->len < KR_HEADER_BYTES + KR_PASS_HEADER_BYTES) {
			rc = -EIO;
			goto out;
		}
		p += KR_HEADER_BYTES;
		ops = get_le64(p + CRYPTO_SALT_BYTES);
		mem = get_le64(p + CRYPTO_SALT_BYTES + 8);
		if (!crypto_pass_limits_plausible(ops, mem)) {
			rc = -EIO;
			goto out;
		}
		rc = crypto_pass_key((const char *)pass->bytes, pass->len, p, ops, (size_t)mem, &pkey);
		if (rc)
			goto out;
		p += KR_PASS_HEADER_BYTES;
		rc = crypto_unbox_with_key(pkey, p, file->len - KR_HEADER_BYTES - KR_PASS_HEADER_BYTES, &payload);
		if (rc == -EBADMSG) {
			rc = meta_fail(-EKEYREJECTED, "wrong passphrase for keyring %s", path);
			goto out;
		}
		if (rc)
			goto out;
		rc = parse_payload(kr, payload->bytes, payload->len);
	}
	if (rc)
		goto out;
	if (w)
		warn_keyring(w, path, &st, file->bytes[KR_MAGIC_BYTES + 1] == KR_PROT_PASS);
	*out = kr;
	kr = NULL;
out:
	if (rc == -EIO && !strstr(meta_errmsg(), path))
		meta_fail(rc, "keyring %s is damaged", path);
	keyring_free(kr);
	crypto_key_free(file);
	crypto_key_free(pkey);
	crypto_key_free(payload);
	return rc;
}

int keyring_load(const char *path, const struct crypto_key *pass, struct keyring **out)
{
	return load_keyring(path, pass, out, NULL);
}

int keyring_is_protected(const char *path)
{
	uint8_t h[KR_HEADER_BYTES];
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return meta_fail(-errno, "cannot open keyring %s: %s", path, strerror(errno));
	rc = util_pread_all(fd, h, sizeof(h), 0);
	close(fd);
	if (rc)
		return meta_fail(-EIO, "%s is not a recfs keyring", path);
	rc = check_header(path, h);
	if (rc)
		return rc;
	return h[KR_MAGIC_BYTES + 1] == KR_PROT_PASS;
}

const char *keyring_strerror(int err)
{
	switch (err) {
	case -ENOENT: return "no such file";
	case -EIO: return "not a recfs keyring, or damaged";
	case -ENOKEY: return "passphrase needed";
	case -EKEYREJECTED: return "wrong passphrase";
	case -EPERM: return "readable by group or others (chmod 600 it)";
	case -ENOTTY: return "passphrase needed and no terminal to ask (give a passphrase file)";
	default: return strerror(-err);
	}
}

int keyring_load_all(char *const *paths, size_t n, const char *passfile, const char *extpass,
		     struct keyring **out, const char **failed, char **warnings)
{
	struct keyring *all = NULL, *one = NULL;
	struct crypto_key *pass = NULL;
	struct strbuf w = { 0 };
	char *prompt = NULL, *pw;
	int rc, passfile_read = 0;

	if ((rc = keyring_new(&all)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		/* Each file warned of once, however often it is named. */
		struct strbuf *wi = &w;

		for (size_t j = 0; j < i; j++)
			if (!strcmp(paths[j], paths[i]))
				wi = NULL;
		*failed = paths[i];
		rc = load_keyring(paths[i], pass, &one, wi);
		if (rc == -ENOKEY || (rc == -EKEYREJECTED && pass && !passfile && !extpass)) {
			/* Protected, and no passphrase yet (or the last one was
			 * another keyring's): ask for this one. */
			crypto_key_free(pass);
			pass = NULL;
			free(prompt);
			prompt = xasprintf("Passphrase for %s: ", paths[i]);
			rc = passphrase_get(passfile, extpass, prompt, &pass);
			if (rc == 0 && passfile && !passfile_read++ && (pw = passphrase_file_warning(passfile))) {
				strbuf_addf(&w, "%s\n", pw);
				free(pw);
			}
			if (rc == 0)
				rc = load_keyring(paths[i], pass, &one, wi);
		}
		if (rc == 0) {
			rc = keyring_merge(all, one);
			keyring_free(one);
			one = NULL;
		}
		if (rc)
			goto out;
	}
	*out = all;
	all = NULL;
	*warnings = w.len ? strbuf_detach(&w) : NULL;
out:
	strbuf_release(&w);
	keyring_free(one);
	keyring_free(all);
	crypto_key_free(pass);
	free(prompt);
	return rc;
}
