"""The Linux package: a .deb made with dpkg-deb, and its clean-root smoke test."""
