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
# Image inputs (docs/kata.md): AGENT_POLICY, the kata-agent's default policy
# (a Rego file), installed as /etc/kata-opa/default-policy.rego in the
# measured root (default rootfs/default-policy.rego); INITDATA_MODE,
# required (the default) or optional: whether the guest may run without
# initdata (optional puts sealroot.initdata=optional on the measured
# command line); AGENT_LIBS, for a dynamically linked AGENT (the s390x
# kata-agent is glibc), a directory laid out like a root that holds its
# loader and libraries: rootfs/build.sh --agent-libs installs those the
# agent needs in the measured root, the manifest lists them.
AGENT_POLICY  ?=
INITDATA_MODE ?= required
AGENT_LIBS    ?=
# KATA_COMMIT: the Kata version (commit) whose command line the snp and tdx
# reference values cover (tools/kata-cmdline.sh knows one; another is refused).
export KATA_COMMIT
# EXTENSIONS: names of extension images (make extension) the bundle carries.
EXTENSIONS    ?=
EXT_DIRS      := $(addprefix out/extensions/,$(EXTENSIONS))
POLICY_FILE   := $(or $(AGENT_POLICY),rootfs/default-policy.rego)
ifneq ($(AGENT_POLICY),)
ifeq ($(wildcard $(AGENT_POLICY)),)
$(error AGENT_POLICY=$(AGENT_POLICY) is no file: it names the Rego file to install as /etc/kata-opa/default-policy.rego (Kata's image builder calls it AGENT_POLICY_FILE))
endif
endif
ifneq ($(AGENT_LIBS),)
ifeq ($(wildcard $(AGENT_LIBS)/.),)
$(error AGENT_LIBS=$(AGENT_LIBS) is no directory: it holds the dynamically linked AGENT's loader and libraries, laid out like a root)
endif
endif

# ---- the C sources (docs/layout.md) ------------------------------------------
# init/ is the PID 1; lib/ the parsers of host bytes that the init, the host
# tools, the unit tests and the fuzzers share. main() is the one thing only
# the init binary has; everything else also goes into the test archives.
INIT_SRC    := $(wildcard init/*.c init/tee/*.c)
LIB_SRC     := $(wildcard lib/*.c)
CORE_SRC    := $(filter-out init/main.c,$(INIT_SRC)) $(LIB_SRC)
MEASURE_SRC := $(wildcard tools/measure_*.c)
HDR         := $(wildcard init/*.h lib/*.h tools/*.h tests/unit/*.h)
# Each folder sees its own headers and lib/'s; lib/ sees only its own, so
# nothing in it can reach into init/.
INC_init  := -Iinit -Ilib
INC_lib   := -Ilib
INC_tools := -Itools -Ilib
INC_tests := -Iinit -Ilib -Itools -Itests/unit
inc = $(INC_$(firstword $(subst /, ,$(1))))
# What the init links: static from deps/ for the image, Debian's for the
# host builds of the tests.
INIT_LIBS := -lkmod -lcryptsetup -ldevmapper -lcurl -ljson-c -lz -lcrypto

# Flags for every C build; -Werror keeps gcc's and clang's warnings fatal.
CFLAGS_COMMON := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 \
                 -fstack-protector-strong -DSEALROOT_VERSION='"$(VERSION)"'
# The host tools add glibc's _FORTIFY_SOURCE; musl, which the init links,
# has no such checks.
HOST_CFLAGS   := $(CFLAGS_COMMON) -D_FORTIFY_SOURCE=2

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

.PHONY: all image extension install dist repro-check test-asan test-valgrind deps kernel init boot test unit-bins test-bins tools initdata fuzz fuzz-bins clean distclean update-pins FORCE
all: image

# ---- cached stages: deps, kernel, firmware ------------------------------------
# $(call cached_stage,COMMAND): runs a stage script, which prints its cached
# output directory as its last stdout line, into the target file, rewritten
# only when the directory changed. The script's status counts, not tail's.
# An empty COMMAND writes an empty file: no such stage for this TEE.
define cached_stage
	@mkdir -p $(@D)
	@$(if $(strip $(1)),$(1) > $@.out || { rm -f $@.out; exit 1; }; \
	    tail -n 1 $@.out > $@.new; rm -f $@.out; \
	    test -d "$$(cat $@.new)" || { echo "$(firstword $(1)) gave no directory" >&2; rm -f $@.new; exit 1; }, \
	    : > $@.new)
	@cmp -s $@.new $@ 2>/dev/null || mv $@.new $@; rm -f $@.new
endef

# Static musl libraries, cached by their pins.
$(B)/deps.prefix $(B)/deps-s390x.prefix: FORCE
	$(call cached_stage,deps/build.sh $(if $(findstring s390x,$@),s390x,x86_64))
deps: $(DEPS)

# The kernel, cached by its configuration.
KDEBUG := $(if $(filter 1,$(DEBUG)),debug,)
$(B)/kernel-$(TEE).dir: FORCE
	$(call cached_stage,kernel-config/build.sh $(TEE) $(KDEBUG))
kernel: $(B)/kernel-$(TEE).dir

# Firmware for the TEEs that boot through it. A firmware build that fails
# stops make: a bundle never silently lacks it.
$(B)/firmware-$(TEE).dir: FORCE
	$(call cached_stage,$(if $(filter snp tdx,$(TEE)),firmware/build.sh $(TEE)))

# ---- pins: every pinned Debian package to the newest version served ---------
# (tools/update-pins.sh; review the diff and commit it)
update-pins:
	tools/update-pins.sh

# ---- the init: static, musl, stripped --------------------------------------
# The version is compiled in; rebuild when it changes.
$(B)/version: FORCE
	@mkdir -p $(B)
	@echo '$(VERSION)' > $@.new
	@cmp -s $@.new $@ 2>/dev/null && rm -f $@.new || mv $@.new $@

# The linker script from init/layout.sh orders the init's code by when a
# boot first runs it (init/layout.profile) and its data to match
# (docs/performance.md). Each function in its own section, so that the
# order is by function; the link map (sealroot-init.map) is what
# tools/layout-profile.sh and tests/shell/test_layout.sh read.
$(B)/$(ARCH)/layout.ld: init/layout.sh init/layout.profile
	@mkdir -p $(@D)
	sh init/layout.sh init/layout.profile > $@.new && mv $@.new $@

$(B)/$(ARCH)/sealroot-init: $(INIT_SRC) $(LIB_SRC) $(HDR) $(B)/$(ARCH)/layout.ld $(DEPS) $(B)/version
	@mkdir -p $(@D)
	$(MUSL_CC) $(CFLAGS_COMMON) -ffunction-sections -fdata-sections $(INC_init) -static \
	    -isystem "$$(cat $(DEPS))/include" \
	    -isystem "$$(cat $(DEPS))/include/kernel" -o $@ $(INIT_SRC) $(LIB_SRC) \
	    -L"$$(cat $(DEPS))/lib" -Wl,--gc-sections -Wl,-T,$(B)/$(ARCH)/layout.ld -Wl,-Map,$@.map \
	    $$(cat "$$(cat $(DEPS))/link-flags")
	$(CROSS)strip --strip-all $@
init: $(B)/$(ARCH)/sealroot-init

# The stand-in agent for the default image and the boot tests.
$(B)/$(ARCH)/test-agent: tests/agent/test-agent.c tests/agent/contract.c tests/agent/contract.h $(DEPS)
	@mkdir -p $(@D)
	$(MUSL_CC) $(CFLAGS_COMMON) -static -isystem "$$(cat $(DEPS))/include" \
	    -isystem "$$(cat $(DEPS))/include/kernel" -o $@ tests/agent/test-agent.c tests/agent/contract.c \
	    -L"$$(cat $(DEPS))/lib" -Wl,--gc-sections -lcrypto
	$(CROSS)strip --strip-all $@

# ---- rootfs, verity, bundle ------------------------------------------------
MODULES_LIST := rootfs/modules.list

# The image inputs chosen, one stamp each: a stage is rebuilt when the
# choice changes, not only when a file's mtime does.
$(STAGE)/agent-policy.input $(STAGE)/initdata-mode.input $(STAGE)/extensions.input: FORCE
	@mkdir -p $(@D)
	@echo '$(if $(findstring policy,$@),$(POLICY_FILE),$(if $(findstring extensions,$@),$(EXTENSIONS),$(INITDATA_MODE)))' > $@.new
	@cmp -s $@.new $@ 2>/dev/null && rm -f $@.new || mv $@.new $@

# The agent and its loader and libraries: the paths, and what AGENT_LIBS
# holds (names, types, sizes, times), so a changed library rebuilds the root.
$(STAGE)/agent.input: FORCE
	@mkdir -p $(@D)
	@{ echo '$(AGENT) $(AGENT_LIBS)'; $(if $(AGENT_LIBS),cd '$(AGENT_LIBS)' && find . -printf '%p %y %s %T@ %l\n' | LC_ALL=C sort;) } > $@.new
	@cmp -s $@.new $@ 2>/dev/null && rm -f $@.new || mv $@.new $@

# The s390x busybox is cross-built in deps; x86_64 uses Debian's busybox-static.
BUSYBOX  = $(if $(CROSS),"$$(cat $(DEPS))/bin/busybox",/bin/busybox)
# The shell the stage scripts source (build-aux/stage.sh, tools/common.sh,
# verity/cmdline.sh) is an input of every stage that sources it.
$(STAGE)/rootfs.erofs $(STAGE)/initrd.cpio: $(B)/$(ARCH)/sealroot-init $(AGENT) $(B)/kernel-$(TEE).dir $(MODULES_LIST) rootfs/build.sh build-aux/stage.sh build-aux/reproducible.sh \
    $(POLICY_FILE) $(STAGE)/agent-policy.input $(STAGE)/agent.input
	@mkdir -p $(@D)
	rootfs/build.sh --init $(B)/$(ARCH)/sealroot-init --agent $(AGENT) --agent-policy $(POLICY_FILE) \
	    $(if $(AGENT_LIBS),--agent-libs '$(AGENT_LIBS)') \
	    --busybox $(BUSYBOX) --mke2fs "$$(cat $(DEPS))/bin/mke2fs" \
	    --modules-dir "$$(cat $(B)/kernel-$(TEE).dir)/modules" --modules-list $(MODULES_LIST) \
	    --format $(if $(filter %.cpio,$@),cpio,erofs) --out $@

$(STAGE)/verity/rootfs.img: $(STAGE)/rootfs.erofs verity/build.sh verity/cmdline.sh build-aux/stage.sh
	verity/build.sh --data $< --out $(STAGE)/verity

# The launch-measurement calculator, for the TEEs that have launch digests.
MEASURE_TOOL := $(if $(filter snp tdx,$(TEE)),$(B)/host/sealroot-measure)
# The root: a dm-verity disk, or for se the initrd inside the SE image.
ROOT_IMG := $(if $(filter se,$(TEE)),$(STAGE)/initrd.cpio,$(STAGE)/verity/rootfs.img)
ROOT_ARG  = $(if $(filter se,$(TEE)),--initrd $(STAGE)/initrd.cpio,--verity-dir $(STAGE)/verity)
# What rootfs/build.sh installed for a dynamic agent, beside the image it built.
ROOT_LIBS := $(if $(filter se,$(TEE)),$(STAGE)/initrd.cpio,$(STAGE)/rootfs.erofs).agent-libs
$(OUT)/manifest.json: $(ROOT_IMG) $(B)/kernel-$(TEE).dir $(B)/firmware-$(TEE).dir \
    $(MEASURE_TOOL) tools/bundle.sh tools/kata-config.sh tools/reference-values.sh \
    tools/common.sh verity/cmdline.sh build-aux/stage.sh $(POLICY_FILE) $(STAGE)/agent-policy.input \
    $(STAGE)/initdata-mode.input $(STAGE)/extensions.input $(addsuffix /extension.json,$(EXT_DIRS))
	tools/bundle.sh --tee $(TEE) --kernel-dir "$$(cat $(B)/kernel-$(TEE).dir)" \
	    $(ROOT_ARG) --deps-prefix "$$(cat $(DEPS))" \
	    --init $(B)/$(ARCH)/sealroot-init --agent $(AGENT) --agent-libs $(ROOT_LIBS) --out $(OUT) \
	    --agent-policy $(POLICY_FILE) \
	    --initdata $(INITDATA_MODE) $(addprefix --extension ,$(EXT_DIRS)) \
	    --firmware-dir "$$(cat $(B)/firmware-$(TEE).dir)" $(if $(MEASURE_TOOL),--measure $(MEASURE_TOOL)) \
	    --prefix $(PREFIX)
image: $(OUT)/manifest.json

# ---- extension images (docs/kata.md, "Extension images") ----------------------
# make extension NAME=<name> DIR=<dir> [UNMEASURED=1]: a Kata guest extension
# image of DIR in out/extensions/NAME/ (tools/extension.sh); prints the value
# of kata.extension.NAME.verity_params.
extension:
	@[ -n "$(NAME)" ] && [ -n "$(DIR)" ] || \
	    { echo "usage: make extension NAME=<name> DIR=<dir> [UNMEASURED=1]" >&2; exit 2; }
	tools/extension.sh $(if $(UNMEASURED),--unmeasured) $(NAME) $(DIR) out/extensions/$(NAME)

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

# ---- host tools --------------------------------------------------------------
# lib/ alone, with the host's compiler and Debian's libraries: the tools
# link nothing from init/.
$(B)/host/obj/%.o: %.c $(HDR)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(call inc,$<) -c -o $@ $<
$(B)/host/libsealroot.a: $(LIB_SRC:%.c=$(B)/host/obj/%.o)
	@rm -f $@
	$(AR) rcs $@ $^

$(B)/host/sealroot-initdata: tools/sealroot-initdata.c $(B)/host/libsealroot.a $(HDR)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(INC_tools) -o $@ $< $(B)/host/libsealroot.a -ljson-c -lz -lcrypto
$(B)/host/sealroot-measure: tools/sealroot-measure.c $(MEASURE_SRC) $(B)/host/libsealroot.a $(HDR)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(INC_tools) -o $@ $< $(MEASURE_SRC) $(B)/host/libsealroot.a -lcrypto
tools: $(B)/host/sealroot-initdata

# The example initdata that `make boot` attaches (the default is required).
INITDATA ?= examples/initdata.toml
$(STAGE)/initdata.img: $(INITDATA) $(B)/host/sealroot-initdata
	@mkdir -p $(@D)
	$(B)/host/sealroot-initdata -o $@ $(INITDATA) > $@.txt
	@cat $@.txt
initdata: $(STAGE)/initdata.img

# ---- tests -----------------------------------------------------------------
# Unit tests and the PID-1 test build run on the host (glibc, Debian's -dev
# libraries), which also lets ASan, UBSan and valgrind see them. Every test
# links one archive of every object but main() (and the measurement
# calculators); the linker takes from it only what the test calls.
HOST_CC      ?= gcc
UNIT_CFLAGS  := $(CFLAGS_COMMON) -g
UNIT_LIBS    := -lcmocka $(INIT_LIBS)
UNIT_TESTS   := $(patsubst tests/unit/test_%.c,%,$(wildcard tests/unit/test_*.c))
UNIT_BINS    := $(addprefix $(B)/test/test_,$(UNIT_TESTS))
UNIT_HELPERS := $(filter-out tests/unit/test_%.c,$(wildcard tests/unit/*.c))
comma := ,
# The calls a test replaces with its own (-Wl,--wrap=name: __wrap_name).
WRAP_mount         := mount umount2 mkdir statfs stat dup2
WRAP_shutdown      := kill waitpid sigtimedwait umount2 mount sync unlinkat
WRAP_tee           := ioctl mkdir rmdir
WRAP_evidence      := ioctl mkdir rmdir
WRAP_initdata_step := fstatfs ioctl

$(B)/test/obj/%.o: %.c $(HDR)
	@mkdir -p $(@D)
	$(HOST_CC) $(UNIT_CFLAGS) $(call inc,$<) -c -o $@ $<
$(B)/test/libsealroot.a: $(patsubst %.c,$(B)/test/obj/%.o,$(CORE_SRC) $(MEASURE_SRC))
	@rm -f $@
	$(AR) rcs $@ $^
$(B)/test/test_%: tests/unit/test_%.c $(UNIT_HELPERS) $(B)/test/libsealroot.a $(HDR)
	@mkdir -p $(@D)
	$(HOST_CC) $(UNIT_CFLAGS) $(INC_tests) -DFIXTURES='"$(CURDIR)/tests/unit/fixtures"' \
	    -o $@ $< $(UNIT_HELPERS) $(B)/test/libsealroot.a $(UNIT_LIBS) \
	    $(addprefix -Wl$(comma)--wrap=,$(WRAP_$*))

# The init for the PID-1 tests: SEALROOT_TEST_BUILD exits instead of
# powering off and takes steps and paths from the environment.
$(B)/test/sealroot-init-test: $(INIT_SRC) $(LIB_SRC) $(HDR)
	@mkdir -p $(@D)
	$(HOST_CC) $(CFLAGS_COMMON) -g -DSEALROOT_TEST_BUILD $(INC_init) -o $@ $(INIT_SRC) $(LIB_SRC) \
	    $(INIT_LIBS)

# tests/tpm/tpm-tool.c drives lib/tpm2.c against swtpm (tests/shell/test_tpm.sh).
$(B)/test/tpm-tool: tests/tpm/tpm-tool.c $(B)/test/libsealroot.a $(HDR)
	@mkdir -p $(@D)
	$(HOST_CC) $(UNIT_CFLAGS) $(INC_tests) -o $@ $< $(B)/test/libsealroot.a $(INIT_LIBS)

# tests/kbs/fwd.c joins a guest's connection to the test KBS (tests/lib/kbs.sh).
$(B)/test/kbs-fwd: tests/kbs/fwd.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $<

unit-bins: $(UNIT_BINS)

# ---- fuzzing (libFuzzer, ASan, UBSan) ---------------------------------------
# Each harness tests/fuzz/fuzz_<name>.c links the same archive, built with
# the fuzzer's instrumentation.
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_SAN     := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS  := -std=c11 -D_GNU_SOURCE -g -O1 $(FUZZ_SAN)
FUZZERS      := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
$(B)/fuzz/obj/%.o: %.c $(HDR)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(subst fuzzer$(comma),fuzzer-no-link$(comma),$(FUZZ_CFLAGS)) $(call inc,$<) -c -o $@ $<
$(B)/fuzz/libsealroot.a: $(CORE_SRC:%.c=$(B)/fuzz/obj/%.o)
	@rm -f $@
	$(AR) rcs $@ $^
$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(B)/fuzz/libsealroot.a $(HDR)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(INC_init) -o $@ $< $(B)/fuzz/libsealroot.a $(INIT_LIBS)
fuzz-bins: $(addprefix $(B)/fuzz/,$(FUZZERS))
# Each harness for FUZZ_SECONDS from the seeds in tests/fuzz/corpus/<name>;
# what it learns stays in build/fuzz/. A crash fails and leaves its input.
fuzz: fuzz-bins
	tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZERS)

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
test-bins: unit-bins $(B)/test/sealroot-init-test $(B)/test/tpm-tool $(B)/test/kbs-fwd $(B)/host/sealroot-initdata fuzz-bins

# Everything: unit, shell, pid1, boot. Ends with "N passed, N failed".
test: test-bins image
	tests/run.sh

clean:
	rm -rf $(B) out

# Also drops the cached kernel and libraries.
distclean: clean
	rm -rf $(SEALROOT_CACHE)

FORCE:
