# recfs - build, test, install.
#   make                     all binaries (warnings are errors when WERROR=1, as in CI)
#   make check               unit + package (static) + integration tests (root: mounts, useradd)
#   make check-package       man pages, systemd units, bash completion (no root)
#   make SANITIZE=address,undefined check
#   make install DESTDIR=... PREFIX=/usr
#   make deps                install the Debian packages of packaging/deps.txt
#   make demo | make bench
#   make fuzz [FUZZ_SECONDS=60]  each libFuzzer target of tests/fuzz for that
#                            long, after its regression inputs (clang; builds
#                            libmeta again in build-fuzz/; see tests/fuzz/README.md)

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
DOCDIR   ?= $(PREFIX)/share/doc/recfs
DATADIR  ?= $(PREFIX)/share
SYSCONFDIR ?= /etc
UNITDIR  ?= /lib/systemd/system
# mount(8) looks for mount.fuse.recfs in /sbin only (not /usr/local/sbin).
MOUNTHELPERDIR ?= /sbin
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions

CC       ?= cc
PKGS     := fuse3 libsodium sqlite3 ogg opusfile jansson inih
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
# libunistring (name folding in meta/subject.c) and libsubid (the owners of
# subordinate uids, fs/subuid.c) ship no pkg-config file.
PKG_LIBS   := $(shell pkg-config --libs $(PKGS)) -lunistring -lsubid

WARN     := -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes -Wwrite-strings \
            -Wformat=2 -Wvla -fno-common -Wno-format-nonliteral
CFLAGS   ?= -O2 -g
HARDEN   := -D_FORTIFY_SOURCE=2 -fstack-protector-strong
ALL_CFLAGS := -std=c17 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -iquote meta $(WARN) $(HARDEN) $(CFLAGS) $(PKG_CFLAGS)
LDFLAGS  ?=
ALL_LDFLAGS := -Wl,-z,relro,-z,now $(LDFLAGS)
ifeq ($(WERROR),1)
ALL_CFLAGS += -Werror
endif
ifneq ($(SANITIZE),)
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -O1
ALL_LDFLAGS += -fsanitize=$(SANITIZE)
endif

B := build
META_SRC := $(wildcard meta/*.c)
META_OBJ := $(META_SRC:%.c=$(B)/%.o)
FS_SRC   := $(wildcard fs/*.c)
FS_OBJ   := $(FS_SRC:%.c=$(B)/%.o)
CTL_SRC  := $(wildcard tools/recctl/*.c)
CTL_OBJ  := $(CTL_SRC:%.c=$(B)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
# Compiled again for the test build (see $(B)/test/ below); test_objs
# swaps each of their objects in a list for its test build copy.
TEST_OWN := $(B)/meta/crypto.o $(B)/meta/opus.o $(B)/meta/register.o $(B)/meta/util.o $(B)/fs/snapshot.o $(B)/fs/main.o \
            $(B)/fs/ops.o $(B)/meta/ingest.o
test_objs = $(foreach o,$(1),$(if $(filter $(o),$(TEST_OWN)),$(o:$(B)/%=$(B)/test/%),$(o)))
TEST_META_OBJ := $(call test_objs,$(META_OBJ))
TEST_FS_OBJ := $(call test_objs,$(FS_OBJ))
TEST_BIN := $(B)/test/recfs $(B)/test/recctl $(B)/test/wav_ref $(B)/test/put_card $(B)/test/put_index \
            $(B)/test/put_details_handle $(B)/test/put_audit

# The binaries, and their test build (see $(B)/test/ below).
all: $(B)/recfs $(B)/recctl $(TEST_BIN)

$(B)/%.o: %.c $(wildcard meta/*.h fs/*.h tools/recctl/*.h tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# fs/tree.c with inos of 10 bits, for test_tree_collide: collisions a
# test can make, which the inos' 58 bits make once in 2^58 pairs; and the
# build's chunks of seals and links of 40 bytes (an entry or less each),
# which a test register never fills at 1 MiB.
$(B)/fs/tree_collide.o: fs/tree.c $(wildcard meta/*.h fs/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DRECFS_TEST_INO_BITS=10 -DRECFS_TEST_ECHUNK_ROOM=40 -c -o $@ $<

$(B)/libmeta.a: $(META_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/recfs: $(FS_OBJ) $(B)/libmeta.a
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(FS_OBJ) $(B)/libmeta.a $(PKG_LIBS) -lpthread

$(B)/recctl: $(CTL_OBJ) $(B)/libmeta.a
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(CTL_OBJ) $(B)/libmeta.a $(PKG_LIBS) -lpthread

# The test build: the same objects, except those of TEST_OWN, compiled
# with -DRECFS_TEST_CHEAP_PWHASH and -DRECFS_TEST_HOOKS.  The first gives
# every Argon2id cost libsodium's minimum (meta/crypto.c,
# crypto_pass_limits), so a passphrase-sealed keyring or a protected
# recording costs milliseconds instead of a second and 256 MiB; the second
# lets a test ask for a delay by variable (meta/testhook.h), to put a kill
# or an unmount at a chosen moment, move the clock with $RECFS_NOW
# (meta/util.c: util_now), make the judge child try to open a path
# with $RECFS_TEST_JUDGE_OPEN and lower its cap of memory with
# $RECFS_TEST_JUDGE_AS_MB (meta/opus.c), and have the quarantine keep
# no reserve with $RECFS_TEST_NO_QUARANTINE_RESERVE (meta/ingest.c), to
# reach a full disk.  The integration tests run
# build/test/recfs and build/test/recctl (tests/integration/lib.sh) and
# the unit tests link build/test/libmeta.a.  The installed build has
# neither: no variable, no option lowers the cost, delays anything, moves
# the clock, has the judge open a path or drops the quarantine's reserve
# (test_installed_build.sh), and
# make install never installs these.  test_crypto alone links the
# installed libmeta, to check the real costs.
$(B)/test/%.o: %.c $(wildcard meta/*.h fs/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DRECFS_TEST_CHEAP_PWHASH -DRECFS_TEST_HOOKS -c -o $@ $<

$(B)/test/libmeta.a: $(TEST_META_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/test/recfs: $(TEST_FS_OBJ) $(B)/test/libmeta.a
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(TEST_FS_OBJ) $(B)/test/libmeta.a $(PKG_LIBS) -lpthread

$(B)/test/recctl: $(CTL_OBJ) $(B)/test/libmeta.a
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(CTL_OBJ) $(B)/test/libmeta.a $(PKG_LIBS) -lpthread

# The reference decoder of the WAV view's integration test
# (tests/tools/wav_ref.c): libopusfile alone, none of meta/.
$(B)/test/wav_ref: tests/tools/wav_ref.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(shell pkg-config --libs opusfile)

# A card field written as it is, as a register from before a check may
# hold it (tests/tools/put_card.c): for tests of what recctl shows of it.
$(B)/test/put_card: $(B)/tests/tools/put_card.o $(B)/test/libmeta.a
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(B)/test/libmeta.a $(PKG_LIBS) -lpthread

# A recording's details naming the handle a merge or split took it from,
# as a register from before they rewrote them holds them
# (tests/tools/put_details_handle.c).
$(B)/test/put_details_handle: $(B)/tests/tools/put_details_handle.o $(B)/test/libmeta.a
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(B)/test/libmeta.a $(PKG_LIBS) -lpthread

# Entries appended to the audit log without a key, as root can
# (tests/tools/put_audit.c).
$(B)/test/put_audit: $(B)/tests/tools/put_audit.o $(B)/test/libmeta.a
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(B)/test/libmeta.a $(PKG_LIBS) -lpthread

# A blind-index entry of a form an older rule made, as a register from
# before a rule change holds it (tests/tools/put_index.c).
$(B)/test/put_index: $(B)/tests/tools/put_index.o $(B)/test/libmeta.a
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(B)/test/libmeta.a $(PKG_LIBS) -lpthread

$(B)/tests/%: $(B)/tests/unit/%.o $(B)/test/libmeta.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(B)/test/libmeta.a $(PKG_LIBS) -lpthread

$(B)/tests/test_crypto: $(B)/tests/unit/test_crypto.o $(B)/libmeta.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(B)/libmeta.a $(PKG_LIBS) -lpthread

# recctl request answer finds the letter templates where make install puts them.
$(B)/tools/recctl/cmd_request.o: ALL_CFLAGS += -DRECFS_TEMPLATE_DIR='"$(DATADIR)/recfs/templates"'

# Unit tests of fs/ modules link the module's objects (and those it calls
# in fs/) and see fs/'s headers; none needs a mount.
FS_UNIT := tree tree_apply tree_collide dekcache unlock ghost content caller dek quiet auditq caps subuid gids
$(B)/tests/test_tree: $(B)/fs/tree.o
$(B)/tests/test_tree_apply: $(B)/fs/tree.o
$(B)/tests/test_tree_collide: $(B)/fs/tree_collide.o
$(B)/tests/test_dekcache: $(B)/fs/dekcache.o
$(B)/tests/test_unlock: $(B)/fs/unlock.o
$(B)/tests/test_ghost: $(B)/fs/ghost.o
$(B)/tests/test_gids: $(B)/fs/gids.o
$(B)/tests/test_quiet: $(B)/fs/quiet.o
$(B)/tests/test_caps: $(B)/fs/caps.o
$(B)/tests/test_subuid: $(B)/fs/subuid.o
$(B)/tests/test_auditq: $(B)/fs/auditq.o
$(B)/tests/test_content: $(B)/fs/content.o $(B)/fs/tree.o
$(B)/tests/test_caller: $(B)/fs/caller.o
$(B)/tests/test_dek: $(B)/fs/dek.o $(B)/fs/dekcache.o $(B)/fs/unlock.o $(B)/fs/caller.o $(B)/fs/tree.o
$(foreach t,$(FS_UNIT),$(B)/tests/unit/test_$(t).o): ALL_CFLAGS += -iquote fs

unit: $(UNIT_BIN)
	@tests/unit/run.sh $(UNIT_BIN)

integration: all
	@RECFS_BUILD=$(abspath $(B)) tests/integration/run.sh

check: all $(UNIT_BIN)
	@tests/unit/run.sh $(UNIT_BIN)
	@RECFS_BUILD=$(abspath $(B)) tests/package/static.sh
	@RECFS_BUILD=$(abspath $(B)) tests/integration/run.sh

# What the package ships, without root or a mount: man pages render with
# man --warnings silent, the systemd units verify, the bash completion
# completes (tests/package/static.sh).  Part of check.
check-package: all
	@RECFS_BUILD=$(abspath $(B)) tests/package/static.sh

# The fuzz targets: libmeta (and fs/tree.o) again with clang, the sanitizers
# and libFuzzer's coverage, in a directory of their own.
FUZZ_B       := build-fuzz
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS  := -std=c17 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -iquote meta -iquote fs -iquote tests/unit \
                $(WARN) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
                -fno-sanitize-recover=all -DRECFS_TEST_HOOKS $(PKG_CFLAGS)
ifeq ($(WERROR),1)
FUZZ_CFLAGS  += -Werror
endif
FUZZ_SRC     := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN     := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_B)/%)

$(FUZZ_B)/%.o: %.c $(wildcard meta/*.h fs/*.h tests/unit/*.h tests/fuzz/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_B)/libmeta.a: $(META_SRC:%.c=$(FUZZ_B)/%.o)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_B)/fuzz_%: $(FUZZ_B)/tests/fuzz/fuzz_%.o $(FUZZ_B)/libmeta.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $(filter %.o,$^) $(FUZZ_B)/libmeta.a $(PKG_LIBS) -lpthread

# fuzz_tree walks fs/tree.c, which needs nothing from fs/ but its header.
$(FUZZ_B)/fuzz_tree: $(FUZZ_B)/fs/tree.o

fuzz: $(FUZZ_BIN)
	@tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

deps:
	@packaging/install-deps.sh

demo: all
	@tests/demo.sh

bench: all
	@tests/bench/run.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MOUNTHELPERDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(UNITDIR) $(DESTDIR)$(COMPLETIONDIR) \
	    $(DESTDIR)$(DATADIR)/recfs/templates
	install -m 0755 $(B)/recfs $(DESTDIR)$(BINDIR)/recfs
	install -m 0755 $(B)/recctl $(DESTDIR)$(BINDIR)/recctl
	sed 's#@RECFS@#$(BINDIR)/recfs#' packaging/mount.fuse.recfs.in >$(DESTDIR)$(MOUNTHELPERDIR)/mount.fuse.recfs
	chmod 0755 $(DESTDIR)$(MOUNTHELPERDIR)/mount.fuse.recfs
	install -m 0644 packaging/man/recfs.8 $(DESTDIR)$(MANDIR)/man8/recfs.8
	ln -sf recfs.8 $(DESTDIR)$(MANDIR)/man8/mount.fuse.recfs.8
	install -m 0644 packaging/man/recctl.1 $(DESTDIR)$(MANDIR)/man1/recctl.1
	install -m 0644 packaging/man/recfs-policy.5 packaging/man/recfs-manifest.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 packaging/man/recfs-smb.7 $(DESTDIR)$(MANDIR)/man7/recfs-smb.7
	install -m 0644 packaging/completion/recctl $(DESTDIR)$(COMPLETIONDIR)/recctl
	install -m 0644 packaging/examples/tamro.conf $(DESTDIR)$(DOCDIR)/examples/tamro.conf
	install -m 0644 packaging/examples/smb.conf $(DESTDIR)$(DOCDIR)/examples/smb.conf
	install -m 0644 packaging/templates/answer.*.txt $(DESTDIR)$(DATADIR)/recfs/templates/
	install -m 0644 packaging/systemd/*.service packaging/systemd/*.timer $(DESTDIR)$(UNITDIR)/

clean:
	rm -rf $(B) $(FUZZ_B)

.PHONY: all unit integration check check-package fuzz deps demo bench install clean
.SECONDARY:
