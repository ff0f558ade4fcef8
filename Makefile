# SPDX-License-Identifier: Apache-2.0
# sealroot: one plain Makefile wiring the build stages (docs/layout.md).
# Each stage script caches its expensive output under $(SEALROOT_CACHE);
# make only orders them and rebuilds the cheap parts in the tree.

TEE      ?= none
PREFIX   ?= /opt/sealroot
DEBUG    ?= 0
# se is IBM Z (s390x), cross-built; the other TEEs are x86_64.
ARCH     ?= $(if $(filter se,$(TEE)),s390x,x86_64)
SEALROOT_CACHE ?= $(HOME)/.cache/sealroot
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
VERSION  ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
export SEALROOT_CACHE SOURCE_DATE_EPOCH

B        := build
OUT      := out/$(TEE)
STAGE    := $(B)/$(TEE)
AGENT    ?= $(B)/$(ARCH)/test-agent

INIT_SRC := $(wildcard init/*.c)
INIT_HDR := $(wildcard init/*.h)

# Production flags (style.md). FORTIFY is glibc-only; musl ignores it.
CFLAGS_COMMON := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 \
                 -fstack-protector-strong -DSEALROOT_VERSION='"$(VERSION)"'
# The deps prefix for ARCH (deps/build.sh); s390x brings its own musl.
ifeq ($(ARCH),x86_64)
DEPS     := $(B)/deps.prefix
MUSL_CC  := musl-gcc
CROSS    :=
else
DEPS     := $(B)/deps-$(ARCH).prefix
MUSL_CC  = "$$(cat $(DEPS))/toolchain/bin/$(ARCH)-linux-musl-gcc"
CROSS    := $(ARCH)-linux-gnu-
endif

.PHONY: all image install dist repro-check test-asan test-valgrind deps kernel init boot test unit-bins test-bins tools initdata fuzz fuzz-bins clean distclean update-pins FORCE
all: image

# ---- deps: static musl libraries (cached by their pins) -------------------
# (The stage's status is checked, not tail's.)
$(B)/deps.prefix $(B)/deps-s390x.prefix: FORCE
	@mkdir -p $(B)
	@deps/build.sh $(if $(findstring s390x,$@),s390x,x86_64) > $@.out || { rm -f $@.out; exit 1; }
	@tail -n 1 $@.out > $@.new; rm -f $@.out
	@test -d "$$(cat $@.new)" || { echo "deps/build.sh gave no prefix" >&2; exit 1; }
	@cmp -s $@.new $@ 2>/dev/null && rm -f $@.new || mv $@.new $@
deps: $(DEPS)

# ---- pins: every pinned Debian package to the newest version served ---------
# (tools/update-pins.sh; review the diff and commit it)
update-pins:
	tools/update-pins.sh

# ---- kernel (cached by config hash) ---------------------------------------
KDEBUG := $(if $(filter 1,$(DEBUG)),debug,)
$(B)/kernel-$(TEE).dir: FORCE
	@mkdir -p $(B)
	@kernel-config/build.sh $(TEE) $(KDEBUG) > $@.out || { rm -f $@.out; exit 1; }
	@tail -n 1 $@.out > $@.new; rm -f $@.out
	@test -d "$$(cat $@.new)" || { echo "kernel-config/build.sh gave no dir" >&2; exit 1; }
	@cmp -s $@.new $@ 2>/dev/null && rm -f $@.new || mv $@.new $@
kernel: $(B)/kernel-$(TEE).dir

# ---- the init: static, musl, stripped --------------------------------------
# The version is compiled in; rebuild when it changes.
$(B)/version: FORCE
	@mkdir -p $(B)
	@echo '$(VERSION)' > $@.new
	@cmp -s $@.new $@ 2>/dev/null && rm -f $@.new || mv $@.new $@

$(B)/$(ARCH)/sealroot-init: $(INIT_SRC) $(INIT_HDR) $(DEPS) $(B)/version
	@mkdir -p $(@D)
	$(MUSL_CC) $(CFLAGS_COMMON) -static -isystem "$$(cat $(DEPS))/include" \
	    -isystem "$$(cat $(DEPS))/include/kernel" -o $@ $(INIT_SRC) \
	    -L"$$(cat $(DEPS))/lib" -Wl,--gc-sections $$(cat "$$(cat $(DEPS))/link-flags")
	$(CROSS)strip --strip-all $@
init: $(B)/$(ARCH)/sealroot-init

# The stand-in agent for the default image and the boot tests.
$(B)/$(ARCH)/test-agent: tests/agent/test-agent.c $(DEPS)
	@mkdir -p $(@D)
	$(MUSL_CC) $(CFLAGS_COMMON) -static -isystem "$$(cat $(DEPS))/include" \
	    -isystem "$$(cat $(DEPS))/include/kernel" -o $@ $< \
	    -L"$$(cat $(DEPS))/lib" -Wl,--gc-sections -lcrypto
	$(CROSS)strip --strip-all $@

# ---- rootfs, verity, bundle ------------------------------------------------
MODULES_LIST := rootfs/modules.list

# The s390x busybox is cross-built in deps; x86_64 uses Debian's busybox-static.
BUSYBOX  = $(if $(CROSS),"$$(cat $(DEPS))/bin/busybox",/bin/busybox)
$(STAGE)/rootfs.erofs $(STAGE)/initrd.cpio: $(B)/$(ARCH)/sealroot-init $(AGENT) $(B)/kernel-$(TEE).dir $(MODULES_LIST) rootfs/build.sh
	@mkdir -p $(@D)
	rootfs/build.sh --init $(B)/$(ARCH)/sealroot-init --agent $(AGENT) \
	    --busybox $(BUSYBOX) --mke2fs "$$(cat $(DEPS))/bin/mke2fs" \
	    --modules-dir "$$(cat $(B)/kernel-$(TEE).dir)/modules" --modules-list $(MODULES_LIST) \
	    --format $(if $(filter %.cpio,$@),cpio,erofs) --out $@

$(STAGE)/verity/rootfs.img: $(STAGE)/rootfs.erofs verity/build.sh
	verity/build.sh --data $< --out $(STAGE)/verity

# Firmware for the TEEs that boot through it (firmware/build.sh; cached).
# A firmware build that fails stops make: a bundle never silently lacks it.
$(B)/firmware-$(TEE).dir: FORCE
	@mkdir -p $(@D)
	@if [ "$(TEE)" = snp ] || [ "$(TEE)" = tdx ]; then \
	    firmware/build.sh $(TEE) > $@.out || { rm -f $@.out; exit 1; }; \
	    tail -n 1 $@.out > $@.new; rm -f $@.out; \
	else : > $@.new; fi
	@cmp -s $@.new $@ 2>/dev/null || mv $@.new $@; rm -f $@.new

# The launch-measurement calculator, for the TEEs that have launch digests.
MEASURE_TOOL := $(if $(filter snp tdx,$(TEE)),$(B)/host/sealroot-measure)
# The root: a dm-verity disk, or for se the initrd inside the SE image.
ROOT_IMG := $(if $(filter se,$(TEE)),$(STAGE)/initrd.cpio,$(STAGE)/verity/rootfs.img)
ROOT_ARG  = $(if $(filter se,$(TEE)),--initrd $(STAGE)/initrd.cpio,--verity-dir $(STAGE)/verity)
$(OUT)/manifest.json: $(ROOT_IMG) $(B)/kernel-$(TEE).dir $(B)/firmware-$(TEE).dir \
    $(MEASURE_TOOL) tools/bundle.sh tools/kata-config.sh tools/reference-values.sh
	tools/bundle.sh --tee $(TEE) --kernel-dir "$$(cat $(B)/kernel-$(TEE).dir)" \
	    $(ROOT_ARG) --deps-prefix "$$(cat $(DEPS))" \
	    --init $(B)/$(ARCH)/sealroot-init --agent $(AGENT) --out $(OUT) \
	    --firmware-dir "$$(cat $(B)/firmware-$(TEE).dir)" $(if $(MEASURE_TOOL),--measure $(MEASURE_TOOL)) \
	    --prefix $(PREFIX)
image: $(OUT)/manifest.json

# ---- install, dist, repro-check (docs/bundles.md) ----------------------------
# install: the bundle where its Kata configuration says, under DESTDIR.
install: image
	install -d $(DESTDIR)$(PREFIX)/share/sealroot/$(TEE)
	cd $(OUT) && for f in *; do install -m 0644 "$$f" "$(DESTDIR)$(PREFIX)/share/sealroot/$(TEE)/$$f"; done

# dist: out/dist/sealroot-<version>-<tee>.tar.gz, reproducible (sorted, fixed
# owner and times, gzip -n), with SHA256SUMS inside and beside it.
DIST_NAME = sealroot-$(VERSION)-$(TEE)
dist: image
	@rm -rf $(B)/dist/$(DIST_NAME) && mkdir -p $(B)/dist/$(DIST_NAME) out/dist
	cp -p $(OUT)/* $(B)/dist/$(DIST_NAME)/
	cd $(B)/dist/$(DIST_NAME) && sha256sum $$(ls | grep -vx SHA256SUMS) > SHA256SUMS
	tar --sort=name --mtime=@$(SOURCE_DATE_EPOCH) --owner=0 --group=0 --numeric-owner \
	    --mode=go-w,u+rw,a+rX --format=gnu -C $(B)/dist -cf - $(DIST_NAME) | gzip -9n > out/dist/$(DIST_NAME).tar.gz
	cd out/dist && sha256sum $$(ls *.tar.gz) > SHA256SUMS
	@echo "dist: out/dist/$(DIST_NAME).tar.gz"

# repro-check: two clean clones of HEAD at different paths, built at
# different times with another TZ, umask and user name: the dist tarballs
# must be bit-identical. The expensive stages come from the shared cache,
# which is keyed by their inputs (and was itself built reproducibly).
repro-check:
	tools/repro-check.sh $(TEE)

# ---- run it ----------------------------------------------------------------
boot: image $(STAGE)/initdata.img
	tools/demo-boot.sh $(OUT) $(STAGE)/initdata.img $(INITDATA)

# ---- tests -----------------------------------------------------------------
# Unit tests and the PID-1 test build run on the host (glibc, Debian's -dev
# libraries), which also lets ASan, UBSan and valgrind see them.
HOST_CC      ?= gcc
UNIT_CFLAGS  := $(CFLAGS_COMMON) -g -Iinit -Itests/unit
UNIT_LIBS    := -lcmocka
UNIT_BINS    := $(B)/test/test_cmdline $(B)/test/test_mount $(B)/test/test_step $(B)/test/test_shutdown $(B)/test/test_verity \
                $(B)/test/test_toml $(B)/test/test_initdata $(B)/test/test_tee $(B)/test/test_initdata_step \
                $(B)/test/test_config $(B)/test/test_kbs $(B)/test/test_jwe $(B)/test/test_jcs \
                $(B)/test/test_evidence $(B)/test/test_storage

$(B)/test/test_cmdline: tests/unit/test_cmdline.c init/cmdline.c init/file.c init/step.c init/log.c $(INIT_HDR)
	@mkdir -p $(@D)
	$(HOST_CC) $(UNIT_CFLAGS) -o $@ $(filter %.c,$^) $(UNIT_LIBS)
$(B)/test/test_mount: tests/unit/test_mount.c init/mount.c init/step.c init/log.c $(INIT_HDR) tests/unit/calls.h
	@mkdir -p $(@D)
	$(HOST_CC) $(UNIT_CFLAGS) -o $@ $(filter %.c,$^) $(UNIT_LIBS) \
	    -Wl,--wrap=mount,--wrap=umount2,--wrap=mkdir,--wrap=statfs,--wrap=stat,--wrap=dup2
$(B)/test/test_step: tests/unit/test_step.c init/step.c init/log.c $(INIT_HDR) tests/unit/calls.h
	@mkdir -p $(@D)
	$(HOST_CC) $(UNIT_CFLAGS) -o $@ $(filter %.c,$^) $(UNIT_LIBS)
$(B)/test/test_shutdown: tests/unit/test_shutdown.c init/shutdown.c init/mount.c init/reap.c init/step.c init/log.c $(INIT_HDR) tests/unit/calls.h
	@mkdir -p $(@D)
	$(HOST_CC) $(UNIT_CFLAGS) -o $@ $(filter %.c,$^) $(UNIT_LIBS) \
	    -Wl,--wrap=kill,--wrap=waitpid,--wrap=sigtimedwait,--wrap=umount2,--wrap=mount,--wrap=sync,--wrap=unlinkat

$(B)/test/test_verity: tests/unit/test_verity.c init/verity.c init/file.c init/step.c init/log.c $(INIT_HDR)
	@mkdir -p $(@D)
	$(HOST_CC) $(UNIT_CFLAGS) -o $@ $(filter %.c,$^) $(UNIT_LIBS) -ldevmapper

$(B)/test/test_toml: tests/unit/test_toml.c init/toml.c init/toml.h
	@mkdir -p $(@D)
	$(HOST_CC) $(UNIT_CFLAGS) -o $@ $(filter %.c,$^) $(UNIT_LIBS)

$(B)/test/test_initdata: tests/unit/test_initdata.c init/initdata.c init/toml.c $(INIT_HDR)
	@mkdir -p $(@D)
	$(HOST_CC) $(UNIT_CFLAGS) -DFIXTURES='"$(CURDIR)/tests/unit/fixtures"' -o $@ $(filter %.c,$^) $(UNIT_LIBS) -lz -lcrypto

$(B)/test/test_config: tests/unit/test_config.c init/config.c init/initdata.c init/toml.c $(INIT_HDR)
	@mkdir -p $(@D)
	$(HOST_CC) $(UNIT_CFLAGS) -o $@ $(filter %.c,$^) $(UNIT_LIBS) -lz -lcrypto

$(B)/test/test_jcs: tests/unit/test_jcs.c init/jcs.c init/jcs.h
	@mkdir -p $(@D)
	$(HOST_CC) $(UNIT_CFLAGS) -DFIXTURES='"$(CURDIR)/tests/unit/fixtures"' -o $@ $(filter %.c,$^) $(UNIT_LIBS) -ljson-c -lcrypto

$(B)/test/test_jwe: tests/unit/test_jwe.c init/jwe.c init/jwe.h
	@mkdir -p $(@D)
	$(HOST_CC) $(UNIT_CFLAGS) -DFIXTURES='"$(CURDIR)/tests/unit/fixtures"' -o $@ $(filter %.c,$^) $(UNIT_LIBS) -ljson-c -lcrypto

TEE_SRC := init/tee.c init/tee_snp.c init/tee_tdx.c init/tee_tpm.c init/tee_se.c
$(B)/test/test_kbs: tests/unit/test_kbs.c init/kbs.c init/http.c init/jcs.c init/jwe.c init/attester.c init/evidence.c $(TEE_SRC) \
    init/step.c init/initdata.c init/toml.c init/file.c init/log.c $(INIT_HDR)
	@mkdir -p $(@D)
	$(HOST_CC) $(UNIT_CFLAGS) -o $@ $(filter %.c,$^) $(UNIT_LIBS) -lcurl -ljson-c -lz -lcrypto

$(B)/test/test_evidence: tests/unit/test_evidence.c init/evidence.c init/attester.c $(TEE_SRC) init/file.c $(INIT_HDR)
	@mkdir -p $(@D)
	$(HOST_CC) $(UNIT_CFLAGS) -DFIXTURES='"$(CURDIR)/tests/unit/fixtures"' -o $@ $(filter %.c,$^) $(UNIT_LIBS) \
	    -ljson-c -lcrypto -Wl,--wrap=mkdir,--wrap=rmdir,--wrap=ioctl
$(B)/test/test_tee: tests/unit/test_tee.c $(TEE_SRC) init/file.c $(INIT_HDR)
	@mkdir -p $(@D)
	$(HOST_CC) $(UNIT_CFLAGS) -o $@ $(filter %.c,$^) $(UNIT_LIBS) \
	    -lcrypto -Wl,--wrap=ioctl,--wrap=mkdir,--wrap=rmdir

$(B)/test/test_initdata_step: tests/unit/test_initdata_step.c init/initdata_step.c init/initdata.c init/toml.c init/config.c \
    $(TEE_SRC) init/file.c init/step.c init/log.c $(INIT_HDR)
	@mkdir -p $(@D)
	$(HOST_CC) $(UNIT_CFLAGS) -o $@ $(filter %.c,$^) $(UNIT_LIBS) -lz -lcrypto -Wl,--wrap=fstatfs

$(B)/test/test_storage: tests/unit/test_storage.c init/storage.c init/file.c init/step.c init/log.c init/agent.c $(INIT_HDR)
	@mkdir -p $(@D)
	$(HOST_CC) $(UNIT_CFLAGS) -o $@ $(filter %.c,$^) $(UNIT_LIBS) -lcryptsetup -lcrypto

$(B)/test/sealroot-init-test: $(INIT_SRC) $(INIT_HDR)
	@mkdir -p $(@D)
	$(HOST_CC) $(CFLAGS_COMMON) -g -DSEALROOT_TEST_BUILD -o $@ $(INIT_SRC) -lkmod -lcryptsetup -ldevmapper -lz \
	    -lcurl -ljson-c -lcrypto

$(B)/test/tpm-tool: tests/tpm/tpm-tool.c init/tee_tpm.c init/tee.h
	@mkdir -p $(@D)
	$(HOST_CC) $(UNIT_CFLAGS) -o $@ $(filter %.c,$^) -lcrypto

# The measurement calculators (tools/measure_*.c) and their unit tests.
MEASURE_SRC := $(wildcard tools/measure_snp.c tools/measure_tdx.c)
UNIT_BINS += $(if $(wildcard tools/measure_snp.c),$(B)/test/test_measure_snp) \
             $(if $(wildcard tools/measure_tdx.c),$(B)/test/test_measure_tdx)
$(B)/test/test_measure_snp: tests/unit/test_measure_snp.c tools/measure_snp.c $(wildcard tools/*.h)
	@mkdir -p $(@D)
	$(HOST_CC) $(UNIT_CFLAGS) -Itools -DFIXTURES='"$(CURDIR)/tests/unit/fixtures"' -o $@ $(filter %.c,$^) $(UNIT_LIBS) -lcrypto
$(B)/test/test_measure_tdx: tests/unit/test_measure_tdx.c tools/measure_tdx.c $(wildcard tools/*.h)
	@mkdir -p $(@D)
	$(HOST_CC) $(UNIT_CFLAGS) -Itools -DFIXTURES='"$(CURDIR)/tests/unit/fixtures"' -o $@ $(filter %.c,$^) $(UNIT_LIBS) -lcrypto
$(B)/host/sealroot-measure: tools/sealroot-measure.c $(MEASURE_SRC) $(wildcard tools/*.h)
	@mkdir -p $(@D)
	$(HOST_CC) $(CFLAGS_COMMON) -Itools -o $@ $(filter %.c,$^) -lcrypto

# ---- host tools ------------------------------------------------------------
$(B)/host/sealroot-initdata: tools/sealroot-initdata.c init/initdata.c init/toml.c init/config.c init/initdata.h init/toml.h init/config.h
	@mkdir -p $(@D)
	$(HOST_CC) $(CFLAGS_COMMON) -Iinit -o $@ $(filter %.c,$^) -lz -lcrypto
tools: $(B)/host/sealroot-initdata

# The example initdata that `make boot` attaches (the default is required).
INITDATA ?= examples/initdata.toml
$(STAGE)/initdata.img: $(INITDATA) $(B)/host/sealroot-initdata
	@mkdir -p $(@D)
	$(B)/host/sealroot-initdata -o $@ $(INITDATA) > $@.txt
	@cat $@.txt
initdata: $(STAGE)/initdata.img

# ---- fuzzing (libFuzzer, ASan, UBSan) ---------------------------------------
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_CFLAGS  := -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
                -fno-sanitize-recover=undefined -Iinit
FUZZERS      := fuzz_toml fuzz_initdata fuzz_jwe fuzz_kbs fuzz_cmdline fuzz_config fuzz_evidence fuzz_tpm
$(B)/fuzz/fuzz_cmdline: tests/fuzz/fuzz_cmdline.c init/cmdline.c init/file.c init/step.c init/log.c $(INIT_HDR)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^)
$(B)/fuzz/fuzz_config: tests/fuzz/fuzz_config.c init/config.c init/initdata.c init/toml.c $(INIT_HDR)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) -lz -lcrypto
$(B)/fuzz/fuzz_evidence: tests/fuzz/fuzz_evidence.c init/evidence.c init/tee.c init/file.c $(INIT_HDR)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) -ljson-c -lcrypto
$(B)/fuzz/fuzz_tpm: tests/fuzz/fuzz_tpm.c init/tee_tpm.c $(INIT_HDR)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) -lcrypto
$(B)/fuzz/fuzz_toml: tests/fuzz/fuzz_toml.c init/toml.c init/toml.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^)
$(B)/fuzz/fuzz_initdata: tests/fuzz/fuzz_initdata.c init/initdata.c init/toml.c init/config.c init/initdata.h init/toml.h init/config.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) -lz -lcrypto
$(B)/fuzz/fuzz_jwe: tests/fuzz/fuzz_jwe.c init/jwe.c init/jwe.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) -ljson-c -lcrypto
$(B)/fuzz/fuzz_kbs: tests/fuzz/fuzz_kbs.c init/kbs.c init/http.c init/jcs.c init/jwe.c init/attester.c init/evidence.c \
    $(TEE_SRC) init/step.c init/file.c init/log.c init/initdata.c init/toml.c $(INIT_HDR)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) -lcurl -ljson-c -lz -lcrypto
fuzz-bins: $(addprefix $(B)/fuzz/,$(FUZZERS))
# Each harness for FUZZ_SECONDS from the seeds in tests/fuzz/corpus/<name>;
# what it learns stays in build/fuzz/. A crash fails and leaves its input.
fuzz: fuzz-bins
	tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZERS)

unit-bins: $(UNIT_BINS)

# ---- sanitizers (docs/fuzzing.md) --------------------------------------------
# test-asan: every unit test built again with ASan and UBSan (no recovery:
# any report fails) into build/asan/, and run. test-valgrind: the normal
# unit builds under memcheck, with no leak and no error allowed.
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
test-asan:
	@$(MAKE) -s B=$(B)/asan UNIT_CFLAGS="$(UNIT_CFLAGS) $(SAN_FLAGS)" unit-bins
	tests/sanitize.sh asan $(B)/asan/test
test-valgrind: unit-bins
	tests/sanitize.sh valgrind $(B)/test
test-bins: unit-bins $(B)/test/sealroot-init-test $(B)/test/tpm-tool $(B)/host/sealroot-initdata fuzz-bins

# Everything: unit, shell, pid1, boot. Ends with "N passed, N failed".
test: test-bins image
	tests/run.sh

clean:
	rm -rf $(B) out

# Also drops the cached kernel and libraries.
distclean: clean
	rm -rf $(SEALROOT_CACHE)

FORCE:
