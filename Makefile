# Installers. The tests are run by scripts/test (see README.md); this file only builds.
#
#   make installer                      the installer for this OS (Linux: dist/wiresleuth_*.deb,
#                                       macOS: dist/WireSleuth-*.dmg)
#   make installer HELPDESK_PROFILE=acme.toml HELPDESK_NAME="ACME IT" \
#        HELPDESK_CONTACT="+1 555 0100 · it@acme.example" HELPDESK_LOGO=acme.png
#                                       the same, branded for one helpdesk
#   sudo make installer-smoke           Linux: build a branded test package, install it into a
#                                       clean root, run it, purge it (installers/linux/smoke_test.sh)
#   sudo make installer-rootfs          Linux: (re)make the cached clean root the smoke test uses
#   make installer-lint                 syntax checks of the Windows/macOS recipes and the workflow
#
# Windows has no make: see docs/helpdesk-guide.md (PowerShell lines, as in the CI workflow).

PYTHON ?= .venv/bin/python
DIST ?= dist
BUILD ?= build
DEB_COMPRESSION ?= xz
OS := $(shell uname -s)
VERSION = $(shell $(PYTHON) -c "import wiresleuth; print(wiresleuth.__version__)")

BRANDING_ARGS := $(if $(HELPDESK_PROFILE),--profile "$(HELPDESK_PROFILE)") \
	$(if $(HELPDESK_NAME),--name "$(HELPDESK_NAME)") \
	$(if $(HELPDESK_CONTACT),--contact "$(HELPDESK_CONTACT)") \
	$(if $(HELPDESK_LOGO),--logo "$(HELPDESK_LOGO)")
BRANDED := $(strip $(HELPDESK_PROFILE)$(HELPDESK_NAME)$(HELPDESK_CONTACT)$(HELPDESK_LOGO))
BRANDING_DIR := $(if $(BRANDED),$(BUILD)/branding)
SPEC_ARGS := $(if $(BRANDED),-- --branding $(BRANDING_DIR))
PYINSTALLER := $(PYTHON) -m PyInstaller --noconfirm --log-level WARN

SMOKE := $(BUILD)/smoke

.PHONY: installer installer-env installer-tools installer-branding installer-app installer-smoke \
	installer-rootfs installer-lint clean-installer

# A checkout without .venv: scripts/setup makes it (Debian/Ubuntu); elsewhere, one line says what to run.
installer-env:
	@if ! command -v "$(PYTHON)" >/dev/null 2>&1; then \
		if [ "$(PYTHON)" = .venv/bin/python ] && command -v apt-get >/dev/null 2>&1; then \
			echo "make: no .venv yet: running scripts/setup"; scripts/setup; \
		else \
			echo "make: $(PYTHON) not found: run scripts/setup (Debian/Ubuntu), or python3 -m venv .venv && .venv/bin/pip install -e '.[installer]'" >&2; \
			exit 2; \
		fi; \
	fi

installer-tools: installer-env
	@$(PYTHON) -c "import PyInstaller, tomlkit, PIL" 2>/dev/null \
		|| $(PYTHON) -m pip install -q -e '.[installer]'

installer-branding: installer-tools
	$(if $(BRANDED),$(PYTHON) -m installers.branding --out $(BRANDING_DIR) $(BRANDING_ARGS))

installer-app: installer-branding
	$(PYINSTALLER) --distpath $(DIST) --workpath $(BUILD)/pyinstaller \
		installers/wiresleuth.spec $(SPEC_ARGS)

ifeq ($(OS),Linux)
installer: installer-app
	$(PYTHON) -m installers.linux.build_deb --app $(DIST)/wiresleuth --out-dir $(DIST) \
		--compression $(DEB_COMPRESSION) $(if $(BRANDED),--branding $(BRANDING_DIR))
else ifeq ($(OS),Darwin)
installer: installer-app
	installers/macos/sign_and_notarize.sh $(DIST)/WireSleuth.app $(DIST)/WireSleuth-$(VERSION).dmg
else
installer:
	@echo "make installer: use the PowerShell steps in docs/helpdesk-guide.md on Windows" >&2
	@exit 2
endif

installer-smoke: installer-tools
	$(PYTHON) -m installers.branding --out $(SMOKE)/branding \
		--profile installers/linux/smoke-profile.toml --name "Smoke Test Desk" \
		--contact "smoke-test@example.invalid" --logo resources/icons/wiresleuth-64.png
	$(PYINSTALLER) --distpath $(SMOKE)/dist --workpath $(SMOKE)/pyinstaller \
		installers/wiresleuth.spec -- --branding $(SMOKE)/branding
	$(PYTHON) -m installers.linux.build_deb --app $(SMOKE)/dist/wiresleuth \
		--out-dir $(SMOKE)/deb --branding $(SMOKE)/branding --compression zstd
	installers/linux/smoke_test.sh $(SMOKE)/deb/wiresleuth_$(VERSION)_$(shell dpkg --print-architecture).deb \
		$(SMOKE)/artefacts

installer-rootfs:
	installers/linux/make_rootfs.sh

installer-lint: installer-tools
	installers/lint.sh

clean-installer:
	rm -rf $(BUILD)/pyinstaller $(BUILD)/deb $(BUILD)/branding $(SMOKE) $(DIST)/wiresleuth \
		$(DIST)/WireSleuth.app $(DIST)/wiresleuth_*.deb $(DIST)/WireSleuth-*.dmg
